package secret

import (
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings: those every authenticator app understands (RFC 6238
// defaults: HMAC-SHA1, 6 digits, 30-second steps, 160-bit secrets).
const (
	TOTPIssuer = "muster"
	totpPeriod = 30
	totpSkew   = 1 // steps accepted either side of now, for clock drift
)

// NewTOTP generates a TOTP secret for the account and returns it (base32,
// as authenticator apps and oathtool take it) and its otpauth:// URL with
// issuer "muster", to show as a QR code.
func NewTOTP(account string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      TOTPIssuer,
		AccountName: account,
		Period:      totpPeriod,
		SecretSize:  20,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", fmt.Errorf("generate TOTP secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// CheckTOTP reports whether code is the TOTP code of secret at t, or one
// step before or after it, and returns the time step it matched (Unix time
// divided by 30). Callers store the step and refuse a code whose step is
// not later than the last one used, so that a code works only once.
// Spaces in the code are ignored.
func CheckTOTP(secret, code string, t time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != 6 {
		return 0, false
	}
	now := t.Unix() / totpPeriod
	opts := totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	for s := now - totpSkew; s <= now+totpSkew; s++ {
		match, err := totp.ValidateCustom(code, secret, time.Unix(s*totpPeriod, 0), opts)
		if err == nil && match {
			return s, true
		}
	}
	return 0, false
}
