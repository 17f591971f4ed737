package notify

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"
	"time"
)

// BenchmarkWebPushMessage measures what muster computes per push message:
// the RFC 8291 encryption of a typical notice and the VAPID JWT signature.
func BenchmarkWebPushMessage(b *testing.B) {
	ua, _ := ecdh.P256().GenerateKey(rand.Reader)
	auth := make([]byte, 16)
	rand.Read(auth)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	payload := make([]byte, 400)
	for b.Loop() {
		if _, err := encryptPush(payload, ua.PublicKey().Bytes(), auth); err != nil {
			b.Fatal(err)
		}
		if _, err := vapidHeader(key, "mailto:ops@force.example", "https://push.example/x", time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
