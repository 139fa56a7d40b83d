package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/go-redis/v9"

	"zhaocuo/models"
)

// Tokens: HS256 with the configured secret, the algorithm pinned, issuer, audience, issue and
// expiry times checked, and the user's token version inside, so that signing out, changing the
// password or disabling the account revokes every token issued before at once.
const (
	tokenIssuer   = "zhaocuo"
	tokenAudience = "zhaocuo"
	tokenTTL      = 12 * time.Hour
	sessionCookie = "zc_session"
	userKey       = "user"
	authErrorKey  = "auth_error" // the session could not be checked
)

type authStore interface {
	Authenticate(ctx context.Context, username, password string) (*models.User, error)
	SessionUser(ctx context.Context, id int64, version int) (*models.User, error)
	RevokeTokens(ctx context.Context, id int64) error
}

type claims struct {
	jwt.RegisteredClaims
	Version int    `json:"ver"`
	Role    string `json:"role"`
}

type authenticator struct {
	store  authStore
	secret []byte
	rdb    redis.UniversalClient // counts wrong passwords across replicas
	log    *slog.Logger
}

var errUnauthenticated = &httpError{Status: http.StatusUnauthorized, Message: "请先登录"}

// issue signs a token for the user.
func (a *authenticator) issue(u *models.User) (string, time.Time, error) {
	now := time.Now()
	exp := now.Add(tokenTTL)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: strconv.FormatInt(u.ID, 10), Issuer: tokenIssuer, Audience: jwt.ClaimStrings{tokenAudience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
		},
		Version: u.TokenVersion, Role: u.Role,
	})
	s, err := tok.SignedString(a.secret)
	return s, exp, err
}

// verify returns the user a token stands for, if the token is sound and still current.
func (a *authenticator) verify(ctx context.Context, raw string) (*models.User, error) {
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return a.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(tokenAudience), jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithLeeway(30*time.Second))
	if err != nil {
		return nil, errUnauthenticated
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil {
		return nil, errUnauthenticated
	}
	u, err := a.store.SessionUser(ctx, id, c.Version)
	if err != nil {
		if models.ErrorKind(err) == models.KindNotFound {
			return nil, errUnauthenticated
		}
		return nil, err
	}
	if u.Disabled || u.TokenVersion != c.Version {
		return nil, errUnauthenticated
	}
	return u, nil
}

// session reads the signed-in user, if any: pages from the session cookie, the API from the
// Authorization header. Neither accepts the other's, so a cookie never authorises an API call.
func (a *authenticator) session() gin.HandlerFunc {
	return func(c *gin.Context) {
		var raw string
		if isAPI(c) {
			if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
				raw = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
			}
		} else if v, err := c.Cookie(sessionCookie); err == nil {
			raw = v
		}
		if raw != "" {
			u, err := a.verify(c.Request.Context(), raw)
			switch {
			case err == nil:
				c.Set(userKey, u)
			case !errors.Is(err, errUnauthenticated):
				// The database failed: anonymous pages go on; those that need the user answer
				// with the failure (503 while the database is away), not a misleading 401.
				c.Set(authErrorKey, err)
			}
		}
		c.Next()
	}
}

// currentUser returns the signed-in user, or nil.
func currentUser(c *gin.Context) *models.User {
	if v, ok := c.Get(userKey); ok {
		return v.(*models.User)
	}
	return nil
}

