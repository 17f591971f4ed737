package secret

import (
	"os/exec"
	"strings"
	"testing"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q has the wrong format", h)
	}
	if ok, err := CheckPassword(h, "correct horse battery"); err != nil || !ok {
		t.Fatalf("right password: ok=%v err=%v", ok, err)
	}
	if ok, err := CheckPassword(h, "correct horse battery "); err != nil || ok {
		t.Fatalf("wrong password: ok=%v err=%v", ok, err)
	}
	h2, _ := HashPassword("correct horse battery")
	if h2 == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	for _, h := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$oK7hzJiD4EoxnFvwZG5X59EyPmWhh46hMggTbRb8QDk",
		"$argon2id$v=16$m=65536,t=3,p=2$c29tZXNhbHQ$oK7hzJiD4EoxnFvwZG5X59EyPmWhh46hMggTbRb8QDk",
		"$argon2id$v=19$m=65536,t=3,p=0$c29tZXNhbHQ$oK7hzJiD4EoxnFvwZG5X59EyPmWhh46hMggTbRb8QDk",
		"$argon2id$v=19$m=99999999,t=3,p=2$c29tZXNhbHQ$oK7hzJiD4EoxnFvwZG5X59EyPmWhh46hMggTbRb8QDk",
		"$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$not*base64",
	} {
		if _, err := CheckPassword(h, "pw"); err != ErrMalformedHash {
			t.Errorf("CheckPassword(%q) error = %v, want ErrMalformedHash", h, err)
		}
	}
}

// TestPasswordAgainstArgon2CLI checks both directions against the reference
// implementation (Debian's argon2): its hash verifies here, and the same
// salt and parameters give the same string here.
func TestPasswordAgainstArgon2CLI(t *testing.T) {
	bin, err := exec.LookPath("argon2")
	if err != nil {
		t.Skip("argon2 CLI not installed")
	}
	for _, tc := range []struct {
		args []string
		p    params
	}{
		{[]string{"-t", "3", "-m", "16", "-p", "2"}, params{memory: 65536, time: 3, threads: 2}},
		{[]string{"-t", "2", "-k", "19456", "-p", "1"}, params{memory: ArgonMemory, time: ArgonTime, threads: ArgonThreads}},
	} {
		pw, salt := "пароль-с-юникодом 12", "somesalt16bytes!"
		cmd := exec.Command(bin, append([]string{salt, "-id", "-e"}, tc.args...)...)
		cmd.Stdin = strings.NewReader(pw)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("argon2 %v: %v", tc.args, err)
		}
		ref := strings.TrimSpace(string(out))
		if ok, err := CheckPassword(ref, pw); err != nil || !ok {
			t.Fatalf("CLI hash %s: ok=%v err=%v", ref, ok, err)
		}
		if ok, _ := CheckPassword(ref, pw+"x"); ok {
			t.Fatalf("CLI hash %s accepts a wrong password", ref)
		}
		if got := hashWithSalt(pw, []byte(salt), tc.p); got != ref {
			t.Fatalf("hash = %s, CLI = %s", got, ref)
		}
	}
}

func TestToken(t *testing.T) {
	a, b := NewToken("mst_"), NewToken("mst_")
	if a == b || !strings.HasPrefix(a, "mst_") || len(a) != 4+52 {
		t.Fatalf("tokens %q, %q", a, b)
	}
	if strings.Trim(a[4:], "abcdefghijklmnopqrstuvwxyz234567") != "" {
		t.Fatalf("token %q has characters outside lower-case base32", a)
	}
	h := HashToken(a)
	if len(h) != 64 || h != HashToken(a) || h == HashToken(b) {
		t.Fatalf("HashToken = %q", h)
	}
	// SHA-256("abc"), FIPS 180-2 appendix B.1.
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashToken(abc) = %s", got)
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}
