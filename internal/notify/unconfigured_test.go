package notify

import (
	"context"
	"testing"

	"github.com/muster-force/muster"
)

func TestUnconfiguredFailsForGood(t *testing.T) {
	u := Unconfigured(muster.ChannelSMS)
	if u.Name() != muster.ChannelSMS {
		t.Fatalf("name %q", u.Name())
	}
	_, err := u.Send(context.Background(), muster.Delivery{})
	if err == nil || !IsPermanent(err) {
		t.Fatalf("Send = %v, want a permanent error", err)
	}
}
