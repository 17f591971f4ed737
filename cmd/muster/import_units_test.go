package main

import (
	"strings"
	"testing"
)

// TestImportUnitsPartialFile imports units files that lack columns: an
// existing unit keeps the values of the columns missing from the file,
// and a new unit needs the columns it cannot do without.
func TestImportUnitsPartialFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	wantUnit := func(line string) {
		t.Helper()
		if out := h.ok("", "export", "units"); !strings.Contains(out, "\n"+line+"\n") {
			t.Errorf("export units lacks %q:\n%s", line, out)
		}
	}

	wantOut(t, "import without target_strength", h.ok("code,name,parent,kind\nGOM,Гомельская область,TD,region\n", "import", "units", "-"),
		"stdin: imported: 0 created, 0 updated, 1 unchanged\n")
	wantUnit("GOM,Гомельская область,TD,region,30")
	wantOut(t, "import without parent", h.ok("code,name\nGOM,Gomel region\n", "import", "units", "-"),
		"stdin: imported: 0 created, 1 updated, 0 unchanged\n")
	wantUnit("GOM,Gomel region,TD,region,30")

	before := h.snapshot()
	r := h.run("code,target_strength\nGOM,30\nGOM-MOZ-2,10\n", "import", "units", "-")
	if r.code != 1 {
		t.Errorf("import of a new unit without name and kind: exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
	}
	matchLines(t, r.stderr, []string{problem("stdin", 3, "name"), problem("stdin", 3, "kind"), summary("stdin", 2)})
	if after := h.snapshot(); after != before {
		t.Errorf("a failed import changed the roster:\n%s", diffLines(before, after))
	}
}

// TestImportUnitsSecondRoot checks that a new unit without a parent is
// refused once the force has its root, naming the field and the root.
func TestImportUnitsSecondRoot(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	before := h.snapshot()
	r := h.run("code,name,parent,kind\nHQ2,Second command,,command\n", "import", "units", "-")
	if r.code != 1 {
		t.Errorf("import of a second root: exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
	}
	matchLines(t, r.stderr, []string{`^stdin:2: parent: required; the force's root is TD$`, summary("stdin", 1)})
	if after := h.snapshot(); after != before {
		t.Errorf("a failed import changed the roster:\n%s", diffLines(before, after))
	}
}

// TestImportUnitsTreeErrorsNameField checks that the problems the tree
// rules find are reported as FILE:LINE: field: message, like the others.
func TestImportUnitsTreeErrorsNameField(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	before := h.snapshot()
	r := h.run("code,parent,kind\nGOM,GOM-MOZ,region\nGOM-MOZ-1,GOM-MOZ,command\nBRE-PIN,NOWHERE,district\n", "import", "units", "-")
	if r.code != 1 {
		t.Errorf("exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
	}
	matchLines(t, r.stderr, []string{
		`^stdin:2: parent: GOM-MOZ lies under GOM; a unit cannot be moved under its own subunit$`,
		`^stdin:3: kind: a command cannot be placed under a district \(GOM-MOZ\)$`,
		`^stdin:4: parent: unit NOWHERE does not exist$`,
		summary("stdin", 3)})
	if after := h.snapshot(); after != before {
		t.Errorf("a failed import changed the roster:\n%s", diffLines(before, after))
	}
}
