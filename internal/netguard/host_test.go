package netguard

import (
	"net/netip"
	"testing"
)

// TestHostAllowed: a webhook host that is an internal address, in any form
// a resolver reads as one, or a localhost name, is refused unless allowed;
// a public name is not resolved and is allowed.
func TestHostAllowed(t *testing.T) {
	allow, err := ParseAllow("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	def, admin := Policy{}, Policy{Allow: allow}
	for _, c := range []struct {
		host       string
		def, admin bool
	}{
		{"127.0.0.1", false, true},
		{"127.0.0.2", false, false},
		{"127.1", false, true},           // short form
		{"2130706433", false, true},      // one number
		{"0x7f.0.0.1", false, true},      // hexadecimal part
		{"0177.0.0.1", false, true},      // octal part
		{"0", false, false},              // 0.0.0.0
		{"0.0.0.0", false, false},        //
		{"10.1.2.3", false, false},       // private
		{"172.31.255.255", false, false}, // private
		{"172.32.0.1", true, true},       // public, just outside
		{"192.168.0.10", false, false},
		{"169.254.169.254", false, false}, // cloud metadata
		{"::1", false, false},
		{"::ffff:127.0.0.1", false, true},
		{"fd12::1", false, false},
		{"fe80::1%eth0", false, false}, // zoned link-local
		{"localhost", false, true},
		{"LOCALHOST.", false, true},
		{"api.localhost", false, true},
		{"", false, false},
		{"8.8.8.8", true, true},
		{"2001:4860:4860::8888", true, true},
		{"cdc.example.cn", true, true}, // a name: checked when dialled
		{"10.example.cn", true, true},  // a name that starts with a number
		{"1.2.3.4.5", true, true},      // five parts: a name
		{"256.1.1.1", true, true},      // not an address: a name
		{"localhost.example", true, true},
	} {
		if got := def.HostAllowed(c.host); got != c.def {
			t.Errorf("default HostAllowed(%q) = %v, want %v", c.host, got, c.def)
		}
		if got := admin.HostAllowed(c.host); got != c.admin {
			t.Errorf("admin HostAllowed(%q) = %v, want %v", c.host, got, c.admin)
		}
	}
	if (Policy{}).Allowed(netip.MustParseAddr("fe80::1%eth0")) {
		t.Errorf("a zoned link-local address is allowed when dialled")
	}
}
