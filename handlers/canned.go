package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// cannedStore is what the 常用语 page needs of the database.
type cannedStore interface {
	CannedReplies(ctx context.Context, unitID int64) ([]models.CannedReply, error)
	SaveCannedReply(ctx context.Context, actor *models.User, id int64, text string) (*models.CannedReply, error)
	DeleteCannedReply(ctx context.Context, actor *models.User, id int64) error
}

// cannedHandlers keep a unit's 常用语: its clerks add, change and delete them here and insert
// them into a reply on the ticket's page.
type cannedHandlers struct {
	*ui
	store cannedStore
}

type cannedPage struct {
	Items  []models.CannedReply
	Max    int             // how many a unit keeps at most
	Rule   models.TextRule // each one's length
	Errors map[string]string
	Form   map[string]string // what was typed into a refused form, by its key: "new" or the 常用语's id
}

// list shows the unit's 常用语 with a form for each and one to add.
func (h *cannedHandlers) list(c *gin.Context) {
	h.show(c, http.StatusOK, nil, nil)
}

func (h *cannedHandlers) show(c *gin.Context, status int, errs, form map[string]string) {
	items, err := h.store.CannedReplies(c.Request.Context(), scopeOf(c).UnitID) // a clerk's scope is their unit
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, status, "canned", page{Title: "常用语", Active: "tickets",
		Content: cannedPage{Items: items, Max: models.MaxCannedReplies, Rule: models.CannedReplyText, Errors: errs, Form: form}})
}

// save adds a 常用语 (no id) or changes one, then shows the list again (303); a refused text is
// shown again with its message.
func (h *cannedHandlers) save(c *gin.Context) {
	key, id := "new", int64(0)
	if p := c.Param("id"); p != "" {
		var err error
		if id, err = strconv.ParseInt(p, 10, 64); err != nil || id <= 0 {
			h.fail(c, models.NotFound("未找到该常用语"))
			return
		}
		key = p
	}
	text := c.PostForm("text")
	if _, err := h.store.SaveCannedReply(c.Request.Context(), currentUser(c), id, text); err != nil {
		if s := status(err); s >= 500 || s == http.StatusNotFound || s == http.StatusForbidden {
			h.fail(c, err)
			return
		}
		h.show(c, status(err), map[string]string{key: message(err)}, map[string]string{key: text})
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "常用语已保存"})
	c.Redirect(http.StatusSeeOther, "/staff/canned")
}

// remove deletes a 常用语 of the unit.
func (h *cannedHandlers) remove(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(c, models.NotFound("未找到该常用语"))
		return
	}
	if err := h.store.DeleteCannedReply(c.Request.Context(), currentUser(c), id); err != nil {
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "常用语已删除"})
	c.Redirect(http.StatusSeeOther, "/staff/canned")
}
