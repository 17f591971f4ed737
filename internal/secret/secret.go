// Package secret hashes passwords with argon2id, makes and hashes random
// session and API-token secrets, and generates and checks TOTP codes
// (RFC 6238). It holds no state: every function takes what it needs.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// The argon2id parameters of new password hashes: the second of OWASP's
// equivalent settings (19 MiB, 2 passes, 1 lane). A hash takes 26–30 ms on
// a 2-vCPU machine and holds 19 MiB while it runs, so a burst of logins
// cannot exhaust a small server's memory, while each guess still costs an
// attacker 19 MiB and 2 passes. (64 MiB, 3 passes, 2 lanes measured
// 140–230 ms on the same machine, using both cores: over the budget of a
// login.) Hashes carry their parameters, so raising these later keeps old
// hashes valid.
const (
	ArgonMemory  = 19 * 1024 // KiB
	ArgonTime    = 2
	ArgonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// ErrMalformedHash reports a stored password hash that is not an argon2id
// PHC string this package can check.
var ErrMalformedHash = errors.New("secret: malformed argon2id hash")

// params are the argon2id settings of one hash.
type params struct {
	memory  uint32
	time    uint32
	threads uint8
}

// HashPassword returns the argon2id hash of pw with a fresh random salt, in
// the PHC string format "$argon2id$v=19$m=19456,t=2,p=1$salt$hash" (base64
// without padding).
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	return hashWithSalt(pw, salt, params{memory: ArgonMemory, time: ArgonTime, threads: ArgonThreads}), nil
}

func hashWithSalt(pw string, salt []byte, p params) string {
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether pw matches the hash, comparing in constant
// time. It uses the parameters stored in the hash, so hashes made with other
// settings (or by another argon2id implementation) check too. The error is
// ErrMalformedHash for a hash it cannot read.
func CheckPassword(hash, pw string) (bool, error) {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// EqualizeTiming hashes pw as HashPassword does and discards the result, so
// that a login with an unknown name costs as much time as a wrong password.
func EqualizeTiming(pw string) {
	argon2.IDKey([]byte(pw), make([]byte, argonSaltLen), ArgonTime, ArgonMemory, ArgonThreads, argonKeyLen)
}

// parseHash splits a PHC string and checks its parameters are ones that
// argon2 accepts and that a server can afford (at most 1 GiB, 16 passes).
func parseHash(hash string) (p params, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, ErrMalformedHash
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads); err != nil || n != 3 ||
		threads < 1 || threads > 255 || p.time < 1 || p.time > 16 || p.memory < 8*threads || p.memory > 1<<20 {
		return p, nil, nil, ErrMalformedHash
	}
	p.threads = uint8(threads)
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, ErrMalformedHash
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// tokenEncoding writes random bytes as lower-case base32 without padding: no
// characters that URLs, shells or double-click selection split on.
var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewToken returns prefix followed by 32 random bytes in lower-case base32,
// e.g. "mst_" and 52 characters. The prefix names the kind of secret ("mss_"
// for sessions, "mst_" for API tokens), so a leaked one is recognisable.
func NewToken(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (see crypto/rand.Read)
	return prefix + tokenEncoding.EncodeToString(b)
}

// HashToken returns the SHA-256 of a secret made by NewToken, in hex, for
// storing and looking up. A fast hash is right here, unlike for passwords:
// the secret has 256 random bits, so no guessing attack can use the speed,
// and a lookup on every request must be cheap.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
