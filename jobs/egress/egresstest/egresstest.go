// Package egresstest is what the tests of every fetcher share: the allowance their test servers
// on loopback need, given explicitly by each harness, and addresses that every fetcher must refuse,
// with a trap that counts the connections that reached it.
package egresstest

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"
	"testing"

	"zhaocuo/jobs/egress"
)

// Loopback allows the loopback ranges, where httptest servers listen. Production allows nothing
// of the kind unless FETCH_ALLOW_PRIVATE says so: a test harness passes this, in one place.
var Loopback = egress.Allow(netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))

// Target is an address a fetch must not reach.
type Target struct{ Name, URL string }

// Refused is the set-up of a test that every fetcher refuses the server's own networks.
type Refused struct {
	// Guard is the guard to fetch under: it allows the gateway's address only.
	Guard egress.Guard
	// Gateway is an allowed site on 127.0.0.2: its homepage links to every target, and it
	// redirects to refused addresses ("" on a host without 127.0.0.2).
	Gateway string
	// Targets are the refused addresses, the redirects from the gateway among them.
	Targets []Target
	trap    *trap
}

// Connections counts the connections that reached the trap on loopback (127.0.0.1 and ::1):
// a fetcher that refused every target leaves it at 0, whatever it reported.
func (r *Refused) Connections() int64 { return r.trap.conns.Load() }

// Words are what staff read for a refused fetch (the inspector's DescribeError).
const Words = "不检查内网地址"

// NewRefused starts the trap and the gateway. The gateway needs 127.0.0.2, which Linux answers
// as it answers all of 127.0.0.0/8; on a host without it Gateway is "" and the redirects are
// left out of Targets.
func NewRefused(t testing.TB) *Refused {
	t.Helper()
	tr := newTrap(t)
	r := &Refused{trap: tr, Guard: egress.Allow(netip.MustParsePrefix("127.0.0.2/32"))}
	v4 := "127.0.0.1:" + tr.port
	v6 := "[::1]:" + tr.port6
	r.Targets = []Target{
		{"loopback", "http://" + v4 + "/admin"},
		{"IPv6 loopback", "http://" + v6 + "/admin"},
		{"IPv4-mapped loopback", "http://[::ffff:127.0.0.1]:" + tr.port + "/"},
		{"unspecified address (reaches this host)", "http://0.0.0.0:" + tr.port + "/"},
		{"a name that resolves to loopback", "http://localhost:" + tr.port + "/"},
		{"private 10.0.0.0/8", "http://10.0.0.1/"},
		{"unique local IPv6", "http://[fd00::1]/"},
		{"cloud metadata, link-local", "http://169.254.169.254/latest/meta-data/"},
		{"cloud metadata, CGNAT", "http://100.100.100.200/latest/meta-data/"},
	}
	gl, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Logf("no 127.0.0.2 on this host: the redirects from an allowed site are not tried (%v)", err)
		return r
	}
	r.Gateway = "http://" + gl.Addr().String() + "/"
	r.Targets = append(r.Targets,
		Target{"redirect from an allowed site to loopback", r.Gateway + "redirect"},
		Target{"redirect from an allowed site to cloud metadata", r.Gateway + "metadata"})
	mux := http.NewServeMux()
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, "http://"+v4+"/redirected", http.StatusFound)
	})
	mux.HandleFunc("/metadata", func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><head><title>示范网站</title></head><body><ul>")
		for _, tg := range r.Targets {
			fmt.Fprintf(w, `<li><a href="%s">%s</a></li>`, tg.URL, tg.Name)
		}
		fmt.Fprint(w, "</ul></body></html>")
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(gl)
	t.Cleanup(func() { srv.Close() })
	return r
}

// trap is a web server on loopback that counts every connection it accepts.
type trap struct {
	port, port6 string
	conns       atomic.Int64
}

func newTrap(t testing.TB) *trap {
	t.Helper()
	tr := &trap{}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"errcode":0}`) })
	serve := func(ln net.Listener) {
		srv := &http.Server{Handler: ok}
		go srv.Serve(counting{ln, &tr.conns})
		t.Cleanup(func() { srv.Close() })
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, tr.port, _ = net.SplitHostPort(ln.Addr().String())
	serve(ln)
	tr.port6 = tr.port // where ::1 is missing, a fetch there fails anyway
	if ln6, err := net.Listen("tcp", "[::1]:0"); err == nil {
		_, tr.port6, _ = net.SplitHostPort(ln6.Addr().String())
		serve(ln6)
	}
	return tr
}

type counting struct {
	net.Listener
	n *atomic.Int64
}

func (c counting) Accept() (net.Conn, error) {
	conn, err := c.Listener.Accept()
	if err == nil {
		c.n.Add(1)
	}
	return conn, err
}

// NeedGateway skips a test that needs the gateway on a host without 127.0.0.2.
func (r *Refused) NeedGateway(t testing.TB) {
	t.Helper()
	if r.Gateway == "" {
		t.Skip("no 127.0.0.2 on this host for the allowed gateway")
	}
}
