// Package egress is the one way out for requests the server makes on someone else's word: sites
// crawled, homepages probed, the pages citizens report, the menu links of an imported account
// sheet, group robots' webhooks. Every such client is built here, and its dialer refuses the
// server's own networks (loopback, private, link-local, CGNAT where cloud metadata answers) and
// every other special-purpose range that is not the public Internet, unless the operator allowed
// a range (FETCH_ALLOW_PRIVATE) for intranet sites.
//
// The check runs on the address the dialer is about to connect to, after DNS and before the
// connection, for every connection: a redirect, a name that resolves to loopback, a name whose
// answer changes between two lookups (DNS rebinding) are all caught where the socket is made, and
// a refused address is never connected to, so a refusal says nothing about whether a port is open.
// No proxy is used: a proxy would make the connection itself, where no check sees it.
//
// It imports only the standard library.
package egress

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// ErrRefused is what a fetch to a refused address fails with (wrapped in the dial error); the
// inspector's DescribeError names it for staff.
var ErrRefused = errors.New("egress: not a public address")

// RefusedError says which address was refused and why; it is ErrRefused.
type RefusedError struct {
	Addr  netip.Addr
	Range string // the special-purpose range it falls in, named
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("egress: %s is %s, not a public address (FETCH_ALLOW_PRIVATE allows ranges)", e.Addr, e.Range)
}

func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// special is every range a fetch may not reach unless allowed: the IANA IPv4 and IPv6
// special-purpose registries' blocks that are not globally reachable, and the transition
// prefixes that carry an IPv4 address inside an IPv6 one (NAT64, 6to4, Teredo), through which
// an IPv4 range refused here could be reached. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are
// judged as the IPv4 address they carry. An IPv6 address outside 2000::/3, the global unicast
// space IANA allocates from, is refused as well (below), whatever this list says.
var special = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network" (0.0.0.0/8)`},
	{netip.MustParsePrefix("10.0.0.0/8"), "private (10.0.0.0/8)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space, CGNAT (100.64.0.0/10)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback (127.0.0.0/8)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local (169.254.0.0/16)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private (172.16.0.0/12)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments (192.0.0.0/24)"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation (192.0.2.0/24)"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay anycast (192.88.99.0/24)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private (192.168.0.0/16)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking (198.18.0.0/15)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation (198.51.100.0/24)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation (203.0.113.0/24)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast (224.0.0.0/4)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved (240.0.0.0/4, broadcast included)"},

	{netip.MustParsePrefix("::/128"), "unspecified (::)"},
	{netip.MustParsePrefix("::1/128"), "loopback (::1)"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible (::/96, deprecated)"},
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64 (64:ff9b::/96)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64 (64:ff9b:1::/48)"},
	{netip.MustParsePrefix("100::/64"), "discard-only (100::/64)"},
	{netip.MustParsePrefix("2001::/32"), "Teredo (2001::/32)"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments (2001::/23)"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation (2001:db8::/32)"},
	{netip.MustParsePrefix("2002::/16"), "6to4 (2002::/16)"},
	{netip.MustParsePrefix("3fff::/20"), "documentation (3fff::/20)"},
	{netip.MustParsePrefix("5f00::/16"), "segment routing (5f00::/16)"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (fc00::/7)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local (fe80::/10)"},
	{netip.MustParsePrefix("fec0::/10"), "site-local (fec0::/10, deprecated)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast (ff00::/8)"},
}

var globalUnicast = netip.MustParsePrefix("2000::/3")

// Guard decides which addresses a fetch may reach. The zero value allows only public addresses;
// Allow and ParseAllow add ranges the operator names, which then win over the refusals.
type Guard struct {
	allow []netip.Prefix
}

// Allow is a guard that also lets fetches reach the given ranges.
func Allow(prefixes ...netip.Prefix) Guard {
	g := Guard{}
	for _, p := range prefixes {
		g.allow = append(g.allow, p.Masked())
	}
	return g
}

// ParseAllow reads FETCH_ALLOW_PRIVATE: CIDR ranges separated by commas ("127.0.0.0/8,
// 10.1.0.0/16"); a single address stands for itself. An empty list is the zero Guard.
func ParseAllow(list string) (Guard, error) {
	var prefixes []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil || a.Zone() != "" {
				return Guard{}, fmt.Errorf("%q is not a CIDR range (e.g. 10.1.0.0/16)", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		prefixes = append(prefixes, p)
	}
	return Allow(prefixes...), nil
}

// String lists the allowed ranges, for the start-up log ("" when there are none).
func (g Guard) String() string {
	s := make([]string, len(g.allow))
	for i, p := range g.allow {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// Check returns nil when a fetch may connect to ip, a *RefusedError otherwise.
func (g Guard) Check(ip netip.Addr) error {
	if !ip.IsValid() {
		return &RefusedError{Addr: ip, Range: "no address"}
	}
	ip = ip.WithZone("").Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	for _, p := range g.allow {
		if p.Contains(ip) {
			return nil
		}
	}
	for _, s := range special {
		if s.prefix.Contains(ip) {
			return &RefusedError{Addr: ip, Range: s.name}
		}
	}
	if ip.Is6() && !globalUnicast.Contains(ip) {
		return &RefusedError{Addr: ip, Range: "outside the global unicast space (2000::/3)"}
	}
	return nil
}

// control is the dialer's last word before connect(2): the address is the one the socket is
// about to reach, whatever name, redirect or lookup led to it.
func (g Guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &RefusedError{Range: "not an IP address: " + address}
	}
	return g.Check(ap.Addr())
}

// Dialer returns a dialer that connects only where the guard allows. Clients are built with
// Client; a test that routes made-up host names to its own servers dials through this.
func (g Guard) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: g.control}
}

// Options shape a client.
type Options struct {
	Timeout          time.Duration // for the whole exchange, body included; 0: the caller's context bounds it
	IdleConnsPerHost int           // idle connections kept per host; default 2
}

// maxRedirects is the standard client's limit, said here because the client says it again.
const maxRedirects = 10

// Client returns an HTTP client whose every connection goes through the guard's dialer: the
// target's, each redirect's, and no proxy's (the environment's HTTP_PROXY is not read).
func (g Guard) Client(o Options) *http.Client {
	return &http.Client{
		Timeout: o.Timeout,
		Transport: &http.Transport{
			Proxy:               nil, // a proxy would connect to the target itself, unchecked
			DialContext:         g.Dialer(10 * time.Second).DialContext,
			ForceAttemptHTTP2:   true,
			MaxIdleConns:        512,
			MaxIdleConnsPerHost: max(o.IdleConnsPerHost, 2),
			IdleConnTimeout:     30 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("stopped after %d redirects", maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %q: not http(s)", req.URL.Scheme)
			}
			return nil
		},
	}
}
