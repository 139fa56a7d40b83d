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
	CountTicketsInScope(ctx context.Context, sc models.Scope, role string) (models.InboxCounts, error)
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
			if s.Counts, err = h.store.CountTicketsInScope(ctx, sc, u.Role); err != nil {
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

// login signs in from the form and sets the session cookie, and the device cookie that lets
// this browser sign in while the username is closed to others (device.go).
func (h *sessionHandlers) login(c *gin.Context) {
	username, next := c.PostForm("username"), localPath(c.PostForm("next"))
	cr := credentials{username: username, password: c.PostForm("password"), client: c.ClientIP()}
	if v, err := c.Cookie(h.auth.deviceCookie(signInName(username))); err == nil {
		cr.device = v
	}
	u, device, err := h.auth.login(c.Request.Context(), cr)
	if err != nil {
		if status(err) >= 500 && err != errAttemptsUnavailable {
			h.fail(c, err)
			return
		}
		err = refusal(c, err)
		h.render(c, status(err), "login", page{Title: "工作人员登录", Content: loginPage{Username: username, Next: next, Error: message(err)}})
		return
	}
	token, exp, err := h.auth.issue(u)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.setSessionCookie(c, token, exp)
	h.setDeviceCookie(c, u.Username, device)
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
// The current password is checked within a budget of its own (passwordBudget).
func (h *sessionHandlers) changePassword(c *gin.Context) {
	u := currentUser(c)
	ctx := c.Request.Context()
	refuse := func(err error) {
		key := field(err)
		if key == "" {
			key = "form"
		}
		h.render(c, status(err), "password", page{Title: "修改密码", Content: passwordPage{Errors: map[string]string{key: message(err)}}})
	}
	if c.PostForm("new_password") != c.PostForm("confirm_password") {
		refuse(models.Invalid("confirm_password", "两次输入的新密码不一致"))
		return
	}
	res, err := h.auth.attempts.reserve(ctx, passwordBudget(u.ID))
	if err != nil {
		refuse(refusal(c, err))
		return
	}
	err = h.store.ChangePassword(ctx, u.ID, c.PostForm("old_password"), c.PostForm("new_password"))
	res.settle(ctx, field(err) == "old_password")
	if err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		refuse(err)
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

// apiLogin: POST /api/v1/auth/login {username, password, device_token} → {token, expires_at,
// device_token, user}. The device token is the API's device cookie (device.go): a client that
// keeps it and sends it back signs in within its own budget of wrong passwords.
func (h *sessionHandlers) apiLogin(c *gin.Context) {
	var req struct {
		Username    string `json:"username"`
		Password    string `json:"password"`
		DeviceToken string `json:"device_token"`
	}
	if err := decodeJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	u, device, err := h.auth.login(c.Request.Context(), credentials{username: req.Username, password: req.Password, client: c.ClientIP(), device: req.DeviceToken})
	if err != nil {
		h.fail(c, err)
		return
	}
	token, exp, err := h.auth.issue(u)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"token": token, "expires_at": exp.In(models.Shanghai).Format(time.RFC3339), "device_token": device,
		"user": h.apiUserOf(c.Request.Context(), u)})
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
