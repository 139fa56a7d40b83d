package loadtest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync/atomic"
	"time"
)

// proxy is a small round-robin reverse proxy for the replicas script, standing in for a
// load balancer where none is installed. A replica that refuses connections is passed over for a
// second and the request goes to the next one: nothing reached the dead replica, so even a POST
// is safe to send again. A request a replica took and never answered (it died) is answered 503
// with Retry-After, as the app answers when it cannot serve: only GETs are retried by the proxy
// then, since a report may have been stored before the replica died.
//
//	go run ./app loadtest proxy --listen 127.0.0.1:18080 --backends 127.0.0.1:18081,127.0.0.1:18082
func proxy(ctx context.Context, env Env, args []string, out io.Writer) error {
	log := env.Log
	fs := flag.NewFlagSet("loadtest proxy", flag.ContinueOnError)
	fs.SetOutput(out)
	listen := fs.String("listen", "127.0.0.1:18080", "where the proxy listens")
	list := fs.String("backends", "", "the replicas, host:port,host:port")
	if err := fs.Parse(args); err != nil {
		return UsageError{err.Error()}
	}
	p := &balancer{transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute,
		DialContext: (&net.Dialer{Timeout: time.Second}).DialContext}}
	for _, b := range strings.Split(*list, ",") {
		if b = strings.TrimSpace(b); b != "" {
			p.backends = append(p.backends, &backend{addr: b})
		}
	}
	if len(p.backends) == 0 {
		return UsageError{"loadtest proxy needs --backends host:port,..."}
	}
	rp := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.Out.URL.Scheme = "http"; r.SetXForwarded() },
		Transport: p,
		ErrorLog:  slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			log.Warn("proxy: no replica answered", "path", r.URL.Path, "error", err)
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":"服务暂时不可用，请稍后再试"}`)
		},
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	srv := &http.Server{Handler: rp, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); srv.Close() }()
	fmt.Fprintf(out, "proxy on %s to %s\n", ln.Addr(), *list)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type backend struct {
	addr      string
	downUntil atomic.Int64 // unix nanoseconds
}

// balancer is the proxy's RoundTripper: round robin over the replicas that are not down.
type balancer struct {
	backends  []*backend
	next      atomic.Uint64
	transport *http.Transport
}

func (b *balancer) RoundTrip(req *http.Request) (*http.Response, error) {
	// Keep the body, to send it again to another replica.
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
	}
	var lastErr error
	start := b.next.Add(1)
	for i := 0; i < 2*len(b.backends); i++ {
		be := b.backends[(start+uint64(i))%uint64(len(b.backends))]
		if i < len(b.backends) && time.Now().UnixNano() < be.downUntil.Load() {
			continue
		}
		out := req.Clone(req.Context())
		out.URL.Host, out.Host = be.addr, req.Host
		if body != nil {
			out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		}
		resp, err := b.transport.RoundTrip(out)
		if err == nil {
			return resp, nil
		}
		lastErr = err
		var op *net.OpError
		refused := errors.As(err, &op) && op.Op == "dial"
		if refused {
			be.downUntil.Store(time.Now().Add(time.Second).UnixNano())
		}
		if !refused && req.Method != http.MethodGet && req.Method != http.MethodHead {
			break // the replica may have acted on it: do not send it twice
		}
	}
	return nil, lastErr
}
