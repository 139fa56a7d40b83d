package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/hibiken/asynqmon"
)

// queuesUI is asynqmon, for administrators. Its page carries inline script and styles, so it gets
// a CSP of its own; it stays behind the admin role like the rest of /admin.
func queuesUI(d Deps) gin.HandlerFunc {
	if d.QueueInspector == nil {
		return func(c *gin.Context) { c.String(http.StatusNotFound, "队列监控不可用") }
	}
	mon := asynqmon.New(asynqmon.Options{RootPath: "/admin/queues", RedisConnOpt: d.QueueInspector, ReadOnly: false})
	return func(c *gin.Context) {
		c.Header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
		mon.ServeHTTP(c.Writer, c.Request)
	}
}