// require lets through signed-in users of the given roles (any role when none is given).
// Pages send the signed-out to the sign-in page and back; the API answers 401.
func (u *ui) require(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		user := currentUser(c)
		if v, ok := c.Get(authErrorKey); ok && user == nil {
			u.fail(c, v.(error))
			return
		}
		if user == nil {
			if isAPI(c) {
				c.Header("WWW-Authenticate", `Bearer realm="zhaocuo"`)
				u.fail(c, errUnauthenticated)
				return
			}
			next := c.Request.URL.RequestURI()
			if c.Request.Method != http.MethodGet {
				next = "/staff"
			}
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
			c.Abort()
			return
		}
		if len(roles) > 0 && !contains(roles, user.Role) {
			u.fail(c, models.Forbidden("您的角色不能访问此页面"))
			return
		}
		c.Next()
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Wrong passwords: after loginFailures within loginWindow for one username, sign-in for it is
// refused until the window passes. Each wrong password is logged.
const (
	loginFailures = 5
	loginWindow   = 15 * time.Minute
)

func (a *authenticator) failuresKey(username string) string {
	return "zc:login:fail:" + strings.ToLower(strings.TrimSpace(username))
}

// throttled reports whether the username has failed too often lately, and for how long more.
func (a *authenticator) throttled(ctx context.Context, username string) (bool, time.Duration) {
	if a.rdb == nil {
		return false, 0
	}
	ctx, cancel := context.WithTimeout(ctx, limiterTimeout)
	defer cancel()
	n, err := a.rdb.Get(ctx, a.failuresKey(username)).Int()
	if err != nil || n < loginFailures {
		return false, 0
	}
	ttl, _ := a.rdb.TTL(ctx, a.failuresKey(username)).Result()
	return true, max(ttl, time.Second)
}

func (a *authenticator) recordFailure(ctx context.Context, username, client string) {
	a.log.Warn("sign-in failed", "username", username, "client", client)
	if a.rdb == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, limiterTimeout)
	defer cancel()
	key := a.failuresKey(username)
	pipe := a.rdb.TxPipeline()
	pipe.Incr(ctx, key)
	pipe.ExpireNX(ctx, key, loginWindow)
	if _, err := pipe.Exec(ctx); err != nil {
		a.log.Warn("sign-in failure not counted", "error", err)
	}
}

func (a *authenticator) clearFailures(ctx context.Context, username string) {
	if a.rdb != nil {
		ctx, cancel := context.WithTimeout(ctx, limiterTimeout)
		defer cancel()
		a.rdb.Del(ctx, a.failuresKey(username))
	}
}

// login checks the credentials, with the throttle; it is shared by the page and the API.
func (a *authenticator) login(ctx context.Context, username, password, client string) (*models.User, error) {
	if username == "" || password == "" {
		return nil, models.Invalid("username", "请输入用户名和密码")
	}
	if len(username) > 64 || len(password) > 128 {
		return nil, models.ErrBadCredentials
	}
	if ok, wait := a.throttled(ctx, username); ok {
		minutes := int(wait.Minutes()) + 1
		return nil, &rateLimited{retryAfter: wait, message: fmt.Sprintf("密码错误次数过多，请 %d 分钟后再试", minutes)}
	}
	u, err := a.store.Authenticate(ctx, username, password)
	if err != nil {
		if err == models.ErrBadCredentials {
			a.recordFailure(ctx, username, client)
		}
		return nil, err
	}
	a.clearFailures(ctx, username)
	return u, nil
}

// localPath returns next if it is a path on this site, "/staff" otherwise: the sign-in page
// and the notifications never redirect elsewhere.
func localPath(next string) string {
	if !isLocalPath(next) {
		return "/staff"
	}
	return next
}

// isLocalPath reports whether next is a path on this site, however a browser reads it as a
// Location. Browsers drop tabs and newlines anywhere in a URL and read a backslash as a slash,
// so "/\t/evil.example" and "/\\evil.example" are "//evil.example", another site; a proxy or a
// second decoding may do the same with their percent-encoded forms. So next must start with a
// single "/", carry no control character (raw or percent-encoded) and no backslash, and its path
// no encoded slash; what is left is parsed, and must name no scheme and no host.
func isLocalPath(next string) bool {
	if len(next) > 2048 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || !utf8.ValidString(next) {
		return false
	}
	if strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		return false
	}
	path, _, _ := strings.Cut(next, "?")
	for i := strings.IndexByte(next, '%'); i >= 0; i = nextPercent(next, i) {
		if i+2 >= len(next) {
			return false
		}
		b, err := strconv.ParseUint(next[i+1:i+3], 16, 8)
		if err != nil || b < 0x20 || b == 0x7f || (i < len(path) && (b == '/' || b == '\\')) {
			return false
		}
	}
	u, err := url.Parse(next)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == ""
}

// nextPercent is the index of the next '%' in s after i, or -1.
func nextPercent(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '%')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}
