package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
)

// Password budgets. Every sign-in, and the current-password check of a password change, first
// reserves a place in its budgets in Redis, in one script, and only then is the password
// compared (bcrypt): requests at once and replicas together never evaluate more guesses than a
// budget holds. A budget counts, for its window, the wrong passwords and the attempts still in
// flight; a right password gives its place back; an attempt whose outcome was never recorded
// (its process died, Redis went away) stays counted as wrong. Attempts that find the budget
// taken only by attempts in flight wait a moment for them. When Redis cannot be asked, the
// attempt is refused, never evaluated: a lost Redis stops sign-ins rather than their limits.
type attempts struct {
	rdb redis.UniversalClient
	log *slog.Logger

	mu    sync.Mutex
	gates map[string]*gate
}

// gate lets no more attempts of this process at one budget go on to Redis than the budget
// holds; the others wait here rather than ask Redis again and again (a burst of a hundred
// guesses would otherwise poll it thousands of times a second).
type gate struct {
	places  chan struct{}
	waiting int // attempts holding or waiting for a place; the gate goes when none is left
}

// budget is one allowance of wrong passwords.
type budget struct {
	key    string // without the prefix
	limit  int
	window time.Duration
	spent  string // what a person is told when it is spent; %d is the minutes to wait
}

const (
	// Every key shares the hash tag, so that one script may touch several on a Redis Cluster.
	attemptsPrefix = "{zc:login}:"
	// redisTimeout is how long Redis has to answer before the attempt is refused.
	redisTimeout = time.Second
	// pendingTTL is the longest an attempt holds its place unrecorded; an attempt must be
	// evaluated within attemptTimeout of its reservation, well inside it.
	pendingTTL     = time.Minute
	attemptTimeout = 20 * time.Second
	// queueWait is how long an attempt waits for the attempts in flight before it gives up.
	queueWait = 3 * time.Second
)

var (
	errAttemptsUnavailable = &httpError{Status: http.StatusServiceUnavailable, Message: "登录服务暂时不可用，请稍后再试"}
	errAttemptsBusy        = &rateLimited{retryAfter: time.Second, message: "登录请求过多，请稍后再试"}
)

// reserveScript takes a place in every budget, or in none. KEYS: each budget's count and its set
// of attempts in flight; ARGV: the attempt's id, pendingTTL in ms, then each budget's limit and
// window in ms. Answers {0, 0} when reserved, {i, 0} when budget i is taken by attempts in flight
// only, {i, ms} when its wrong passwords have spent it for ms more.
var reserveScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS / 2
for i = 1, n do
  local count, pending = KEYS[2*i-1], KEYS[2*i]
  redis.call('ZREMRANGEBYSCORE', pending, '-inf', now)
  local c = tonumber(redis.call('GET', count) or '0')
  local limit = tonumber(ARGV[1 + 2*i])
  if c - redis.call('ZCARD', pending) >= limit then
    return {i, math.max(redis.call('PTTL', count), 1000)}
  end
  if c >= limit then
    return {i, 0}
  end
