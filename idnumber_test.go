package campusguard

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// makeID returns a valid ID number: the 17 digits of body and their check
// character.
func makeID(tb testing.TB, body string) string {
	tb.Helper()
	if len(body) != 17 || !allDigits(body) {
		tb.Fatalf("makeID(%q): want 17 digits", body)
	}
	return body + string(IDCheckChar(body))
}

func TestIDCheckChar(t *testing.T) {
	tests := []struct {
		body string
		want byte
	}{
		{"11010519491231002", 'X'}, // the example of GB 11643-1999
		{"44052418800101001", '4'},
		{"35062320150307001", '8'},
		{"11010520000229001", '3'},
		{"00000000000000000", '1'},
	}
	for _, tt := range tests {
		if got := IDCheckChar(tt.body); got != tt.want {
			t.Errorf("IDCheckChar(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestParseIDNumber(t *testing.T) {
	today := Date{2026, 3, 1}
	tests := []struct {
		name    string
		in      string
		noToday bool // ParseIDNumber gets the zero Date
		want    IDNumber
		wantErr string // message key
	}{
		{name: "X check character", in: "11010519491231002X",
			want: IDNumber{Number: "11010519491231002X", Region: "110105", Birth: Date{1949, 12, 31}, Male: false}},
		{name: "lower-case x", in: "11010519491231002x",
			want: IDNumber{Number: "11010519491231002X", Region: "110105", Birth: Date{1949, 12, 31}, Male: false}},
		{name: "spaces around", in: " 350623201503070018\t",
			want: IDNumber{Number: "350623201503070018", Region: "350623", Birth: Date{2015, 3, 7}, Male: true}},
		{name: "digit check character", in: "440524198001010013",
			want: IDNumber{Number: "440524198001010013", Region: "440524", Birth: Date{1980, 1, 1}, Male: true}},
		{name: "Feb 29 leap year", in: makeID(t, "35062320160229002"),
			want: IDNumber{Number: makeID(t, "35062320160229002"), Region: "350623", Birth: Date{2016, 2, 29}, Male: false}},
		{name: "Feb 29 2000", in: makeID(t, "11010520000229001"),
			want: IDNumber{Number: makeID(t, "11010520000229001"), Region: "110105", Birth: Date{2000, 2, 29}, Male: true}},
		{name: "born today", in: makeID(t, "35062320260301003"),
			want: IDNumber{Number: makeID(t, "35062320260301003"), Region: "350623", Birth: Date{2026, 3, 1}, Male: true}},
		{name: "Hong Kong resident", in: makeID(t, "81000020100101002"),
			want: IDNumber{Number: makeID(t, "81000020100101002"), Region: "810000", Birth: Date{2010, 1, 1}, Male: false}},
		{name: "no today: no future check", in: makeID(t, "35062320990101001"), noToday: true,
			want: IDNumber{Number: makeID(t, "35062320990101001"), Region: "350623", Birth: Date{2099, 1, 1}, Male: true}},

		{name: "empty", in: "", wantErr: "error.id_length"},
		{name: "17 characters", in: "35062320150307001", wantErr: "error.id_length"},
		{name: "19 characters", in: "3506232015030700188", wantErr: "error.id_length"},
		{name: "15-digit old number", in: "350623150307001", wantErr: "error.id_length"},
		{name: "full-width digits", in: "３５０６２３２０１５０３０７００１８", wantErr: "error.id_length"},
		{name: "letter in body", in: "35062320150307A018", wantErr: "error.id_digits"},
		{name: "dash in body", in: "350623-2015030701X", wantErr: "error.id_digits"},
		{name: "Y check character", in: "11010519491231002Y", wantErr: "error.id_digits"},
		{name: "region 99", in: makeID(t, "99062320150307001"), wantErr: "error.id_region"},
		{name: "region 00", in: makeID(t, "00062320150307001"), wantErr: "error.id_region"},
		{name: "Feb 29 non-leap year", in: makeID(t, "35062320150229001"), wantErr: "error.id_birth"},
		{name: "Feb 29 1900", in: makeID(t, "35062319000229001"), wantErr: "error.id_birth"},
		{name: "Feb 30", in: makeID(t, "35062320150230001"), wantErr: "error.id_birth"},
		{name: "month 13", in: makeID(t, "35062320151301001"), wantErr: "error.id_birth"},
		{name: "day 00", in: makeID(t, "35062320150300001"), wantErr: "error.id_birth"},
		{name: "before 1900", in: makeID(t, "35062318991231001"), wantErr: "error.id_birth"},
		{name: "born tomorrow", in: makeID(t, "35062320260302001"), wantErr: "error.id_birth"},
		{name: "future year", in: makeID(t, "35062320300101001"), wantErr: "error.id_birth"},
		{name: "wrong check digit", in: "350623201503070013", wantErr: "error.id_check"},
		{name: "X where a digit belongs", in: "44052419800101001X", wantErr: "error.id_check"},
		{name: "digit where X belongs", in: "110105194912310020", wantErr: "error.id_check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			day := today
			if tt.noToday {
				day = Date{}
			}
			got, err := ParseIDNumber(tt.in, day)
			if tt.wantErr != "" {
				want := &Error{Code: Invalid, Message: tt.wantErr, Fields: []FieldError{{Field: "id_number", Msg: tt.wantErr}}}
				if diff := cmp.Diff(want, err); diff != "" {
					t.Errorf("ParseIDNumber(%q) error mismatch (-want +got):\n%s", tt.in, diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseIDNumber(%q) = %v, want no error", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseIDNumber(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestMaskIDNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519491231002X", "**************002X"},
		{"350623201503070018", "**************0018"},
		{"12345678", "****5678"},
		{"1234", "****"},
		{"", ""},
		{"护照E1234567", "******4567"},
	}
	for _, tt := range tests {
		if got := MaskIDNumber(tt.in); got != tt.want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13805961234", "138****1234"},
		{"0591-83812345", "059******2345"},
		{"1380", "****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidPhone(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"13805961234", true},
		{"19912345678", true},
		{"010-12345678", true},
		{"0591-8381234", true},
		{"0591-83812345", true},
		{"", false},
		{"1380596123", false},     // 10 digits
		{"138059612345", false},   // 12 digits
		{"23805961234", false},    // a mobile number starts with 1
		{"05918381234", false},    // a landline needs its dash
		{"+8613805961234", false}, // no country code
		{"138 0596 1234", false},
		{"138-0596-1234", false},
		{"1380596123X", false},
		{"05-83812345", false},    // area code too short
		{"05911-83812345", false}, // area code too long
		{"0591-838123", false},    // 6-digit number
		{"0591-838123456", false}, // 9-digit number
		{"0591-", false},
		{"-", false},
		{"0591-8381-234", false},
	}
	for _, tt := range tests {
		if got := ValidPhone(tt.in); got != tt.want {
			t.Errorf("ValidPhone(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "350623201503070018", "350623201503070013",
		"35062320150229001X", "35062320160229002" + "4", "", "X", " 440524198001010013 ",
		"99999999999999999X", "0000000000000000000", "１１０１０５１９４９１２３１００２X", "\xff\xfe1234567890123456",
		"ǅ1010519491231002X", "ſ1010519491231002X",
	} {
		f.Add(s)
	}
	today := Date{2026, 3, 1}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := utf8.RuneCountInString(MaskIDNumber(s)), utf8.RuneCountInString(s); got != want {
			t.Errorf("MaskIDNumber(%q) has %d runes, want %d", s, got, want)
		}
		id, err := ParseIDNumber(s, today)
		if err != nil {
			if ErrorCode(err) != Invalid {
				t.Errorf("ParseIDNumber(%q) = %v, want an Invalid error", s, err)
			}
			return
		}
		n := id.Number
		if len(n) != 18 || n != strings.ToUpper(strings.TrimSpace(s)) {
			t.Fatalf("ParseIDNumber(%q).Number = %q, want the input upper-cased and trimmed", s, n)
		}
		if got := IDCheckChar(n[:17]); got != n[17] {
			t.Errorf("ParseIDNumber(%q) accepted check %q, IDCheckChar = %q", s, n[17], got)
		}
		if got, want := id.Birth.String(), fmt.Sprintf("%s-%s-%s", n[6:10], n[10:12], n[12:14]); got != want {
			t.Errorf("ParseIDNumber(%q).Birth = %s, want %s", s, got, want)
		}
		back, err := ParseDate(id.Birth.String())
		if err != nil || back != id.Birth {
			t.Errorf("ParseDate(%q) = %v, %v, want %v", id.Birth.String(), back, err, id.Birth)
		}
		if today.Before(id.Birth) || id.Birth.Year < 1900 {
			t.Errorf("ParseIDNumber(%q) accepted birth %v", s, id.Birth)
		}
		if id.Region != n[:6] || id.Male != ((n[16]-'0')%2 == 1) {
			t.Errorf("ParseIDNumber(%q) = %+v: region or sex does not match the number", s, id)
		}
		if got := MaskIDNumber(n); got[14:] != n[14:] || got[:14] != strings.Repeat("*", 14) {
			t.Errorf("MaskIDNumber(%q) = %q", n, got)
		}
	})
}
