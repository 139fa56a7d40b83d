package handlers_test

import (
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metricsToken is the METRICS_TOKEN of the tests that scrape /metrics.
const metricsToken = "metrics-token-for-tests-0123456789abcdef"

// withMetrics gives the app a METRICS_TOKEN and the Go collector production registers.
func withMetrics(c *appConfig) {
	c.MetricsToken = metricsToken
	c.Registry.MustRegister(collectors.NewGoCollector())
}

// scrape asks for /metrics with the Authorization header given ("" for none).
func (a *testApp) scrape(authorization string) (*http.Response, string) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/metrics", nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return a.do(req)
}

// /metrics names routes, queues and the process, for operators only: without METRICS_TOKEN the
// public listener has none (METRICS_ADDR serves it on a private one), with it only the token opens
// it; and nothing names the Go version.
func TestMetricsNeedTheTokenAndNameNoVersion(t *testing.T) {
	if r, body := newTestApp(t).scrape("Bearer " + metricsToken); r.StatusCode != http.StatusNotFound || strings.Contains(body, "zhaocuo_") {
		t.Fatalf("without METRICS_TOKEN: %d %.200s", r.StatusCode, body)
	}
	a := newTestApp(t, withMetrics)
	for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer wrong", "Bearer " + metricsToken + "x", "Bearer " + metricsToken[:len(metricsToken)-1],
		"Basic " + metricsToken, metricsToken, "Bearer" + metricsToken} {
		r, body := a.scrape(auth)
		if r.StatusCode != http.StatusUnauthorized || strings.Contains(body, "zhaocuo_") || r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: %d %.200s", auth, r.StatusCode, body)
		}
	}
	a.postJSON("/api/v1/reports", jsonBody(validFields()))
	for _, scheme := range []string{"Bearer ", "bearer ", "Bearer  "} {
		r, body := a.scrape(scheme + metricsToken)
		if r.StatusCode != http.StatusOK || !strings.Contains(body, `zhaocuo_http_requests_total{method="POST",route="/api/v1/reports",status="201"} 1`) ||
			!strings.Contains(body, "go_goroutines") {
			t.Fatalf("%q with the token: %d\n%.2000s", scheme, r.StatusCode, body)
		}
		if strings.Contains(body, "go_info") || strings.Contains(body, runtime.Version()) {
			t.Fatalf("the figures name the Go version:\n%s", body)
		}
	}
	// No answer names the server's software.
	for _, path := range []string{"/", "/healthz", "/no/such/page", "/api/v1/nothing", "/metrics"} {
		r, body := a.get(path)
		for _, h := range []string{"Server", "X-Powered-By"} {
			if v := r.Header.Get(h); v != "" {
				t.Errorf("%s: %s: %s", path, h, v)
			}
		}
		if strings.Contains(body, runtime.Version()) || strings.Contains(strings.ToLower(body), "gin-gonic") {
			t.Errorf("%s names the software", path)
		}
	}
}
