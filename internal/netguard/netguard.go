// Package netguard keeps outgoing requests to addresses a user names (the
// webhooks) away from the server's own network: loopback, private,
// link-local, shared (CGNAT), unspecified and multicast addresses are
// refused unless the system administrator allows them
// (CAMPUSGUARD_WEBHOOK_ALLOW). The check runs when a connection is dialled,
// on the address actually dialled, so a name that resolves to a private
// address, or changes to one after a check (DNS rebinding), is refused too.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"time"
)

// EnvAllow names the variable that lists the allowed internal addresses:
// addresses or CIDR prefixes separated by commas, e.g.
// "10.20.0.0/16,192.168.1.5". Tests set it for their loopback receiver.
const EnvAllow = "CAMPUSGUARD_WEBHOOK_ALLOW"

// ErrRefused is the error of a dial to an address that is not allowed.
var ErrRefused = errors.New("netguard: address not allowed")

// blocked are the ranges refused by default.
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("10.0.0.0/8"),     // private
	netip.MustParsePrefix("100.64.0.0/10"),  // shared (CGNAT)
	netip.MustParsePrefix("127.0.0.0/8"),    // loopback
	netip.MustParsePrefix("169.254.0.0/16"), // link-local, cloud metadata
	netip.MustParsePrefix("172.16.0.0/12"),  // private
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("192.168.0.0/16"), // private
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("224.0.0.0/3"),    // multicast and reserved
	netip.MustParsePrefix("::/128"),         // unspecified
	netip.MustParsePrefix("::1/128"),        // loopback
	netip.MustParsePrefix("64:ff9b:1::/48"), // local NAT64
	netip.MustParsePrefix("fc00::/7"),       // unique local
	netip.MustParsePrefix("fe80::/10"),      // link-local
	netip.MustParsePrefix("ff00::/8"),       // multicast
}

// Policy decides which addresses may be dialled.
type Policy struct {
	Allow []netip.Prefix // internal ranges allowed all the same
}

// ParseAllow reads a list like EnvAllow's.
func ParseAllow(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is neither an address nor a prefix", EnvAllow, f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// FromEnv returns the policy EnvAllow sets; an unreadable list allows
// nothing more (and is returned as an error to log).
func FromEnv() (Policy, error) {
	allow, err := ParseAllow(os.Getenv(EnvAllow))
	return Policy{Allow: allow}, err
}

// Allowed reports whether a may be dialled.
func (p Policy) Allowed(a netip.Addr) bool {
	a = a.Unmap().WithZone("") // a zoned address matches no prefix

	for _, pr := range p.Allow {
		if pr.Contains(a) {
			return true
		}
	}
	for _, pr := range blocked {
		if pr.Contains(a) {
			return false
		}
	}
	return a.IsValid()
}

// control refuses a connection to an address the policy does not allow.
func (p Policy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !p.Allowed(ap.Addr()) {
		return ErrRefused
	}
	return nil
}

// Client returns an HTTP client whose connections go only to allowed
// addresses, through no proxy, with the timeout given and no redirects
// followed (a redirect could point inside).
func (p Policy) Client(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: p.control}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          10,
		IdleConnTimeout:       30 * time.Second,
	}
	return &http.Client{Timeout: timeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Describe returns what a delivery log may say about a failed request: not
// the system's words (which tell a closed port from a filtered one, and
// would make the log a port scanner), only whether the address was refused,
// the request timed out, or the connection failed.
func Describe(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrRefused):
		return "address not allowed"
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return "no answer in time"
	default:
		return "connection failed"
	}
}
