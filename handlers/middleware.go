package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

const requestIDKey = "request_id"

// requestID gives every request an id, taken from a proxy's X-Request-ID when it looks sane, and
// returns it in the response so a citizen's complaint can be found in the logs.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if len(id) < 8 || len(id) > 64 || !isToken(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

func isToken(s string) bool {
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// accessLog writes one line per request. Query strings are left out: they can carry query codes.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(c.Request.Context(), level, "http",
			slog.String("request_id", c.GetString(requestIDKey)),
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.String("client", c.ClientIP()),
		)
	}
}

// recoverer turns a panic into a 500 page and an error log with the stack, instead of a dropped
// connection.
func recoverer(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				u.log.Error("panic", "request_id", c.GetString(requestIDKey), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					u.fail(c, fmt.Errorf("panic: %v", v))
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// securityHeaders: no inline script or style anywhere, no framing, no sniffing.
func securityHeaders(tls *tlsDetector) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if tls.isHTTPS(c) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		c.Next()
	}
}

// Body limits. A form with a screenshot may carry up to 5 MB of image; the limit is higher so
// that a citizen whose photo is too big still gets the form back with what they typed.
const (
	maxUploadBody      = 12 << 20
	maxMultipartMemory = 8 << 20
	maxJSONBody        = 64 << 10
	// A circular's form: three parts of up to 20,000 characters each, which a browser sends
	// percent-encoded at 9 bytes a Chinese character.
	maxCircularForm = 1 << 20
)

// limitBody caps the request body; reading past it fails with *http.MaxBytesError.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// tlsDetector tells whether the citizen's connection is HTTPS: directly, or as a trusted proxy
// says in X-Forwarded-Proto. HSTS and Secure cookies follow it.
type tlsDetector struct{ trusted []*net.IPNet }

func newTLSDetector(proxies []string) *tlsDetector {
	d := &tlsDetector{}
	for _, p := range proxies {
		if !strings.Contains(p, "/") {
			if strings.Contains(p, ":") {
				p += "/128"
			} else {
				p += "/32"
			}
		}
		if _, n, err := net.ParseCIDR(p); err == nil {
			d.trusted = append(d.trusted, n)
		}
	}
	return d
}

func (d *tlsDetector) isHTTPS(c *gin.Context) bool {
	if c.Request.TLS != nil {
		return true
	}
	if c.GetHeader("X-Forwarded-Proto") != "https" {
		return false
	}
	ip := net.ParseIP(c.RemoteIP())
	for _, n := range d.trusted {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// closeAfterChunked closes the connection after a request sent with Transfer-Encoding. net/http
// reads such a body by its chunks and drops any Content-Length beside it; a proxy in front that
// went by the Content-Length instead would have sent what net/http then takes as a second request
// on the same connection (request smuggling). RFC 9112 §6.1 asks a server to close the connection
// after such a request; as net/http hides whether the Content-Length was there, close after every
// chunked one. Browsers send a Content-Length, so they are not slowed.
func closeAfterChunked() gin.HandlerFunc {
	return func(c *gin.Context) {
		if len(c.Request.TransferEncoding) > 0 {
			c.Header("Connection", "close")
		}
		c.Next()
	}
}
