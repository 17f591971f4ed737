package notify

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// pushRecordSize is the record size of the aes128gcm content coding: the
// whole message is one record, and push services take at least 4096
// bytes of body (RFC 8030, 7.2).
const pushRecordSize = 4096

// pushHeaderSize is the aes128gcm header: salt (16), rs (4), idlen (1) and
// the sender's public key (65).
const pushHeaderSize = 16 + 4 + 1 + 65

// MaxPushPayload is the most plaintext one message carries: the record
// less the padding delimiter (1) and the AES-GCM tag (16), less the header.
const MaxPushPayload = pushRecordSize - pushHeaderSize - 1 - 16

var b64 = base64.RawURLEncoding

// encryptPush encrypts plaintext to the browser's keys by RFC 8291: an
// ephemeral ECDH P-256 key agreed with uaPublic, the result mixed with the
// auth secret by HKDF into the input key, then the aes128gcm content coding
// of RFC 8188 with a random salt, in one record.
func encryptPush(plaintext, uaPublic, authSecret []byte) ([]byte, error) {
	as, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	return encryptPushWith(plaintext, uaPublic, authSecret, as, salt)
}

// encryptPushWith is encryptPush with the application server's ephemeral
// key and the salt given, as RFC 8291's example gives them.
func encryptPushWith(plaintext, uaPublic, authSecret []byte, as *ecdh.PrivateKey, salt []byte) ([]byte, error) {
	if len(plaintext) > MaxPushPayload {
		return nil, fmt.Errorf("push payload of %d bytes is over %d", len(plaintext), MaxPushPayload)
	}
	ua, err := ecdh.P256().NewPublicKey(uaPublic)
	if err != nil {
		return nil, fmt.Errorf("push subscription key: %w", err)
	}
	shared, err := as.ECDH(ua)
	if err != nil {
		return nil, err
	}
	asPublic := as.PublicKey().Bytes()
	keyInfo := "WebPush: info\x00" + string(uaPublic) + string(asPublic)
	ikm, err := hkdf.Key(sha256.New, shared, authSecret, keyInfo, 32)
	if err != nil {
		return nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, pushHeaderSize+len(plaintext)+1+gcm.Overhead())
	out = append(out, salt...)
	out = binary.BigEndian.AppendUint32(out, pushRecordSize)
	out = append(out, byte(len(asPublic)))
	out = append(out, asPublic...)
	record := append(append([]byte{}, plaintext...), 0x02) // 2: the last record, no padding
	return gcm.Seal(out, nonce, record, nil), nil
}

// vapidHeader returns the Authorization header of RFC 8292 for a request
// to endpoint: "vapid t=JWT, k=KEY", the JWT (ES256) naming the push
// service's origin (aud), an expiry 12 hours on (exp, at most 24 allowed)
// and the contact (sub).
func vapidHeader(key *ecdsa.PrivateKey, subject, endpoint string, now time.Time) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", errors.New("push endpoint is not an absolute URL")
	}
	claims, err := json.Marshal(struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}{u.Scheme + "://" + u.Host, now.Add(12 * time.Hour).Unix(), subject})
	if err != nil {
		return "", err
	}
	signed := b64.EncodeToString([]byte(`{"typ":"JWT","alg":"ES256"}`)) + "." + b64.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64) // JWS ES256: r and s, 32 bytes each
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	pub, err := VAPIDPublicKey(key)
	if err != nil {
		return "", err
	}
	return "vapid t=" + signed + "." + b64.EncodeToString(sig) + ", k=" + pub, nil
}

// VAPIDPublicKey returns the key's public half as browsers take it for
// applicationServerKey: the uncompressed point, base64url.
func VAPIDPublicKey(key *ecdsa.PrivateKey) (string, error) {
	pub, err := key.PublicKey.Bytes()
	if err != nil {
		return "", err
	}
	return b64.EncodeToString(pub), nil
}
