package auth

import (
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	h, err := HashPassword("正确的密码 horse 42")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("HashPassword = %q, want an argon2id PHC string", h)
	}
	h2, _ := HashPassword("正确的密码 horse 42")
	if h == h2 {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{"正确的密码 horse 42", true}, {"正确的密码 horse 43", false}, {"", false}} {
		if got, err := CheckPassword(h, tt.pw); got != tt.want || err != nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tt.pw, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AA$AA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$AA"} {
		if _, err := CheckPassword(bad, "x"); err != ErrBadHash {
			t.Errorf("CheckPassword(%q) error = %v, want ErrBadHash", bad, err)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken("cgt_", 32), NewToken("cgt_", 32)
	if a == b || !strings.HasPrefix(a, "cgt_") || len(a) != 4+43 {
		t.Errorf("NewToken = %q, %q", a, b)
	}
	if Digest(a) == Digest(b) || len(Digest(a)) != 64 || Digest(a) != Digest(a) {
		t.Errorf("Digest is not a stable 64-hex digest")
	}
	c := NewBindingCode()
	if len(c) != 11 || c[5] != '-' || strings.ContainsAny(c, "01ILO") {
		t.Errorf("NewBindingCode = %q", c)
	}
	if got := NormalizeBindingCode(" " + strings.ToLower(c[:5]) + " " + c[6:]); got != c {
		t.Errorf("NormalizeBindingCode = %q, want %q", got, c)
	}
}
