package handlers

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
)

type healthHandlers struct {
	ui      *ui
	ready   func(ctx context.Context) error
	metrics http.Handler
	token   string // METRICS_TOKEN; empty: /metrics is not served on this listener
}

// alive answers as long as the process serves HTTP.
func (h *healthHandlers) alive(c *gin.Context) { c.String(http.StatusOK, "ok") }

// readyz answers 200 when the database and Redis answer, 503 otherwise, so a load balancer
// sends no citizen to a replica that cannot take a report.
func (h *healthHandlers) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if err := h.ready(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "error": err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// errMetricsToken answers a scrape without the right token.
var errMetricsToken = &httpError{Status: http.StatusUnauthorized, Message: "需要有效的指标令牌（Authorization: Bearer）"}

// scrape serves the Prometheus figures to a scraper that shows METRICS_TOKEN as a Bearer token.
// Without a token configured there is no /metrics on the public listener (METRICS_ADDR serves
// it on a private one): the figures name routes, queues and the process, for operators only.
func (h *healthHandlers) scrape(c *gin.Context) {
	if h.token == "" {
		h.ui.notFound(c)
		return
	}
	if !bearerIs(c.GetHeader("Authorization"), h.token) {
		c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
		h.ui.fail(c, errMetricsToken)
		return
	}
	h.metrics.ServeHTTP(c.Writer, c.Request)
}

// bearerIs compares the request's Bearer token with the expected one in constant time. Both are
// hashed first: the comparison then takes the same time whatever the length of either.
func bearerIs(header, want string) bool {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	token = strings.TrimLeft(token, " ")
	got, exp := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(got[:], exp[:]) == 1
}

// MetricsHandler serves a registry's figures in Prometheus' format, on the public listener
// (behind METRICS_TOKEN) and on METRICS_ADDR alike. go_info, the one figure that names the Go
// version, is left out: a version tells an attacker which advisories apply.
func MetricsHandler(registry *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		families, err := registry.Gather()
		return slices.DeleteFunc(families, func(f *dto.MetricFamily) bool { return f.GetName() == "go_info" }), err
	}), promhttp.HandlerOpts{})
}
