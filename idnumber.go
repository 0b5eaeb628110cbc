package campusguard

import (
	"strings"
	"time"
)

// idWeights are the GB 11643-1999 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheck maps the weighted sum mod 11 to the check character.
const idCheck = "10X98765432"

// provinceCodes are the first two digits of a resident ID's region code:
// the provinces, plus 71/81/82/83 for Taiwan, Hong Kong and Macau residents.
var provinceCodes = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// IDNumber is a parsed, valid 18-character resident identity number.
type IDNumber struct {
	Number string // upper-case, 18 characters
	Region string // the 6-digit region code
	Birth  Date
	Male   bool
}

// IDCheckChar returns the GB 11643 check character for the first 17 digits
// of an ID number. It panics unless body holds 17 ASCII digits.
func IDCheckChar(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	return idCheck[sum%11]
}

// ParseIDNumber validates a resident ID number: 18 characters, 17 digits and
// a check character (0-9 or X) that matches GB 11643, a known province code,
// and a birth date that exists, is not after today and not before 1900.
// The error is an Invalid *Error whose message key says which check failed.
func ParseIDNumber(s string, today Date) (IDNumber, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := func(key string) (IDNumber, error) {
		return IDNumber{}, &Error{Code: Invalid, Message: key,
			Fields: []FieldError{{Field: "id_number", Msg: key}}}
	}
	if len(s) != 18 {
		return bad("error.id_length")
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return bad("error.id_digits")
		}
	}
	if c := s[17]; (c < '0' || c > '9') && c != 'X' {
		return bad("error.id_digits")
	}
	if !provinceCodes[s[:2]] {
		return bad("error.id_region")
	}
	y := atoi(s[6:10])
	m := atoi(s[10:12])
	d := atoi(s[12:14])
	birth, ok := MakeDate(y, time.Month(m), d)
	if !ok || y < 1900 || (!today.IsZero() && today.Before(birth)) {
		return bad("error.id_birth")
	}
	if IDCheckChar(s) != s[17] {
		return bad("error.id_check")
	}
	return IDNumber{Number: s, Region: s[:6], Birth: birth, Male: (s[16]-'0')%2 == 1}, nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// MaskIDNumber hides all but the last 4 characters of an ID number, so a
// gate or an inspector can tell two people of one name apart. The region
// and the birth date stay hidden: with them in clear (the first 3
// characters, the birth date beside, the county's code) the last 4 would
// rebuild the number. Readers who see the birth date get HideIDNumber.
func MaskIDNumber(s string) string {
	return maskMiddle(s, 0, 4)
}

// HideIDNumber hides every character of an ID number, keeping its length:
// for readers who see the birth date, which with the last 4 characters
// and the county's code would rebuild the number.
func HideIDNumber(s string) string {
	return strings.Repeat("*", len([]rune(s)))
}

// MaskPhone hides the middle four digits of a phone number: 138****5678.
func MaskPhone(s string) string {
	return maskMiddle(s, 3, 4)
}

func maskMiddle(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	for i := head; i < len(r)-tail; i++ {
		r[i] = '*'
	}
	return string(r)
}

// ValidPhone reports whether s looks like a mainland mobile number (11 digits
// starting with 1) or a landline with area code (digits and one dash).
func ValidPhone(s string) bool {
	if len(s) == 11 && s[0] == '1' && allDigits(s) {
		return true
	}
	if i := strings.IndexByte(s, '-'); i >= 3 && i <= 4 && allDigits(s[:i]) && allDigits(s[i+1:]) && len(s)-i-1 >= 7 && len(s)-i-1 <= 8 {
		return true
	}
	return false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// LooksLikeIDNumber reports whether a search text has the shape of a
// resident ID number (18 characters, 17 digits and a digit or X; or the
// old 15 digits). Searching by one confirms a guessed number, so it is
// allowed only to readers who may reveal numbers, and audited.
func LooksLikeIDNumber(s string) bool {
	if len(s) != 18 && len(s) != 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || (i == 17 && (c == 'X' || c == 'x')) {
			continue
		}
		return false
	}
	return true
}
