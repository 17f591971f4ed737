package notify

import (
	"crypto/ecdh"
	"testing"
)

// TestEncryptPushRFC8291 encrypts the example of RFC 8291, Appendix A,
// with its keys and salt, and gets its message byte for byte.
func TestEncryptPushRFC8291(t *testing.T) {
	dec := func(s string) []byte {
		t.Helper()
		b, err := b64.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	as, err := ecdh.P256().NewPrivateKey(dec("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := encryptPushWith([]byte("When I grow up, I want to be a watermelon"),
		dec("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
		dec("BTBZMqHH6r4Tts7J_aSIgg"), as, dec("DGv6ra1nlYgDCS1FRnbzlw"))
	if err != nil {
		t.Fatal(err)
	}
	const want = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
	if b64.EncodeToString(got) != want {
		t.Errorf("RFC 8291 example:\ngot  %s\nwant %s", b64.EncodeToString(got), want)
	}
	if _, err := encryptPush(make([]byte, MaxPushPayload+1), as.PublicKey().Bytes(), make([]byte, 16)); err == nil {
		t.Error("a payload over MaxPushPayload was encrypted")
	}
}
