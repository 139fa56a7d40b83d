package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
)

// The signed-in person's own settings at /account: the address reminders and notifications are
// e-mailed to. (The password is changed at /account/password, beside signing in: session.go.)

type accountStore interface {
	SetEmail(ctx context.Context, userID int64, email string) error
}

type accountHandlers struct {
	*ui
	store accountStore
}

type accountPage struct {
	Email  string
	Errors map[string]string
}

func (h *accountHandlers) show(c *gin.Context) {
	h.render(c, http.StatusOK, "account", page{Title: "个人设置", Content: accountPage{Email: currentUser(c).Email}})
}

// save sets the address reminders are e-mailed to.
func (h *accountHandlers) save(c *gin.Context) {
	email := c.PostForm("email")
	if err := h.store.SetEmail(c.Request.Context(), currentUser(c).ID, email); err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		h.render(c, status(err), "account", page{Title: "个人设置", Content: accountPage{Email: email, Errors: map[string]string{"email": message(err)}}})
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已保存"})
	c.Redirect(http.StatusSeeOther, "/account")
}
