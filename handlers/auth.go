package handlers

import (
	"context"
	"errors"
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
	store     authStore
	secret    []byte
	attempts  *attempts // wrong passwords counted across replicas
	perClient bool      // each client address has a budget too
	log       *slog.Logger
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
		if mustChangePasswordFirst(c, user) {
			u.changePasswordFirst(c)
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

// Wrong passwords. A username takes loginFailures within loginWindow from clients it has no
// device token of, then refuses them until the window ends; a device token of the username gets
// the same allowance of its own (device.go). Beside the username's, each client address takes
// clientFailures wrong passwords in the window from its clients without a device token, so that
// one address cannot try a password on every username; it is a per-client limit like the
// reports', and RATE_LIMIT=0 turns it off with them. Each wrong password is logged.
const (
	loginFailures  = 5
	clientFailures = 20
	loginWindow    = 15 * time.Minute
)

// signInName is the username as typed, white space around it dropped (a phone's keyboard adds
// it); the stored name must then match it exactly (models.Store.Authenticate).
func signInName(typed string) string { return strings.TrimSpace(typed) }

// credentials are what a sign-in sends: the username and password, the client's address, and
// the device token it holds for the username, if any.
type credentials struct {
	username, password string
	client             string
	device             string
}

// budgets are the allowances an attempt is counted against: its device's, or else the
// username's and its address's.
func (a *authenticator) budgets(cr credentials, device string) []budget {
	if device != "" {
		return []budget{{key: "device:" + device, limit: loginFailures, window: loginWindow,
			spent: "密码错误次数过多，请 %d 分钟后再试"}}
	}
	b := []budget{{key: "user:" + cr.username, limit: loginFailures, window: loginWindow,
		spent: "该账号密码错误次数过多，已暂停登录，请 %d 分钟后再试（在此前成功登录过的浏览器上仍可登录）"}}
	if a.perClient {
		b = append(b, budget{key: "client:" + clientKey(cr.client), limit: clientFailures, window: loginWindow,
			spent: "本网络登录失败次数过多，请 %d 分钟后再试"})
	}
	return b
}

// passwordBudget limits the current-password check of a password change: a stolen session may
// not guess its way to the password.
func passwordBudget(userID int64) budget {
	return budget{key: "password:" + strconv.FormatInt(userID, 10), limit: loginFailures, window: loginWindow,
		spent: "原密码错误次数过多，请 %d 分钟后再试"}
}

// login checks the credentials within their budgets; it is shared by the page and the API. It
// returns the user and the device token to hand back.
func (a *authenticator) login(ctx context.Context, cr credentials) (*models.User, string, error) {
	cr.username = signInName(cr.username)
	if cr.username == "" || cr.password == "" {
		return nil, "", models.Invalid("username", "请输入用户名和密码")
	}
	if len(cr.username) > 64 || len(cr.password) > 128 {
		return nil, "", models.ErrBadCredentials // no such user or password can exist: nothing to evaluate
	}
	device := a.device(cr.username, cr.device)
	res, err := a.attempts.reserve(ctx, a.budgets(cr, device)...)
	if err != nil {
		return nil, "", err
	}
	actx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	u, err := a.store.Authenticate(actx, cr.username, cr.password)
	wrong := errors.Is(err, models.ErrBadCredentials) // a disabled account's answer too
	res.settle(ctx, wrong)
	if err != nil {
		if wrong {
			a.log.Warn("sign-in failed", "username", cr.username, "client", cr.client, "device", device != "")
		}
		return nil, "", err
	}
	return u, a.deviceToken(cr.username, device), nil
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
