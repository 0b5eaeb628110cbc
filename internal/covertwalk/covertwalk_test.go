package covertwalk

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// recorder is a testing.TB that keeps the failures it is told of, so that
// a test can check that the helpers fail where they should.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func walkOf(answers map[string]Answer) *Walked {
	w := NewWalked()
	for k, a := range answers {
		_, u, _ := strings.Cut(k, " GET ")
		w.Add(k, u, a)
	}
	return w
}

func TestSame(t *testing.T) {
	base := walkOf(map[string]Answer{
		"teacher GET /visits/9": {404, "not found"},
		"parent GET /visits/9":  {404, "not found"},
	})
	for _, tc := range []struct {
		name  string
		got   map[string]Answer
		roles []string
		want  []string // a part of each failure, in order
	}{
		{"same", map[string]Answer{"teacher GET /visits/9": {404, "not found"}, "parent GET /visits/9": {404, "not found"}},
			[]string{"teacher", "parent"}, nil},
		{"other text", map[string]Answer{"teacher GET /visits/9": {404, "not found!"}, "parent GET /visits/9": {404, "not found"}},
			[]string{"teacher", "parent"}, []string{"planned: teacher GET /visits/9 = 404, differs"}},
		{"other status", map[string]Answer{"teacher GET /visits/9": {200, "not found"}, "parent GET /visits/9": {404, "not found"}},
			[]string{"teacher", "parent"}, []string{"planned: teacher GET /visits/9 = 200, differs"}},
		{"role not compared", map[string]Answer{"teacher GET /visits/9": {200, "a visit"}, "parent GET /visits/9": {404, "not found"}},
			[]string{"parent"}, nil},
		{"not walked again", map[string]Answer{"teacher GET /visits/9": {404, "not found"}},
			[]string{"teacher", "parent"}, []string{"planned: parent GET /visits/9 was not walked again"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Same(r, "planned", base, walkOf(tc.got), tc.roles)
			if len(r.errs) != len(tc.want) {
				t.Fatalf("Same failed with %q, want %d failures like %q", r.errs, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(r.errs[i], w) {
					t.Errorf("Same failure %d = %q, want it to hold %q", i, r.errs[i], w)
				}
			}
		})
	}
}

func TestSameCountsBeyondTwenty(t *testing.T) {
	want, got := NewWalked(), NewWalked()
	for i := range 25 {
		k := fmt.Sprintf("teacher GET /p/%d", i)
		want.Add(k, k, Answer{200, "a"})
		got.Add(k, k, Answer{200, "b"})
	}
	r := &recorder{TB: t}
	Same(r, "planned", want, got, []string{"teacher"})
	if len(r.errs) != 21 || r.errs[20] != "planned: 25 answers differ in all" {
		t.Errorf("Same with 25 differences failed %d times, last %q; want 21, the last counting 25", len(r.errs), r.errs[len(r.errs)-1])
	}
}

func TestShows(t *testing.T) {
	got := walkOf(map[string]Answer{
		"doctor GET /visits/7?x=1": {200, "暗访 found rats"},
		"parent GET /orgs/3":       {200, "rats in the kitchen"},
		"parent GET /orgs/4":       {200, "nothing"},
	})
	r := &recorder{TB: t}
	seen := Shows(r, "carried out", got, []string{"rats", "暗访"}, []string{"doctor"})
	if want := []string{`carried out: parent GET /orgs/3 = 200 shows "rats"`}; !slices.Equal(r.errs, want) {
		t.Errorf("Shows failed with %q, want %q", r.errs, want)
	}
	if want := []string{"GET /visits/7"}; !slices.Equal(seen["doctor"], want) || len(seen) != 1 {
		t.Errorf("Shows = %v, want doctor: %v", seen, want)
	}
}

func TestDiff(t *testing.T) {
	a := strings.Repeat("x", 200) + "before" + strings.Repeat("y", 1000)
	b := strings.Repeat("x", 200) + "after"
	d := Diff(a, b)
	want := "  without: …" + strings.Repeat("x", 150) + "before" + strings.Repeat("y", 244) + "…\n  with:    …" +
		strings.Repeat("x", 150) + "after…"
	if d != want {
		t.Errorf("Diff = %q, want %q", d, want)
	}
}

func TestPaths(t *testing.T) {
	o := Objects{IDs: map[string][]int64{"visits": {1}, "orgs": {3}}, Values: map[string][]string{"day": {"2026-12-07"}},
		Hidden: map[string]bool{}}
	o.Hide("visits", 7)
	r := &recorder{TB: t}
	keys, paths := o.Paths(r, "GET", "/orgs/{id}/visits/{id}/{day}", "skip")
	wantPaths := []string{
		"/orgs/3/visits/1/2026-12-07", "/orgs/3/visits/7/2026-12-07", "/orgs/3/visits/987654321/2026-12-07",
		"/orgs/987654321/visits/1/2026-12-07", "/orgs/987654321/visits/7/2026-12-07", "/orgs/987654321/visits/987654321/2026-12-07",
	}
	wantKeys := []string{
		"/orgs/3/visits/1/2026-12-07", "/orgs/3/visits/987654321/2026-12-07", "/orgs/3/visits/987654321/2026-12-07",
		"/orgs/987654321/visits/1/2026-12-07", "/orgs/987654321/visits/987654321/2026-12-07", "/orgs/987654321/visits/987654321/2026-12-07",
	}
	if !slices.Equal(paths, wantPaths) || !slices.Equal(keys, wantKeys) || r.errs != nil {
		t.Errorf("Paths = %q, %q (failing %q), want %q, %q", keys, paths, r.errs, wantKeys, wantPaths)
	}

	for _, pattern := range []string{"/cases/{id}", "/orgs/{id}/{code}"} {
		r := &recorder{TB: t}
		keys, paths := o.Paths(r, "GET", pattern, "skip")
		if keys != nil || paths != nil || len(r.errs) != 1 || !strings.Contains(r.errs[0], "the walk cannot read this route") {
			t.Errorf("Paths(%s) = %q, %q, failing %q; want nothing and one failure", pattern, keys, paths, r.errs)
		}
	}
}

func TestTwin(t *testing.T) {
	o := Objects{IDs: map[string][]int64{}, Hidden: map[string]bool{}}
	o.Hide("visits", 7)
	o.Hide("files", 12)
	for _, tc := range []struct {
		u, want string
		ok      bool
	}{
		{"/visits/7/close", "/visits/987654321/close", true},
		{"/visits/12", "", false},
		{"/orgs/7/files/12", "/orgs/7/files/987654321", true},
	} {
		if got, ok := o.Twin(tc.u); got != tc.want || ok != tc.ok {
			t.Errorf("Twin(%s) = %q, %v, want %q, %v", tc.u, got, ok, tc.want, tc.ok)
		}
	}
}

func TestXLSXText(t *testing.T) {
	f := excelize.NewFile()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"name", "暗访"}); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	if got, ok := XLSXText(r, "/x.xlsx", buf.Bytes()); got != "[Sheet1]\nname\t暗访\n" || !ok || r.errs != nil {
		t.Errorf("XLSXText = %q, %v, failing %q; want the cells", got, ok, r.errs)
	}
	r = &recorder{TB: t}
	if got, ok := XLSXText(r, "/x.xlsx", []byte("<html>")); got != "<html>" || ok || len(r.errs) != 1 {
		t.Errorf("XLSXText(not an .xlsx) = %q, %v, failing %q; want the body, false and one failure", got, ok, r.errs)
	}
	if !IsXLSX(http.Header{"Content-Type": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}) ||
		IsXLSX(http.Header{"Content-Type": {"text/html"}}) {
		t.Error("IsXLSX does not tell an .xlsx from a page")
	}
}
