package notify

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// Unconfigured stands for a channel this muster has no provider for (no
// SMTP server, no SMS gateway given): drills still pass through it, as they
// call no channel, and a real delivery fails for good with a message that
// says what to configure, so that staff see it on the board instead of a
// queue that never moves.
type Unconfigured muster.Channel

var _ Channel = Unconfigured("")

// Name returns the channel it stands for.
func (u Unconfigured) Name() muster.Channel { return muster.Channel(u) }

// Send always fails permanently.
func (u Unconfigured) Send(context.Context, muster.Delivery) (string, error) {
	return "", Permanent(fmt.Errorf("no %s provider is configured for this muster", string(u)))
}
