package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// session is the signed-in person as staff pages show them: name, place and the counts in the
// header.
type session struct {
	User       *models.User
	UnitName   string
	RegionName string
	Counts     models.InboxCounts
	Unread     int64 // unread notifications: the bell
}

const sessionKey = "session"

type sessionStore interface {
	authStore
	User(ctx context.Context, id int64) (*models.User, error)
	ScopeOf(ctx context.Context, u *models.User) (models.Scope, error)
	UserPlace(ctx context.Context, u *models.User) (unit, region string, err error)
	CountTicketsInScope(ctx context.Context, sc models.Scope) (models.InboxCounts, error)
	UnreadNotifications(ctx context.Context, userID int64) (int64, error)
	ChangePassword(ctx context.Context, id int64, old, new string) error
}

type sessionHandlers struct {
	*ui
	auth  *authenticator
	store sessionStore
}

// staffSession loads what the staff pages' header shows, and the user's scope.
func (h *sessionHandlers) staffSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		u := currentUser(c)
		ctx := c.Request.Context()
		if isAPI(c) {
			// The API needs the scope only; the header's place, bell and counts are for pages
			// (the counts are a GROUP BY over the scope's tickets: not for every API call).
			sc, err := h.store.ScopeOf(ctx, u)
			if err != nil {
				h.fail(c, err)
				return
			}
			c.Set(scopeKey, sc)
			c.Next()
			return
		}
		s := &session{User: u}
		s.UnitName, s.RegionName, _ = h.store.UserPlace(ctx, u)
		var err error
		if s.Unread, err = h.store.UnreadNotifications(ctx, u.ID); err != nil {
			h.fail(c, err)
			return
		}
		if u.Role != models.RoleAdmin {
			sc, err := h.store.ScopeOf(ctx, u)
			if err != nil {
				h.fail(c, err)
				return
			}
			if s.Counts, err = h.store.CountTicketsInScope(ctx, sc); err != nil {
				h.fail(c, err)
				return
			}
			c.Set(scopeKey, sc)
		} else {
			c.Set(scopeKey, models.Scope{All: true})
		}
		c.Set(sessionKey, s)
		c.Next()
	}
}

const scopeKey = "scope"

func scopeOf(c *gin.Context) models.Scope { return c.MustGet(scopeKey).(models.Scope) }

type loginPage struct {
	Username, Next string
	Error          string
}

func (h *sessionHandlers) loginForm(c *gin.Context) {
	if currentUser(c) != nil {
		c.Redirect(http.StatusSeeOther, localPath(c.Query("next")))
		return
	}
	next := c.Query("next")
	if !isLocalPath(next) {
		next = "" // the form does not carry on what it would refuse
	}
	h.render(c, http.StatusOK, "login", page{Title: "工作人员登录", Content: loginPage{Next: next}})
}

// login signs in from the form and sets the session cookie.
func (h *sessionHandlers) login(c *gin.Context) {
	username, next := c.PostForm("username"), localPath(c.PostForm("next"))
	u, err := h.auth.login(c.Request.Context(), username, c.PostForm("password"), c.ClientIP())
	if err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		var rl *rateLimited
		if asRateLimited(err, &rl) {
			c.Header("Retry-After", itoa(rl.seconds()))
		}
		h.render(c, status(err), "login", page{Title: "工作人员登录", Content: loginPage{Username: username, Next: next, Error: message(err)}})
		return
	}
	token, exp, err := h.auth.issue(u)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.setSessionCookie(c, token, exp)
	c.Redirect(http.StatusSeeOther, next)
}

func (h *sessionHandlers) setSessionCookie(c *gin.Context, token string, exp time.Time) {
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(sessionCookie, token, int(time.Until(exp).Seconds()), "/", "", h.tls.isHTTPS(c), true)
}

// logout revokes every token of the user and clears the cookie.
func (h *sessionHandlers) logout(c *gin.Context) {
	if u := currentUser(c); u != nil {
		if err := h.store.RevokeTokens(c.Request.Context(), u.ID); err != nil {
			h.fail(c, err)
			return
		}
	}
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(sessionCookie, "", -1, "/", "", h.tls.isHTTPS(c), true)
	c.Redirect(http.StatusSeeOther, "/login")
}

type passwordPage struct {
	Errors map[string]string
}

func (h *sessionHandlers) passwordForm(c *gin.Context) {
	h.render(c, http.StatusOK, "password", page{Title: "修改密码", Content: passwordPage{}})
}

// changePassword sets a new password; the old tokens stop working, so a new cookie is issued.
func (h *sessionHandlers) changePassword(c *gin.Context) {
	u := currentUser(c)
	ctx := c.Request.Context()
	if c.PostForm("new_password") != c.PostForm("confirm_password") {
		h.render(c, http.StatusBadRequest, "password", page{Title: "修改密码",
			Content: passwordPage{Errors: map[string]string{"confirm_password": "两次输入的新密码不一致"}}})
		return
	}
	if err := h.store.ChangePassword(ctx, u.ID, c.PostForm("old_password"), c.PostForm("new_password")); err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		h.render(c, status(err), "password", page{Title: "修改密码", Content: passwordPage{Errors: map[string]string{field(err): message(err)}}})
		return
	}
	fresh, err := h.store.User(ctx, u.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	token, exp, err := h.auth.issue(fresh)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.setSessionCookie(c, token, exp)
	h.setFlash(c, flash{Kind: "ok", Message: "密码已修改，其他设备上的登录已失效"})
	c.Redirect(http.StatusSeeOther, "/staff")
}

// apiUser is a user as the API shows it.
type apiUser struct {
	ID       int64   `json:"id"`
	Username string  `json:"username"`
	Name     string  `json:"name"`
	Role     string  `json:"role"`
	Unit     *string `json:"unit"`
	Region   *string `json:"region"`
}

func (h *sessionHandlers) apiUserOf(ctx context.Context, u *models.User) apiUser {
	unit, region, _ := h.store.UserPlace(ctx, u)
	return apiUser{ID: u.ID, Username: u.Username, Name: u.DisplayName, Role: u.Role, Unit: optional(unit), Region: optional(region)}
}

// apiLogin: POST /api/v1/auth/login {username, password} → {token, expires_at, user}.
func (h *sessionHandlers) apiLogin(c *gin.Context) {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	u, err := h.auth.login(c.Request.Context(), req.Username, req.Password, c.ClientIP())
	if err != nil {
		h.fail(c, err)
		return
	}
	token, exp, err := h.auth.issue(u)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"token": token, "expires_at": exp.In(models.Shanghai).Format(time.RFC3339), "user": h.apiUserOf(c.Request.Context(), u)})
}

// apiLogout revokes every token of the user.
func (h *sessionHandlers) apiLogout(c *gin.Context) {
	if err := h.store.RevokeTokens(c.Request.Context(), currentUser(c).ID); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *sessionHandlers) apiMe(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"user": h.apiUserOf(c.Request.Context(), currentUser(c))})
}
