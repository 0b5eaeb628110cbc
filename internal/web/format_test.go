package web_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campusguard/internal/web"
)

func TestNaturalCompare(t *testing.T) {
	names := []string{"高一10班教室", "高一2班教室", "101", "男生楼 2-10", "男生楼 2-9", "高一1班教室", "9", "A", "010"}
	slices.SortStableFunc(names, web.NaturalCompare)
	want := []string{"9", "010", "101", "A", "男生楼 2-9", "男生楼 2-10", "高一1班教室", "高一2班教室", "高一10班教室"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("natural order (-want +got):\n%s", diff)
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		in   int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {70000, "70,000"}, {1234567, "1,234,567"}, {-4200, "-4,200"}}
	for _, tt := range tests {
		if got := web.FormatNumber(tt.in); got != tt.want {
			t.Errorf("formatNumber(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
