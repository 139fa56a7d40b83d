package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"

	"zhaocuo/models"
)

type ticketPage struct {
	*models.TicketDetail
	Countdown  models.Countdown // the deadline as it stands now (models.Ticket.Countdown)
	Counting   string           // how the deadline was counted (models.Ticket.DeadlineCounting)
	Role       string
	Actions    models.Offer               // what this person may do to the ticket now (models.Ticket.Offered)
	Text       map[string]models.TextRule // each action's text, for its field's limits (models.ActionText)
	Public     bool                       // the approve form's box starts so (models.Ticket.PublicByDefault)
	Settings   models.Settings
	RequestKey string
	Errors     map[string]string
	Form       map[string]string
	Draft      replyDraft           // what the reply form starts with
	Canned     []models.CannedReply // the unit's 常用语, offered beside the reply form
}

// replyDraft is what the reply form starts with: what was typed, when a reply was refused; else
// the reply the reviewer sent back with its 属实, for the clerk to rework rather than type again;
// else nothing, and no choice of 属实 made for the clerk. Confirmed is the form's value: "1", "0"
// or "" (not chosen).
type replyDraft struct{ Text, Confirmed string }

func draftOf(t *models.Ticket, form map[string]string) replyDraft {
	switch {
	case form["action"] == models.ActReply:
		return replyDraft{form["text"], form["confirmed"]}
	case t.ReplyRejected && t.Reply != nil:
		d := replyDraft{Text: *t.Reply, Confirmed: "0"}
		if t.ReplyConfirmed {
			d.Confirmed = "1"
		}
		return d
	}
	return replyDraft{}
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
	cal, err := h.store.Calendar(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.clock.Now()
	p := ticketPage{TicketDetail: d, Countdown: d.Ticket.Countdown(now, cal), Counting: d.Ticket.DeadlineCounting(cal), Role: u.Role, Text: map[string]models.TextRule{},
		Public: d.Ticket.PublicByDefault(), RequestKey: newRequestKey(), Errors: errs, Form: form, Draft: draftOf(&d.Ticket, form)}
	if p.Settings, err = h.store.Settings(ctx); err != nil {
		h.fail(c, err)
		return
	}
	// The forms shown are the actions the ticket's own rules allow this person now.
	p.Actions = d.Ticket.Offered(u.Role, now, p.Settings)
	for _, kind := range p.Actions {
		p.Text[kind] = models.ActionText(kind)
	}
	if p.Actions.Has(models.ActReply) {
		if p.Canned, err = h.store.CannedReplies(ctx, *d.UnitID); err != nil { // a ticket one may reply to has its unit
			h.fail(c, err)
			return
		}
	}
	h.render(c, status, "ticket", page{Title: "留言 " + d.TicketNo, Active: "tickets", Content: p})
}

// printSheet is a ticket's 办理单: what the ticket's page shows of it, on one A4 sheet.
func (h *staffHandlers) printSheet(c *gin.Context) {
	d, err := h.store.TicketDetail(c.Request.Context(), scopeOf(c), c.Param("ticket_no"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "ticket_print", page{Title: "留言办理单 " + d.TicketNo, Active: "tickets",
		Content: ticketSheet{TicketDetail: d, Printed: h.clock.Now()}})
}

type ticketSheet struct {
	*models.TicketDetail
	Printed time.Time
}

// actionFromForm reads an action from a posted form: the body's fields (URL-encoded or
// multipart; never the query string's), bound to the request type the API reads from JSON.
func actionFromForm(c *gin.Context, kind string) (models.Action, error) {
	var req models.ActionRequest
	b := binding.FormPost
	if c.ContentType() == binding.MIMEMultipartPOSTForm {
		b = binding.FormMultipart
	}
	if err := c.ShouldBindWith(&req, b); err != nil {
		var mb *http.MaxBytesError
		if models.ErrorKind(err) != models.KindInternal || errors.As(err, &mb) {
			return models.Action{}, err
		}
		return models.Action{}, errMalformedForm
	}
	return req.Action(kind)
}

// act does what a form on the ticket's page asks, then shows the page again (303). A refused
// action shows the page with the message and what was typed.
func (h *staffHandlers) act(c *gin.Context) {
	kind := c.Param("action")
	if !models.IsAction(kind) {
		h.fail(c, models.NotFound("未知的操作"))
		return
	}
	unit := c.PostForm("unit_id") // as typed, before the picker's name becomes an id
	err := h.pickedUnit(c, kind)
	var a models.Action
	if err == nil {
		a, err = actionFromForm(c, kind)
	}
	var r *models.Acted
	if err == nil {
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
		form := map[string]string{"action": kind, "text": c.PostForm("text"), "days": c.PostForm("days"), "primary": c.PostForm("primary"),
			"confirmed": c.PostForm("confirmed"), "unit": unit}
		h.showDetail(c, status(err), map[string]string{key: message(err), "action": kind}, form)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: r.Done(kind)})
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

// pickedUnit reads the 分办 picker (an assignment's, or that of a return approved and given on at
// once): the unit's name as typed or chosen (the picker's script fills it in; without the script
// the exact name still finds it), in the supervisor's scope, put back as the unit's id the action
// reads. An id, as the API sends it, is left as it is.
func (h *staffHandlers) pickedUnit(c *gin.Context, kind string) error {
	name := strings.TrimSpace(c.PostForm("unit_id"))
	if kind != models.ActAssign && kind != models.ActDecide || name == "" || strings.Trim(name, "0123456789") == "" {
		return nil
	}
	id, err := h.store.UnitIDByName(c.Request.Context(), scopeOf(c), "unit", name)
	if err != nil {
		return err
	}
	v := strconv.FormatInt(id, 10)
	c.Request.PostForm.Set("unit_id", v)
	if mf := c.Request.MultipartForm; mf != nil {
		mf.Value["unit_id"] = []string{v}
	}
	return nil
}
