package netguard

import (
	"net/netip"
	"strconv"
	"strings"
)

// HostAllowed reports whether a URL's host (as url.URL.Hostname gives it:
// no port, no brackets) may be saved as a webhook's address. It refuses
// only what is internal without asking DNS: a literal address in a refused
// range (also in the short and numeric IPv4 forms a resolver accepts, such
// as "127.1" or "2130706433") and the loopback names "localhost" and
// "*.localhost". A public name is allowed: what it resolves to is checked
// when a delivery dials it.
func (p Policy) HostAllowed(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	if h == "" {
		return false
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return p.Allowed(netip.AddrFrom4([4]byte{127, 0, 0, 1})) || p.Allowed(netip.IPv6Loopback())
	}
	if a, ok := literalAddr(h); ok {
		return p.Allowed(a)
	}
	return true
}

// literalAddr reads host as an address: IPv6 (a zone dropped), dotted IPv4,
// or the inet_aton forms (1 to 4 parts, each decimal, octal with a leading
// 0 or hexadecimal with 0x, the last filling the remaining bytes).
func literalAddr(host string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.WithZone(""), true
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, part := range parts {
		n, ok := inetAtonPart(part)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 0xff {
				return netip.Addr{}, false
			}
			v |= n << (8 * (3 - i))
			continue
		}
		if rest := 4 - i; n >= 1<<(8*rest) {
			return netip.Addr{}, false
		}
		v |= n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

func inetAtonPart(s string) (uint64, bool) {
	base := 10
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
	case len(s) > 1 && s[0] == '0':
		s, base = s[1:], 8
	}
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, base, 32)
	return n, err == nil
}
