package muster

import "testing"

func TestValidators(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) bool
		in   string
		want bool
	}{
		{"phone", ValidPhone, "+375291234567", true},
		{"phone short", ValidPhone, "+37529", false},
		{"phone no plus", ValidPhone, "375291234567", false},
		{"phone leading zero", ValidPhone, "+0291234567", false},
		{"phone letters", ValidPhone, "+37529123456a", false},
		{"phone too long", ValidPhone, "+3752912345678901", false},
		{"email", ValidEmail, "ivan.petrov@mail.by", true},
		{"email no at", ValidEmail, "ivan.mail.by", false},
		{"email two ats", ValidEmail, "a@b@c.by", false},
		{"email no dot", ValidEmail, "a@localhost", false},
		{"email trailing dot", ValidEmail, "a@mail.", false},
		{"email space", ValidEmail, "a b@mail.by", false},
		{"email empty local", ValidEmail, "@mail.by", false},
		{"code", ValidCode, "GOM-MOZ-1", true},
		{"code dot", ValidCode, "A.b_c", true},
		{"code leading dash", ValidCode, "-GOM", false},
		{"code cyrillic", ValidCode, "ГОМ", false},
		{"code too long", ValidCode, "A234567890123456789012345678901234", false},
		{"service number", ValidServiceNumber, "BY31234567", true},
		{"service number dot", ValidServiceNumber, "BY.1", false},
		{"service number empty", ValidServiceNumber, "", false},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}
