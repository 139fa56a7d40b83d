package egress_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zhaocuo/jobs/egress"
	"zhaocuo/jobs/egress/egresstest"
)

func TestCheck(t *testing.T) {
	refused := []string{
		"127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"169.254.169.254", "100.64.0.1", "100.100.100.200", "100.127.255.255", "0.0.0.0", "0.1.2.3",
		"255.255.255.255", "240.0.0.1", "224.0.0.1", "239.255.255.250", "198.18.0.1", "198.19.255.255",
		"192.0.2.1", "198.51.100.1", "203.0.113.1", "192.0.0.8", "192.88.99.1",
		"::", "::1", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:100.100.100.200",
		"64:ff9b::7f00:1", "64:ff9b::808:808", "64:ff9b:1::1", "2002:7f00:1::1", "2001::1", "2001:0:4136:e378::1",
		"2001:2::1", "2001:db8::1", "3fff::1", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "fec0::1",
		"ff02::1", "100::1", "5f00::1", "4000::1", "::2",
	}
	public := []string{"8.8.8.8", "1.1.1.1", "114.114.114.114", "100.63.255.255", "100.128.0.0", "172.32.0.1",
		"169.253.255.255", "198.20.0.1", "223.255.255.255", "::ffff:8.8.8.8", "2400:3200::1", "2408:8000::1", "2001:4860::8888"}
	var g egress.Guard
	for _, s := range refused {
		err := g.Check(netip.MustParseAddr(s))
		var re *egress.RefusedError
		if !errors.Is(err, egress.ErrRefused) || !errors.As(err, &re) || re.Range == "" {
			t.Errorf("%s: %v, want refused with its range named", s, err)
		}
	}
	for _, s := range public {
		if err := g.Check(netip.MustParseAddr(s)); err != nil {
			t.Errorf("%s refused: %v", s, err)
		}
	}
	if err := g.Check(netip.Addr{}); !errors.Is(err, egress.ErrRefused) {
		t.Errorf("no address: %v", err)
	}

	// The operator's ranges win, and only they do.
	allowed, err := egress.ParseAllow(" 127.0.0.0/8, 10.1.0.0/16 ,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"127.0.0.1", "::ffff:127.0.0.1", "10.1.2.3", "fd00::1", "8.8.8.8"} {
		if err := allowed.Check(netip.MustParseAddr(s)); err != nil {
			t.Errorf("allowed %s refused: %v", s, err)
		}
	}
	for _, s := range []string{"10.2.0.1", "169.254.169.254", "::1", "fe80::1"} {
		if err := allowed.Check(netip.MustParseAddr(s)); err == nil {
			t.Errorf("%s allowed, though no range names it", s)
		}
	}
	if allowed.String() != "127.0.0.0/8,10.1.0.0/16,fd00::/8" {
		t.Errorf("String() = %q", allowed.String())
	}
}

func TestParseAllow(t *testing.T) {
	for _, good := range []string{"", " ", "127.0.0.0/8", "10.1.0.0/16,192.168.0.0/24", "10.0.0.5", "::1", "10.1.2.3/16"} {
		if _, err := egress.ParseAllow(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	if g, _ := egress.ParseAllow("10.1.2.3/16"); g.Check(netip.MustParseAddr("10.1.200.1")) != nil {
		t.Error("a range written with host bits is the whole range")
	}
	if g, _ := egress.ParseAllow("10.0.0.5"); g.Check(netip.MustParseAddr("10.0.0.5")) != nil || g.Check(netip.MustParseAddr("10.0.0.6")) == nil {
		t.Error("a single address stands for itself only")
	}
	for _, bad := range []string{"intranet", "10.0.0.0/33", "10.0.0.0/8;127.0.0.1", "fe80::1%eth0", "10.0.0/8", "*"} {
		if _, err := egress.ParseAllow(bad); err == nil || !strings.Contains(err.Error(), "CIDR") {
			t.Errorf("%q: %v, want a CIDR error", bad, err)
		}
	}
}

// Every target the fetchers are tested with is refused by the client itself: before a connection
// (the trap counts none), after DNS (localhost), and on a redirect from an allowed site.
func TestClientRefusesTheServersOwnNetwork(t *testing.T) {
	r := egresstest.NewRefused(t)
	r.NeedGateway(t)
	c := r.Guard.Client(egress.Options{Timeout: 5 * time.Second})
	resp, err := c.Get(r.Gateway)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the allowed gateway: %v", err)
	}
	resp.Body.Close()
	for _, tg := range r.Targets {
		resp, err := c.Get(tg.URL)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, egress.ErrRefused) {
			t.Errorf("%s (%s): %v, want refused", tg.Name, tg.URL, err)
		}
	}
	if n := r.Connections(); n != 0 {
		t.Fatalf("%d connections reached the trap", n)
	}
	// The zero guard refuses the gateway too: nothing on loopback is public.
	if _, err := (egress.Guard{}).Client(egress.Options{}).Get(r.Gateway); !errors.Is(err, egress.ErrRefused) {
		t.Fatalf("the zero guard fetched 127.0.0.2: %v", err)
	}
}

// A supervisor may not use the fetchers as a port scanner: an open port and a closed one of a
// refused address fail alike, at once, and nothing connects to either.
func TestRefusalSaysNothingOfPorts(t *testing.T) {
	var conns atomic.Int64
	open := httptest.NewUnstartedServer(http.NotFoundHandler())
	open.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	open.Start()
	defer open.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	c := (egress.Guard{}).Client(egress.Options{Timeout: 5 * time.Second})
	describe := func(addr string) string {
		_, err := c.Get("http://" + addr + "/")
		if !errors.Is(err, egress.ErrRefused) {
			t.Fatalf("%s: %v, want refused", addr, err)
		}
		_, port, _ := net.SplitHostPort(addr)
		return strings.ReplaceAll(err.Error(), port, "PORT")
	}
	if a, b := describe(open.Listener.Addr().String()), describe(closed); a != b {
		t.Fatalf("an open port reads %q, a closed one %q", a, b)
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("%d connections to the open port", n)
	}
}

// A proxy would make the connection itself, where the guard cannot see it, so the client uses
// none, whatever the environment says.
func TestClientUsesNoProxy(t *testing.T) {
	var asked atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		io.WriteString(w, "proxied")
	}))
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	c := egresstest.Loopback.Client(egress.Options{Timeout: 2 * time.Second})
	if tr, ok := c.Transport.(*http.Transport); !ok || tr.Proxy != nil {
		t.Fatal("the client's transport has a proxy function")
	}
	// (The environment is read once per process, so the request below would miss a proxy only
	// when another test read it first; the assertion above holds whatever the order.)
	c.Get("http://intranet.invalid/")
	if n := asked.Load(); n != 0 {
		t.Fatalf("the proxy was asked %d times", n)
	}
}

// The dialer is the guard for clients that route names themselves (the crawler's test farm).
func TestDialerRefuses(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	if _, err := (egress.Guard{}).Dialer(time.Second).Dial("tcp", srv.Listener.Addr().String()); !errors.Is(err, egress.ErrRefused) {
		t.Fatalf("dialled loopback: %v", err)
	}
	conn, err := egresstest.Loopback.Dialer(time.Second).Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatalf("the allowed range: %v", err)
	}
	conn.Close()
}
