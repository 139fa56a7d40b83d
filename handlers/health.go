package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type healthHandlers struct {
	ready    func(ctx context.Context) error
	registry *prometheus.Registry
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

// metrics serves the Prometheus figures.
func (h *healthHandlers) metrics(c *gin.Context) {
	promhttp.HandlerFor(h.registry, promhttp.HandlerOpts{}).ServeHTTP(c.Writer, c.Request)
}
