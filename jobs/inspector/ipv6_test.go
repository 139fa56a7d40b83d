package inspector

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"zhaocuo/jobs/egress"
	"zhaocuo/jobs/egress/egresstest"
)

// fakeDNS answers AAAA lookups from a table, and "no such host" for the rest: the test's
// names never reach a real resolver.
type fakeDNS map[string][]netip.Addr

func (d fakeDNS) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	if network != "ip6" {
		return nil, fmt.Errorf("asked for %s, want ip6", network)
	}
	switch host {
	case "v4only.shifan.gov.cn": // what the standard resolver says of a name with A records only
		return nil, &net.AddrError{Err: "no suitable address found", Addr: host}
	case "dnsfail.shifan.gov.cn":
		return nil, &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}
	}
	if a, ok := d[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// v6Server is a site listening on [::1] only, recording the Host of every request.
type v6Server struct {
	*httptest.Server
	mu    sync.Mutex
	hosts []string
}

func newV6Server(t *testing.T, status int) *v6Server {
	t.Helper()
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Fatalf("listen on [::1]: %v", err)
	}
	s := &v6Server{}
	s.Server = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hosts = append(s.hosts, r.Host)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprint(w, htmlPage("示范县人民政府", "<p>欢迎访问</p>"))
	})}}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *v6Server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.hosts...)
}

func TestIPv6Figure(t *testing.T) {
	// The crawl reads every made-up name from one server on 127.0.0.1; the IPv6 check goes to
	// the AAAA address and the URL's port, where a server listens on [::1] only.
	v4 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, htmlPage("示范县人民政府", "<p>欢迎访问</p>"))
	}))
	t.Cleanup(v4.Close)
	dialer := egresstest.Loopback.Dialer(time.Second)
	crawl := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasPrefix(addr, "[") {
			return dialer.DialContext(ctx, network, addr) // a literal IPv6 homepage: where it says
		}
		return dialer.DialContext(ctx, network, v4.Listener.Addr().String())
	}}}
	ok, failing := newV6Server(t, http.StatusOK), newV6Server(t, http.StatusInternalServerError)
	port := func(s *v6Server) string { return s.Listener.Addr().(*net.TCPAddr).AddrPort().String()[len("[::1]"):] }
	loopback6 := []netip.Addr{netip.MustParseAddr("::1")}
	dns := fakeDNS{"v6.shifan.gov.cn": loopback6, "broken6.shifan.gov.cn": loopback6}

	for _, tt := range []struct {
		name     string
		home     string
		guard    egress.Guard
		server   *v6Server
		aaaa, ok bool
		note     string
	}{
		{name: "AAAA record, answers over IPv6", home: "http://v6.shifan.gov.cn" + port(ok) + "/", guard: egresstest.Loopback,
			server: ok, aaaa: true, ok: true},
		{name: "a literal IPv6 homepage", home: "http://[::1]" + port(ok) + "/", guard: egresstest.Loopback,
			server: ok, aaaa: true, ok: true},
		{name: "no AAAA record", home: "http://v4only.shifan.gov.cn" + port(ok) + "/", guard: egresstest.Loopback,
			note: "没有AAAA记录"},
		{name: "no such name in DNS", home: "http://nowhere.shifan.gov.cn" + port(ok) + "/", guard: egresstest.Loopback,
			note: "没有AAAA记录"},
		{name: "the lookup fails", home: "http://dnsfail.shifan.gov.cn" + port(ok) + "/", guard: egresstest.Loopback,
			note: "查询AAAA记录失败"},
		{name: "AAAA record, the server fails over IPv6", home: "http://broken6.shifan.gov.cn" + port(failing) + "/",
			guard: egresstest.Loopback, server: failing, aaaa: true, note: "HTTP 500"},
		{name: "AAAA record at loopback, not allowed", home: "http://v6.shifan.gov.cn" + port(ok) + "/",
			aaaa: true, note: egresstest.Words},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := map[*v6Server]int{ok: len(ok.requests()), failing: len(failing.requests())}
			in := New(Config{Client: crawl, Resolver: dns, Egress: tt.guard, Timeout: 5 * time.Second,
				Now: func() time.Time { return testNow }})
			res := inspect(t, in, Site{Name: tt.name, BaseURLs: []string{tt.home}})
			if res.Uninspected != "" || res.IPv6 == nil {
				t.Fatalf("uninspected %q, IPv6 %+v", res.Uninspected, res.IPv6)
			}
			got := *res.IPv6
			if got.AAAA != tt.aaaa || got.OK != tt.ok || !strings.Contains(got.Note, tt.note) || (got.OK && got.Note != "") {
				t.Errorf("IPv6 = %+v, want aaaa %v, ok %v, note %q", got, tt.aaaa, tt.ok, tt.note)
			}
			for s, n := range before {
				reqs := s.requests()[n:]
				if s != tt.server && len(reqs) > 0 {
					t.Errorf("a server the check should not reach over IPv6 was asked %v", reqs)
				}
				// Asked once for the homepage, under the site's own name (no redirect followed).
				if s == tt.server && (len(reqs) == 0 || reqs[len(reqs)-1] != strings.TrimSuffix(strings.TrimPrefix(tt.home, "http://"), "/")) {
					t.Errorf("the IPv6 server was asked %v, want the homepage under its host name", reqs)
				}
			}
			for _, f := range res.Findings {
				if strings.Contains(f.Evidence, "IPv6") {
					t.Errorf("IPv6 is a figure, not a finding: %+v", f)
				}
			}
		})
	}
}
