package answertoken

import (
	"bytes"
	"math"
	"strings"
	"sync"
	"testing"
)

var key = bytes.Repeat([]byte{0x5a}, 32)

func TestRoundTrip(t *testing.T) {
	for _, ids := range [][2]int64{{1, 1}, {7, 123456}, {math.MaxUint32, math.MaxUint32}, {1 << 31, 42}} {
		tok := Sign(key, ids[0], ids[1])
		if len(tok) != Len || strings.ToLower(tok) != tok {
			t.Fatalf("Sign(%v) = %q: want %d lowercase characters", ids, tok, Len)
		}
		c, m, err := Verify(key, tok)
		if err != nil || c != ids[0] || m != ids[1] {
			t.Fatalf("Verify(Sign(%v)) = %d, %d, %v", ids, c, m, err)
		}
	}
}

func TestSignRefusesIDsOutOfRange(t *testing.T) {
	for _, ids := range [][2]int64{{0, 1}, {1, 0}, {-1, 5}, {math.MaxUint32 + 1, 1}, {1, math.MaxUint32 + 1}} {
		if tok := Sign(key, ids[0], ids[1]); tok != "" {
			t.Errorf("Sign(%v) = %q, want \"\"", ids, tok)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	tok := Sign(key, 12, 345)
	other := bytes.Repeat([]byte{0xa5}, 32)
	flip := func(i int) string {
		b := []byte(tok)
		if b[i] == 'a' {
			b[i] = 'b'
		} else {
			b[i] = 'a'
		}
		return string(b)
	}
	cases := map[string]string{
		"empty":          "",
		"truncated":      tok[:Len-1],
		"extended":       tok + "a",
		"uppercase":      strings.ToUpper(tok),
		"bad alphabet":   tok[:Len-1] + "1",
		"padding":        tok[:Len-2] + "==",
		"altered id":     flip(3),
		"altered mac":    flip(20),
		"non-canonical":  tok[:Len-1] + string(encoding.EncodeToString([]byte{0xff})[1]),
		"other key":      Sign(other, 12, 345),
		"zero ids":       forge(0, 0),
		"not a token at": "hello-world-hello-world-12",
	}
	for name, bad := range cases {
		if bad == tok {
			continue // the flip happened to keep it (cannot, but be safe)
		}
		if c, m, err := Verify(key, bad); err == nil {
			t.Errorf("%s: Verify(%q) = %d, %d, nil; want an error", name, bad, c, m)
		}
	}
}

// forge signs a payload that Sign refuses to make.
func forge(c, m uint32) string {
	var buf [16]byte
	buf[0], buf[1], buf[2], buf[3] = byte(c>>24), byte(c>>16), byte(c>>8), byte(c)
	buf[4], buf[5], buf[6], buf[7] = byte(m>>24), byte(m>>16), byte(m>>8), byte(m)
	copy(buf[8:], mac(key, buf[:8]))
	return encoding.EncodeToString(buf[:])
}

// TestFitsAnSMS checks the reason for the format: a notice and its link fit
// one GSM SMS.
func TestFitsAnSMS(t *testing.T) {
	msg := "TD call-up: report to Mozyr armoury by 08:00. Answer: https://muster.example.by/r/" + Sign(key, 4000000000, 4000000000)
	if len(msg) > 160 {
		t.Fatalf("%d characters: %s", len(msg), msg)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(Sign(key, 1, 1))
	f.Add(Sign(key, 99, 100000))
	f.Add("aaaaaaaaaaaaaaaaaaaaaaaaaa")
	f.Add("")
	f.Add(strings.Repeat("7", Len))
	f.Fuzz(func(t *testing.T, tok string) {
		c, m, err := Verify(key, tok)
		if err != nil {
			return
		}
		if again := Sign(key, c, m); again != tok {
			t.Fatalf("Verify(%q) = %d, %d; Sign gives %q", tok, c, m, again)
		}
	})
}

// BenchmarkVerify checks one token, as every answer over HTTP does.
func BenchmarkVerify(b *testing.B) {
	token := Sign(key, 7, 123456)
	for b.Loop() {
		if _, _, err := Verify(key, token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSign signs tokens, as a call-up's notices export does for every
// member.
func BenchmarkSign(b *testing.B) {
	var id int64
	for b.Loop() {
		id++
		if Sign(key, 7, id) == "" {
			b.Fatal("no token")
		}
	}
}

// TestConcurrentKeys signs and checks tokens under two keys from many
// goroutines at once: each token verifies under its own key only, so the
// pooled HMACs of one key never serve the other.
func TestConcurrentKeys(t *testing.T) {
	keys := [][]byte{[]byte("first key, 32 bytes long ......."), []byte("second key, 32 bytes long ......")}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				own, other := keys[(g+i)%2], keys[(g+i+1)%2]
				id := int64(g*1000 + i + 1)
				token := Sign(own, 3, id)
				if c, m, err := Verify(own, token); err != nil || c != 3 || m != id {
					t.Errorf("Verify(own key, %s) = %d, %d, %v", token, c, m, err)
					return
				}
				if _, _, err := Verify(other, token); err == nil {
					t.Errorf("a token signed with one key verified with the other")
					return
				}
			}
		})
	}
	wg.Wait()
}
