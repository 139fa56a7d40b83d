package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

type ticketPage struct {
	*models.TicketDetail
	Item       ticketItem
	Role       string
	Actions    map[string]bool // what this person may do to the ticket now (models.Ticket.Offers)
	Units      []models.UnitOption
	Settings   models.Settings
	RequestKey string
	Errors     map[string]string
	Form       map[string]string
}

func (h *staffHandlers) detail(c *gin.Context) {
	h.showDetail(c, http.StatusOK, nil, nil)
}

// showDetail renders a ticket's page; after a refused action, with the message and what was typed.
func (h *staffHandlers) showDetail(c *gin.Context, status int, errs map[string]string, form map[string]string) {
	ctx, sc, u := c.Request.Context(), scopeOf(c), currentUser(c)
	d, err := h.store.TicketDetail(ctx, sc, c.Param("ticket_no"))
	if err != nil {
		h.fail(c, err)
		return
	}
	items, err := h.items(ctx, []models.TicketRow{{Status: d.Status, Deadline: d.Deadline, TriageDeadline: d.TriageDeadline}})
	if err != nil {
		h.fail(c, err)
		return
	}
	p := ticketPage{TicketDetail: d, Item: items[0], Role: u.Role, RequestKey: newRequestKey(), Errors: errs, Form: form}
	if p.Settings, err = h.store.Settings(ctx); err != nil {
		h.fail(c, err)
		return
	}
	// The forms shown are the actions the ticket's own rules allow this person now.
	p.Actions = d.Ticket.Offers(u, h.clock.Now(), p.Settings)
	if p.Actions[models.ActAssign] {
		if p.Units, err = h.store.Units(ctx, sc); err != nil {
			h.fail(c, err)
			return
		}
	}
	h.render(c, status, "ticket", page{Title: "留言 " + d.TicketNo, Active: "tickets", Content: p})
}

// actionDone says, after the redirect, what just happened.
var actionDone = map[string]string{
	models.ActAccept: "已签收", models.ActReply: "答复已提交审核", models.ActReturn: "退回申请已提交，等待主管单位审核",
	models.ActExtension: "延期申请已提交，等待主管单位审核", models.ActLink: "已合并为重复留言",
	models.ActApprove: "审核通过，答复已公开，留言已办结", models.ActReject: "答复已退回修改",
	models.ActAssign: "已分办", models.ActInvalidate: "已作无效处理", models.ActDecide: "已处理申请",
	models.ActUrge: "已催办", models.ActReopen: "已重新交办", models.ActUnlink: "已取消合并，单独办理",
}

// actionFromForm reads an action from a posted form (the API reads the same from JSON).
func actionFromForm(c *gin.Context, kind string) (models.Action, error) {
	a := models.Action{Kind: kind, Text: c.PostForm("text"), RequestKey: c.PostForm("request_key"),
		Confirmed: c.PostForm("confirmed") == "1", Public: c.PostForm("public") == "1", Approve: c.PostForm("decision") == "approve"}
	if v := c.PostForm("days"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil {
			return a, models.Invalid("days", "延期天数应为整数")
		}
		a.Days = d
	}
	if v := c.PostForm("unit_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return a, models.Invalid("unit", "请选择办理单位")
		}
		a.Unit = &models.Unit{ID: id}
	}
	if kind == models.ActLink {
		a.PrimaryNo = c.PostForm("primary")
	}
	if kind == models.ActDecide && c.PostForm("decision") == "" {
		return a, models.Invalid("decision", "请选择同意或不同意")
	}
	return a, nil
}

// act does what a form on the ticket's page asks, then shows the page again (303). A refused
// action shows the page with the message and what was typed.
func (h *staffHandlers) act(c *gin.Context) {
	kind := c.Param("action")
	if _, ok := actionDone[kind]; !ok {
		h.fail(c, models.NotFound("未知的操作"))
		return
	}
	a, err := actionFromForm(c, kind)
	if err == nil {
		var r *models.Acted
		if r, err = h.store.Perform(c.Request.Context(), currentUser(c), c.Param("ticket_no"), a); err == nil {
			h.events.Dispatch(c.Request.Context(), r.Events...)
		}
	}
	if err != nil {
		if s := status(err); s >= 500 || s == http.StatusNotFound || s == http.StatusForbidden {
			h.fail(c, err)
			return
		}
		key := field(err)
		if key == "" {
			key = "form"
		}
		form := map[string]string{"action": kind, "text": c.PostForm("text"), "days": c.PostForm("days"), "primary": c.PostForm("primary")}
		h.showDetail(c, status(err), map[string]string{key: message(err), "action": kind}, form)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: actionDone[kind]})
	c.Redirect(http.StatusSeeOther, "/staff/tickets/"+strings.ToUpper(c.Param("ticket_no")))
}

// screenshot serves the citizen's screenshot to the staff who may see the ticket. It was
// checked as an image on arrival; it is sent with its image type, not sniffed, and sandboxed.
func (h *staffHandlers) screenshot(c *gin.Context) {
	a, err := h.store.TicketScreenshot(c.Request.Context(), scopeOf(c), c.Param("ticket_no"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if _, ok := screenshotTypes[a.ContentType]; !ok {
		h.fail(c, models.NotFound("截图不可用"))
		return
	}
	c.Header("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Header("Cache-Control", "private, max-age=3600")
	c.Header("Content-Disposition", `inline; filename="screenshot"`)
	c.Data(http.StatusOK, a.ContentType, a.Data)
}
