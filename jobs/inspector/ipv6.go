package inspector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
)

// IPv6 says whether a site can be reached over IPv6. The State Council asks government sites
// to support IPv6, but the 2019 indicators do not score it: it is a figure beside the verdict,
// never a finding.
type IPv6 struct {
	AAAA bool   `json:"aaaa"` // the homepage's host has an AAAA record, or is an IPv6 address
	OK   bool   `json:"ok"`   // the homepage answered over IPv6 (any status below 400, redirects not followed)
	Note string `json:"note"` // why not, for staff; "" when OK
}

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// maxIPv6Bytes is as much of the homepage as the IPv6 check reads: it asks whether the page
// comes, the crawl has read it already.
const maxIPv6Bytes = 64 << 10

// checkIPv6 looks up the homepage's AAAA records with the crawl's resolver (a literal IPv6
// host needs none) and requests the homepage from those addresses. The connection is made by
// the egress guard's dialer, like every fetch: a private or loopback address is refused unless
// allowed. Redirects are not followed, as they may lead to another host, whose addresses were
// not looked up; a redirect is an answer over IPv6 all the same.
func (in *Inspector) checkIPv6(ctx context.Context, home *url.URL) IPv6 {
	ctx, cancel := context.WithTimeout(ctx, in.cfg.Timeout)
	defer cancel()
	host := home.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Unmap().Is4() {
			return IPv6{Note: "首页地址是IPv4地址"}
		}
		addrs = []netip.Addr{a}
	} else {
		found, err := in.cfg.Resolver.LookupNetIP(ctx, "ip6", host)
		for _, a := range found {
			if a.Is6() && !a.Is4In6() {
				addrs = append(addrs, a)
			}
		}
		if len(addrs) == 0 {
			// No AAAA record reads as "no such host" or, from the standard resolver, as no
			// address of the asked family; anything else is a failed lookup, not an answer.
			var dns *net.DNSError
			var family *net.AddrError
			if err != nil && !(errors.As(err, &dns) && dns.IsNotFound) && !errors.As(err, &family) {
				return IPv6{Note: "查询AAAA记录失败：" + DescribeError(err)}
			}
			return IPv6{Note: "域名没有AAAA记录"}
		}
	}
	res := IPv6{AAAA: true}
	port := home.Port()
	if port == "" {
		port = "80"
		if home.Scheme == "https" {
			port = "443"
		}
	}
	dialer := in.cfg.Egress.Dialer(in.cfg.Timeout)
	transport := &http.Transport{
		Proxy: nil, // a proxy would make the connection itself, unchecked and perhaps over IPv4
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var last error
			for _, a := range addrs {
				conn, err := dialer.DialContext(ctx, "tcp6", net.JoinHostPort(a.String(), port))
				if err == nil {
					return conn, nil
				}
				last = err
			}
			return nil, last
		},
		TLSHandshakeTimeout: in.cfg.Timeout,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := newRequest(ctx, http.MethodGet, home.String(), in.cfg.UserAgent)
	if err != nil {
		res.Note = "地址无效：" + err.Error()
		return res
	}
	resp, err := client.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, maxIPv6Bytes))
		resp.Body.Close()
	}
	switch {
	case err != nil:
		res.Note = "通过IPv6访问首页失败：" + DescribeError(err)
	case resp.StatusCode >= 400:
		res.Note = fmt.Sprintf("通过IPv6访问首页失败：HTTP %d", resp.StatusCode)
	default:
		res.OK = true
	}
	return res
}
