package netguard

import (
	"net/netip"
	"testing"
)

func TestAllowed(t *testing.T) {
	def := Policy{}
	allow, err := ParseAllow(" 127.0.0.1, 10.20.0.0/16 ")
	if err != nil {
		t.Fatal(err)
	}
	admin := Policy{Allow: allow}
	for _, c := range []struct {
		addr       string
		def, admin bool
	}{
		{"127.0.0.1", false, true},
		{"127.0.0.2", false, false},
		{"10.20.3.4", false, true},
		{"10.21.3.4", false, false},
		{"192.168.1.1", false, false},
		{"172.16.0.1", false, false},
		{"169.254.169.254", false, false}, // cloud metadata
		{"100.64.0.1", false, false},
		{"0.0.0.0", false, false},
		{"::1", false, false},
		{"::ffff:127.0.0.1", false, true}, // mapped: judged as IPv4
		{"fd00::1", false, false},
		{"fe80::1", false, false},
		{"224.0.0.1", false, false},
		{"8.8.8.8", true, true},
		{"2001:4860:4860::8888", true, true},
	} {
		a := netip.MustParseAddr(c.addr)
		if got := def.Allowed(a); got != c.def {
			t.Errorf("default Allowed(%s) = %v, want %v", c.addr, got, c.def)
		}
		if got := admin.Allowed(a); got != c.admin {
			t.Errorf("with %s: Allowed(%s) = %v, want %v", EnvAllow, c.addr, got, c.admin)
		}
	}
	if _, err := ParseAllow("10.0.0.0/8,intranet"); err == nil {
		t.Error("ParseAllow(a name) succeeded")
	}
}

func FuzzParseAllow(f *testing.F) {
	f.Add("127.0.0.1,10.0.0.0/8")
	f.Add("::1/128, fe80::/10")
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParseAllow(s)
		if err != nil {
			return
		}
		for _, p := range ps {
			if !p.IsValid() || p != p.Masked() {
				t.Errorf("ParseAllow(%q) gave %v", s, p)
			}
		}
	})
}
