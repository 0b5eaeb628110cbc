package campusguard

import "testing"

func TestCSVCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\",\"点\")", "'=HYPERLINK(\"http://x\",\"点\")"},
		{"+1+1", "'+1+1"}, {"-2+3", "'-2+3"}, {"@SUM(A1)", "'@SUM(A1)"}, {"\t=1", "'\t=1"},
		{"张小明", "张小明"}, {"", ""}, {"13805961234", "13805961234"}, {"'quoted", "'quoted"}, {"'=1", "''=1"},
	} {
		got := CSVCell(c.in)
		if got != c.want {
			t.Errorf("CSVCell(%q) = %q, want %q", c.in, got, c.want)
		}
		if back := UncsvCell(got); back != c.in {
			t.Errorf("UncsvCell(CSVCell(%q)) = %q", c.in, back)
		}
	}
}

func FuzzCSVCell(f *testing.F) {
	f.Add("=1+1")
	f.Add("张小明")
	f.Fuzz(func(t *testing.T, s string) {
		got := CSVCell(s)
		if got != "" && isFormulaStart(got[0]) {
			t.Errorf("CSVCell(%q) = %q starts a formula", s, got)
		}
		if UncsvCell(got) != s {
			t.Errorf("UncsvCell(CSVCell(%q)) = %q", s, UncsvCell(got))
		}
	})
}
