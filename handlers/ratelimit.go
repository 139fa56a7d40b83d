package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// limiter counts what each client does per hour in Redis, so every replica sees the same counts.
// When Redis cannot be reached it lets requests through and logs it: a citizen's report matters
// more than the limit, and the database, not Redis, is what must be up to take one.
type limiter struct {
	rl      *redis_rate.Limiter
	perHour int
	log     *slog.Logger
}

func newLimiter(rdb redis.UniversalClient, perHour int, log *slog.Logger) *limiter {
	l := &limiter{perHour: perHour, log: log}
	if rdb != nil && perHour > 0 {
		l.rl = redis_rate.NewLimiter(rdb)
	}
	return l
}

// allow counts one action of kind by client; the error, when the client is over its limit, says
// when to come back. factor scales the hourly limit for actions cheaper than a report.
func (l *limiter) allow(ctx context.Context, kind, client string, factor int) error {
	if l.rl == nil {
		return nil
	}
	limit := l.perHour * factor
	// A Redis that does not answer at once is treated as down: a report waits for no limiter.
	res, err := within(ctx, limiterTimeout, func(ctx context.Context) (*redis_rate.Result, error) {
		return l.rl.Allow(ctx, "zc:rl:"+kind+":"+clientKey(client), redis_rate.Limit{Rate: limit, Burst: limit, Period: time.Hour})
	})
	if err != nil {
		l.log.Warn("rate limit unavailable, request let through", "kind", kind, "error", err)
		return nil
	}
	if res.Allowed == 0 {
		return &rateLimited{retryAfter: res.RetryAfter}
	}
	return nil
}

const limiterTimeout = 250 * time.Millisecond

// clientKey is what a limit counts by: the client's IPv4 address, or the /64 of its IPv6 address,
// which a subscriber is given whole and could otherwise hop across, one address a request.
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// rateLimited answers 429 with Retry-After, and a message of its own when it has one.
type rateLimited struct {
	retryAfter time.Duration
	message    string
}

func (e *rateLimited) Error() string { return "too many requests" }

func (e *rateLimited) seconds() int { return int(math.Ceil(max(e.retryAfter.Seconds(), 1))) }

func (e *rateLimited) asHTTP() *httpError {
	if e.message != "" {
		return &httpError{Status: http.StatusTooManyRequests, Message: e.message}
	}
	wait := e.seconds()
	when := fmt.Sprintf("%d 秒", wait)
	if wait >= 60 {
		when = fmt.Sprintf("%d 分钟", (wait+59)/60)
	}
	return &httpError{Status: http.StatusTooManyRequests, Message: "提交过于频繁，请 " + when + "后再试"}
}
