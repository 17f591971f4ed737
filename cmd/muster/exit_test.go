package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// problem matches one stderr line "FILE:LINE: field: message".
func problem(file string, line int, field string) string {
	return fmt.Sprintf(`^%s:%d: %s: \S.*$`, regexp.QuoteMeta(file), line, field)
}

// summary matches the last stderr line of a failed import.
func summary(file string, n int) string {
	return fmt.Sprintf(`^%s: %d problems? in the file; nothing was imported$`, regexp.QuoteMeta(file), n)
}

// TestExitStatus runs command lines that are wrong (2), that fail (1) or
// that only look (0) against a database holding the testdata force, and
// checks the exit status, the messages, and that none of them changed the
// roster.
func TestExitStatus(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	h.ok("", "import", "members", testdata("members.csv"))
	h.ok("", "token", "create", "-role", "viewer", "-unit", "TD") // makes users and tokens non-empty

	badMembers, badUnits := testdata("bad_members.csv"), testdata("bad_units.csv")
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		// lines, when set, are regexps that the lines of stderr must
		// match, one each, in any order; else stderr must contain stderr.
		lines  []string
		stderr string
		stdout string // stdout must contain it
	}{
		{name: "no command", code: 2, stderr: "usage: muster COMMAND [flags]"},
		{name: "unknown command", args: []string{"bogus"}, code: 2, stderr: `unknown command "bogus"`},
		{name: "unknown subcommand", args: []string{"import", "people", "x.csv"}, code: 2, stderr: "usage: muster COMMAND"},
		{name: "unknown subcommand named", args: []string{"import", "bogus"}, code: 2, stderr: `muster import: unknown subcommand "bogus"; the subcommands are units, members`},
		{name: "missing subcommand", args: []string{"audit"}, code: 2, stderr: "muster audit: missing subcommand; the subcommands are verify"},
		{name: "flag after FILE", args: []string{"import", "units", testdata("units.csv"), "-dry-run"}, code: 2,
			stderr: "muster import units: flags go before FILE: -dry-run came after it\nusage: muster import units"},
		{name: "argument after FILE", args: []string{"import", "members", badMembers, badMembers}, code: 2,
			stderr: "muster import members: unexpected argument \"" + badMembers + "\" after FILE"},
		{name: "migrate extra argument", args: []string{"migrate", "extra"}, code: 2, stderr: "muster migrate: unexpected argument \"extra\"\nusage: muster migrate"},
		{name: "export extra argument", args: []string{"export", "units", "extra"}, code: 2, stderr: "muster export units: unexpected argument \"extra\""},
		{name: "audit extra argument", args: []string{"audit", "verify", "extra"}, code: 2, stderr: "muster audit verify: unexpected argument \"extra\""},
		{name: "import without FILE", args: []string{"import", "units"}, code: 2, stderr: "muster import units: missing FILE"},
		{name: "empty -db", args: []string{"export", "members", "-db", ""}, code: 2, stderr: "muster export members: -db: must not be empty"},
		{name: "empty -db for migrate", args: []string{"migrate", "-db="}, code: 2, stderr: "muster migrate: -db: must not be empty"},
		{name: "serve with a bad -trusted-proxies", args: []string{"serve", "-trusted-proxies", "127.0.0.1,proxy.example"}, code: 2,
			stderr: "muster serve: -trusted-proxies: \"proxy.example\" is not an IP address or CIDR prefix"},
		{name: "backup to stdout", args: []string{"backup", "-"}, code: 2, stderr: "muster backup: FILE: backup writes a file; give its path, not -"},
		{name: "callup without FILE", args: []string{"callup", "create"}, code: 2, stderr: "muster callup create: missing FILE (or -template NAME)"},
		{name: "token with unknown role", args: []string{"token", "create", "-role", "god", "-unit", "TD"}, code: 2,
			stderr: `muster token create: -role: "god" is not a role; the roles are admin, commander, clerk, armorer, viewer`},
		{name: "user with unknown role", args: []string{"user", "create", "-login", "ivanov", "-role", "god", "-unit", "TD"}, stdin: "x\n", code: 2,
			stderr: `muster user create: -role: "god" is not a role; the roles are admin, commander, clerk, armorer, viewer`},
		{name: "token without unit named", args: []string{"token", "create", "-role", "clerk"}, code: 2, stderr: "muster token create: -unit is required"},
		{name: "user contact without login", args: []string{"user", "contact"}, code: 2, stderr: "muster user contact: -login is required"},
		{name: "missing FILE", args: []string{"import", "members"}, code: 2, stderr: "usage: muster import members [-db DB] [-dry-run] FILE"},
		{name: "missing units FILE", args: []string{"import", "units", "-dry-run"}, code: 2, stderr: "usage: muster import units"},
		{name: "two FILEs", args: []string{"import", "members", badMembers, badMembers}, code: 2, stderr: "usage: muster import members"},
		{name: "bad flag", args: []string{"import", "members", "-bogus", badMembers}, code: 2, stderr: "flag provided but not defined: -bogus"},
		{name: "bad format", args: []string{"export", "members", "-format", "xml"}, code: 2, stderr: "muster export members: -format: must be csv or json\nusage: muster export members"},
		{name: "token without unit", args: []string{"token", "create", "-role", "clerk"}, code: 2, stderr: "usage: muster token create"},
		{name: "user without login", args: []string{"user", "create", "-role", "clerk", "-unit", "GOM"}, stdin: "x\n", code: 2, stderr: "usage: muster user create"},
		{name: "backup without FILE", args: []string{"backup"}, code: 2, stderr: "usage: muster backup"},
		{name: "demo size", args: []string{"demo", "-members", "-1"}, code: 2, stderr: "-members must be from 0"},
		{name: "expiry leads", args: []string{"serve", "-expiry-leads", "60,0"}, code: 2, stderr: "-expiry-leads: expiry reminder leads: 0 is not from 1 to 366 days"},
		{name: "expiry leads text", args: []string{"serve", "-expiry-leads", "sixty"}, code: 2, stderr: `"sixty" is not a number of days`},
		{name: "help", args: []string{"help"}, code: 0, stdout: "usage: muster COMMAND"},

		{name: "no such file", args: []string{"import", "members", testdata("nosuch.csv")}, code: 1,
			lines: []string{`^muster: .*testdata/nosuch\.csv.*no such file or directory$`}},
		{name: "bad members", args: []string{"import", "members", badMembers}, code: 1, lines: []string{
			problem(badMembers, 3, "birth_date"), problem(badMembers, 4, "status"), problem(badMembers, 5, "unit"),
			problem(badMembers, 6, "phone"), problem(badMembers, 7, "qualifications"), summary(badMembers, 5)}},
		{name: "bad members on stdin", args: []string{"import", "members", "-"}, stdin: readTestdata(t, "bad_members.csv"), code: 1, lines: []string{
			problem("stdin", 3, "birth_date"), problem("stdin", 4, "status"), problem("stdin", 5, "unit"),
			problem("stdin", 6, "phone"), problem("stdin", 7, "qualifications"), summary("stdin", 5)}},
		{name: "bad members dry run", args: []string{"import", "members", "-dry-run", badMembers}, code: 1, lines: []string{
			problem(badMembers, 3, "birth_date"), problem(badMembers, 4, "status"), problem(badMembers, 5, "unit"),
			problem(badMembers, 6, "phone"), problem(badMembers, 7, "qualifications"), summary(badMembers, 5)}},
		{name: "bad units", args: []string{"import", "units", badUnits}, code: 1, lines: []string{
			problem(badUnits, 2, "kind"), problem(badUnits, 3, "parent"), problem(badUnits, 4, "target_strength"), summary(badUnits, 3)}},
		{name: "unknown column", args: []string{"import", "members", testdata("bad_header.csv")}, code: 1,
			lines: []string{problem(testdata("bad_header.csv"), 1, "rank")}},
		{name: "empty file", args: []string{"import", "units", "-"}, code: 1, lines: []string{`^stdin:1: .*empty.*$`}},
		{name: "Windows-1251 file", args: []string{"import", "members", "-"}, code: 1,
			stdin: "service_number,\xd4\xe0\xec\xe8\xeb\xe8\xff\nBY1,\xc8\xe2\xe0\xed\xee\xe2\n",
			lines: []string{`^stdin:1: not valid UTF-8; save the file as CSV UTF-8$`}},

		{name: "token for unknown unit", args: []string{"token", "create", "-role", "clerk", "-unit", "NOWHERE"}, code: 1,
			lines: []string{`^muster: Unit NOWHERE does not exist\.$`}},
		{name: "user for unknown unit", args: []string{"user", "create", "-login", "ivanov", "-role", "clerk", "-unit", "NOWHERE"},
			stdin: "correct horse battery staple\n", code: 1, lines: []string{`^muster: Unit NOWHERE does not exist\.$`}},
		{name: "user without password", args: []string{"user", "create", "-login", "ivanov", "-role", "clerk", "-unit", "GOM"}, code: 1,
			lines: []string{`^muster: no password on standard input$`}},
		{name: "user with bad login", args: []string{"user", "create", "-login", "I", "-role", "clerk", "-unit", "GOM"},
			stdin: "correct horse battery staple\n", code: 1, lines: []string{`^muster: .*\blogin: .*$`}},
		{name: "export of unknown unit", args: []string{"export", "members", "-unit", "NOWHERE"}, code: 1,
			lines: []string{`^muster: Unit NOWHERE does not exist\.$`}},

		{name: "dry run", args: []string{"import", "members", "-dry-run", testdata("members_more.csv")}, code: 0,
			stdout: "members_more.csv: dry run, nothing changed: 1 created, 1 updated, 0 unchanged"},
		{name: "dry run on stdin", args: []string{"import", "units", "-dry-run", "-"}, stdin: "code,name,parent,kind\nGOM-MOZ-2,2-й батальон,GOM-MOZ,unit\n",
			code: 0, stdout: "stdin: dry run, nothing changed: 1 created, 0 updated, 0 unchanged"},
	}
	before := h.snapshot()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run(tt.stdin, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, r.stdout)
			}
			if tt.lines != nil {
				matchLines(t, r.stderr, tt.lines)
			} else if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r.stderr)
			}
			if after := h.snapshot(); after != before {
				t.Errorf("the roster changed:\n%s", diffLines(before, after))
			}
		})
	}
}

// matchLines checks that the lines of got match the regexps of want, one
// each, in any order.
func matchLines(t *testing.T, got string, want []string) {
	t.Helper()
	left := lines(got)
	for _, w := range want {
		re := regexp.MustCompile(w)
		i := 0
		for i < len(left) && !re.MatchString(left[i]) {
			i++
		}
		if i == len(left) {
			t.Errorf("stderr has no line matching %s:\n%s", w, got)
			continue
		}
		left = append(left[:i], left[i+1:]...)
	}
	for _, l := range left {
		t.Errorf("stderr has an unexpected line: %s", l)
	}
}
