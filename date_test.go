package muster

import "testing"

func TestParseDateProblems(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2023-02-30", `"2023-02-30" is not a real date`},
		{"2023-13-01", `"2023-13-01" is not a real date`},
		{"2023-04-00", `"2023-04-00" is not a real date`},
		{"2023-2-3", `"2023-2-3" is not a date of the form YYYY-MM-DD`},
		{"30.02.2023", `"30.02.2023" is not a date of the form YYYY-MM-DD`},
		{"2023/02/03", `"2023/02/03" is not a date of the form YYYY-MM-DD`},
		{"", `"" is not a date of the form YYYY-MM-DD`},
	} {
		_, err := ParseDate(tc.in)
		if ErrorCode(err) != EINVALID || ErrorMessage(err) != tc.want {
			t.Errorf("ParseDate(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
	if d, err := ParseDate("2024-02-29"); err != nil || d.String() != "2024-02-29" {
		t.Errorf("ParseDate(2024-02-29) = %v, %v", d, err)
	}
}
