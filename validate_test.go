package muster

import (
	"strings"
	"testing"
)

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

// TestUserAndTokenValidate: staff users' and tokens' names are one line of
// text counted in characters, like every other name.
func TestUserAndTokenValidate(t *testing.T) {
	long := strings.Repeat("я", 150) // 300 bytes
	for _, tc := range []struct {
		name  string
		err   error
		field string
	}{
		{"a Cyrillic user name of 150 letters", (&User{Login: "ivanova", Name: long, Role: RoleClerk, Unit: "GOM"}).Validate(), ""},
		{"a user name with a tab", (&User{Login: "ivanova", Name: "Ivanova\tI.", Role: RoleClerk, Unit: "GOM"}).Validate(), "name"},
		{"a user name of 201 letters", (&User{Login: "ivanova", Name: strings.Repeat("я", 201), Role: RoleClerk, Unit: "GOM"}).Validate(), "name"},
		{"a bad login", (&User{Login: "Ivanova!", Name: "I", Role: RoleClerk, Unit: "GOM"}).Validate(), "login"},
		{"a user's unknown role", (&User{Login: "ivanova", Name: "I", Role: "god", Unit: "GOM"}).Validate(), "role"},
		{"a Cyrillic token name of 100 letters", (&Token{Name: long[:200], Role: RoleViewer, Unit: "TD"}).Validate(), ""},
		{"a token name with a NUL", (&Token{Name: "ci\x00", Role: RoleViewer, Unit: "TD"}).Validate(), "name"},
		{"a token without a unit", (&Token{Name: "ci", Role: RoleViewer}).Validate(), "unit"},
	} {
		details := ErrorDetails(tc.err)
		switch {
		case tc.field == "" && tc.err != nil:
			t.Errorf("%s: %v, want no error", tc.name, tc.err)
		case tc.field != "" && (ErrorCode(tc.err) != EINVALID || len(details) != 1 || details[0].Field != tc.field):
			t.Errorf("%s: %v (%+v), want EINVALID on %s", tc.name, tc.err, details, tc.field)
		}
	}
}
