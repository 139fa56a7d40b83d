package handlers

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// The signed-in person's own settings at /account: the address reminders and notifications are
// e-mailed to, and how they get each kind of workflow notice (in-app always; by e-mail; to their
// unit's group robot). (The password is changed at /account/password, beside signing in:
// session.go.)

type accountStore interface {
	SetEmail(ctx context.Context, userID int64, email string) error
	NoticeChoices(ctx context.Context, u *models.User) ([]models.NoticeChoice, error)
	SetNoticeChoices(ctx context.Context, u *models.User, choices []models.NoticeChoice) error
}

type accountHandlers struct {
	*ui
	store accountStore
}

type accountPage struct {
	Email   string
	Errors  map[string]string
	Notices []noticeRow
}

// noticeRow is one kind of notice on the page, with how the person gets it.
type noticeRow struct {
	models.NoticeKind
	Email, Webhook bool
}

func (h *accountHandlers) show(c *gin.Context) {
	h.page(c, http.StatusOK, accountPage{Email: currentUser(c).Email})
}

// page renders the account page with the person's notice choices as stored.
func (h *accountHandlers) page(c *gin.Context, status int, p accountPage) {
	u := currentUser(c)
	choices, err := h.store.NoticeChoices(c.Request.Context(), u)
	if err != nil {
		h.fail(c, err)
		return
	}
	kinds := models.NoticeKindsFor(u.Role)
	for i, ch := range choices {
		p.Notices = append(p.Notices, noticeRow{NoticeKind: kinds[i], Email: ch.Email, Webhook: ch.Webhook})
	}
	h.render(c, status, "account", page{Title: "个人设置", Content: p})
}

// save sets the address reminders are e-mailed to.
func (h *accountHandlers) save(c *gin.Context) {
	email := c.PostForm("email")
	if err := h.store.SetEmail(c.Request.Context(), currentUser(c).ID, email); err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		h.page(c, status(err), accountPage{Email: email, Errors: map[string]string{"email": message(err)}})
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已保存"})
	c.Redirect(http.StatusSeeOther, "/account")
}

// errNoticeForm refuses a notices form that is not the page's: a channel or kind it does not
// offer.
var errNoticeForm = models.Invalid("notices", "通知设置有误，请刷新页面后重新选择")

// saveNotices sets how the person gets the kinds of notice the form lists (kind, one field each):
// a box ticked is a notice field "email:<kind>" or "webhook:<kind>"; a box not ticked sends
// nothing.
func (h *accountHandlers) saveNotices(c *gin.Context) {
	kinds, ticked := c.PostFormArray("kind"), c.PostFormArray("notice")
	choices := make([]models.NoticeChoice, len(kinds))
	for i, k := range kinds {
		choices[i] = models.NoticeChoice{Kind: k}
	}
	err := error(nil)
	if len(kinds) == 0 {
		err = errNoticeForm
	}
	for _, t := range ticked {
		channel, kind, _ := strings.Cut(t, ":")
		i := slices.IndexFunc(choices, func(ch models.NoticeChoice) bool { return ch.Kind == kind })
		switch {
		case i < 0:
			err = errNoticeForm
		case channel == models.ChannelEmail:
			choices[i].Email = true
		case channel == models.ChannelWebhook:
			choices[i].Webhook = true
		default:
			err = errNoticeForm
		}
	}
	if err == nil {
		err = h.store.SetNoticeChoices(c.Request.Context(), currentUser(c), choices)
	}
	if err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		h.page(c, status(err), accountPage{Email: currentUser(c).Email, Errors: map[string]string{"notices": message(err)}})
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "通知方式已保存"})
	c.Redirect(http.StatusSeeOther, "/account#notices")
}

// apiNoticeChoice is one kind of notice in the API: what it is, and how the person gets it.
type apiNoticeChoice struct {
	Kind    string `json:"kind"`
	Label   string `json:"label"`
	To      string `json:"to"`
	InApp   bool   `json:"in_app"`
	Email   bool   `json:"email"`
	Webhook bool   `json:"webhook"`
}

// apiNotices: GET /api/v1/me/notification-preferences.
func (h *accountHandlers) apiNotices(c *gin.Context) {
	u := currentUser(c)
	choices, err := h.store.NoticeChoices(c.Request.Context(), u)
	if err != nil {
		h.fail(c, err)
		return
	}
	kinds := models.NoticeKindsFor(u.Role)
	out := make([]apiNoticeChoice, len(choices))
	for i, ch := range choices {
		out[i] = apiNoticeChoice{Kind: ch.Kind, Label: kinds[i].Label, To: kinds[i].To, InApp: true, Email: ch.Email, Webhook: ch.Webhook}
	}
	c.JSON(http.StatusOK, gin.H{"preferences": out})
}

// apiSetNotices: PUT /api/v1/me/notification-preferences {"preferences": [{"kind", "email",
// "webhook"}]}: the kinds listed are set, the others stay as they are; the answer is GET's.
func (h *accountHandlers) apiSetNotices(c *gin.Context) {
	var req struct {
		Preferences []struct {
			Kind    string `json:"kind"`
			Email   *bool  `json:"email"`
			Webhook *bool  `json:"webhook"`
		} `json:"preferences"`
	}
	if err := decodeJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if len(req.Preferences) == 0 {
		h.fail(c, models.Invalid("preferences", "请列出要设置的通知（preferences）"))
		return
	}
	choices := make([]models.NoticeChoice, len(req.Preferences))
	for i, p := range req.Preferences {
		if p.Email == nil || p.Webhook == nil {
			h.fail(c, models.Invalid("preferences", "每种通知都要给出 email 和 webhook（true 或 false）"))
			return
		}
		choices[i] = models.NoticeChoice{Kind: p.Kind, Email: *p.Email, Webhook: *p.Webhook}
	}
	if err := h.store.SetNoticeChoices(c.Request.Context(), currentUser(c), choices); err != nil {
		h.fail(c, err)
		return
	}
	h.apiNotices(c)
}
