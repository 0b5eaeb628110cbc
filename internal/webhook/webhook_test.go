package webhook

import (
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	body := []byte(`{"event":"case.opened","case":{"id":7}}`)
	sig := Sign("whsec_a", now, body)
	if err := Verify("whsec_a", sig, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("Verify(good) = %v", err)
	}
	for name, c := range map[string]struct {
		secret, header string
		body           []byte
		at             time.Time
	}{
		"tampered body": {"whsec_a", sig, []byte(`{"event":"case.opened","case":{"id":8}}`), now},
		"wrong secret":  {"whsec_b", sig, body, now},
		"replayed late": {"whsec_a", sig, body, now.Add(6 * time.Minute)},
		"from future":   {"whsec_a", sig, body, now.Add(-6 * time.Minute)},
		"no signature":  {"whsec_a", "t=1795939200", body, now},
		"no time":       {"whsec_a", "v1=00", body, now},
		"garbage":       {"whsec_a", "hello", body, now},
	} {
		if err := Verify(c.secret, c.header, c.body, c.at, 5*time.Minute); err == nil {
			t.Errorf("%s: Verify = nil, want an error", name)
		}
	}
}

// FuzzVerify: Verify never panics, accepts Sign's header for any body, and
// whatever it accepts under one secret it refuses under another.
func FuzzVerify(f *testing.F) {
	f.Add("t=1795939200,v1=abcd", []byte("{}"))
	f.Add("", []byte(""))
	f.Add("t=,v1=", []byte("x"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		now := time.Unix(1795939200, 0)
		if err := Verify("s", Sign("s", now, body), body, now, time.Minute); err != nil {
			t.Fatalf("Sign's own header fails: %v", err)
		}
		if Verify("s", header, body, now, time.Minute) == nil && Verify("other", header, body, now, time.Minute) == nil {
			t.Fatalf("header %q is accepted under two secrets", header)
		}
	})
}