end
for i = 1, n do
  local count, pending = KEYS[2*i-1], KEYS[2*i]
  if redis.call('INCR', count) == 1 then
    redis.call('PEXPIRE', count, ARGV[2 + 2*i])
  end
  redis.call('ZADD', pending, now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', pending, ARGV[2])
end
return {0, 0}
`)

// settleScript records an attempt's outcome. KEYS as reserveScript's; ARGV: the attempt's id, and
// 1 when it gives its place back (a right password, or none evaluated). A place whose attempt
// outlived pendingTTL was counted as wrong already.
var settleScript = redis.NewScript(`
for i = 1, #KEYS / 2 do
  local count, pending = KEYS[2*i-1], KEYS[2*i]
  if redis.call('ZREM', pending, ARGV[1]) == 1 and ARGV[2] == '1' then
    if tonumber(redis.call('GET', count) or '0') > 0 then
      redis.call('DECR', count)
    end
  end
end
return 0
`)

// reservation is a place held in some budgets until settled.
type reservation struct {
	a       *attempts
	id      string
	budgets []budget
	entered int // the gates of budgets[:entered] are held
}

func (r *reservation) keys() []string {
	keys := make([]string, 0, 2*len(r.budgets))
	for _, b := range r.budgets {
		keys = append(keys, attemptsPrefix+b.key, attemptsPrefix+b.key+":pending")
	}
	return keys
}

// reserve takes a place in every budget for one attempt, waiting up to queueWait while only
// attempts in flight are in the way. Its errors: 429 with the spent budget's message, 429 busy,
// 503 when Redis does not answer. The reservation must be settled.
func (a *attempts) reserve(ctx context.Context, budgets ...budget) (*reservation, error) {
	if a.rdb == nil {
		return nil, errAttemptsUnavailable
	}
	giveUp := time.Now().Add(queueWait)
	id := make([]byte, 12)
	rand.Read(id)
	r := &reservation{a: a, id: hex.EncodeToString(id), budgets: budgets}
	for _, b := range budgets {
		if !a.enter(ctx, b, giveUp) {
			r.leave()
			return nil, errAttemptsBusy
		}
		r.entered++
	}
	args := []any{r.id, pendingTTL.Milliseconds()}
	for _, b := range budgets {
		args = append(args, b.limit, b.window.Milliseconds())
	}
	for {
		res, err := within(ctx, redisTimeout, func(ctx context.Context) ([]int64, error) {
			return reserveScript.Run(ctx, a.rdb, r.keys(), args...).Int64Slice()
		})
		switch {
		case err != nil || len(res) != 2:
			r.leave()
			a.log.Warn("sign-in attempt not reserved: refused", "error", err, "answer", res)
			return nil, errAttemptsUnavailable
		case res[0] == 0:
			return r, nil
		case res[1] > 0:
			r.leave()
			b := budgets[res[0]-1]
			wait := time.Duration(res[1]) * time.Millisecond
			return nil, &rateLimited{retryAfter: wait, message: fmt.Sprintf(b.spent, int(wait.Minutes())+1)}
		case time.Now().After(giveUp):
			r.leave()
			return nil, errAttemptsBusy
		}
		// Attempts in flight on other replicas: ask again shortly.
		select {
		case <-ctx.Done():
			r.leave()
			return nil, errAttemptsBusy
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// enter takes a place at the budget's gate in this process, waiting until giveUp.
func (a *attempts) enter(ctx context.Context, b budget, giveUp time.Time) bool {
	a.mu.Lock()
	if a.gates == nil {
		a.gates = map[string]*gate{}
	}
	g := a.gates[b.key]
	if g == nil {
		g = &gate{places: make(chan struct{}, b.limit)}
		a.gates[b.key] = g
	}
	g.waiting++
	a.mu.Unlock()
	timer := time.NewTimer(time.Until(giveUp))
	defer timer.Stop()
	select {
	case g.places <- struct{}{}:
		return true
	case <-ctx.Done():
	case <-timer.C:
	}
	a.release(b.key, false)
	return false
}

// release leaves the gate of key, giving back the place held when held.
func (a *attempts) release(key string, held bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	g := a.gates[key]
	if held {
		<-g.places
	}
	if g.waiting--; g.waiting == 0 {
		delete(a.gates, key)
	}
}

// leave gives back the places held at the gates.
func (r *reservation) leave() {
	for _, b := range r.budgets[:r.entered] {
		r.a.release(b.key, true)
	}
	r.entered = 0
}

// settle records the outcome: wrong keeps the place counted, otherwise it is given back. It
// runs even when the request was cancelled meanwhile; when Redis does not answer, the place
// stays counted as wrong.
func (r *reservation) settle(ctx context.Context, wrong bool) {
	defer r.leave()
	back := "1"
	if wrong {
		back = "0"
	}
	_, err := within(context.WithoutCancel(ctx), redisTimeout, func(ctx context.Context) (any, error) {
		return nil, settleScript.Run(ctx, r.a.rdb, r.keys(), r.id, back).Err()
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		r.a.log.Warn("sign-in attempt not settled; it counts as a wrong password", "wrong", wrong, "error", err)
	}
}

// refusal is a refused attempt as a form shows it, with its Retry-After set (ui.fail does the
// same for the API).
func refusal(c *gin.Context, err error) error {
	var rl *rateLimited
	switch {
	case errors.As(err, &rl):
		c.Header("Retry-After", strconv.Itoa(rl.seconds()))
		return rl.asHTTP()
	case status(err) == http.StatusServiceUnavailable:
		c.Header("Retry-After", "5")
	}
	return err
}

// within runs f and waits for it until d has passed: go-redis keeps to a context's deadline only
// when its client was made with ContextTimeoutEnabled, which asynq's are not, and would
// otherwise wait for its read timeout (seconds). A call given up on ends in the background.
func within[T any](ctx context.Context, d time.Duration, f func(ctx context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f(ctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
