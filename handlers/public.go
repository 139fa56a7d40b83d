package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

type publicStore interface {
	PublicReplies(ctx context.Context, q string, page, perPage int) ([]models.PublicReply, int64, error)
	RateReport(ctx context.Context, ticketNo, code string, r models.CitizenRating) ([]models.Event, error)
	FollowUpReport(ctx context.Context, ticketNo, code, text string) ([]models.Event, error)
	ReportScreenshot(ctx context.Context, ticketNo, code string) (*models.Attachment, error)
}

type publicHandlers struct {
	*ui
	store  publicStore
	limits *limiter
	events models.Dispatcher
}

type repliesPage struct {
	Replies     []models.PublicReply
	Total       int64
	Q           string
	Page, Pages int
	Prev, Next  string
}

// replies is 留言选登: the replies reviewers chose to publish, newest first, with search. The
// search reads only the published text; every view counts against the client's limit, like a
// status query, so neither it nor the pages can be mined at a script's pace.
func (h *publicHandlers) replies(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "replies", c.ClientIP(), 30); err != nil {
		h.fail(c, err)
		return
	}
	n, _ := strconv.Atoi(c.Query("page"))
	if n < 1 {
		n = 1
	}
	const perPage = 10
	q := c.Query("q")
	rows, total, err := h.store.PublicReplies(ctx, q, n, perPage)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := repliesPage{Replies: rows, Total: total, Q: q, Page: n, Pages: int((total + perPage - 1) / perPage)}
	link := func(n int) string { return "/replies?" + url.Values{"q": {q}, "page": {strconv.Itoa(n)}}.Encode() }
	if n > 1 {
		p.Prev = link(n - 1)
	}
	if n < p.Pages {
		p.Next = link(n + 1)
	}
	h.render(c, http.StatusOK, "replies", page{Title: "留言选登", Active: "replies", Content: p})
}

// rate takes the citizen's rating from the query page, with the reasons of a 不满意, then shows
// the page again.
func (h *publicHandlers) rate(c *gin.Context) {
	r := models.CitizenRating{Rating: c.PostForm("rating"), Reasons: c.PostFormArray("reasons"), Note: c.PostForm("note")}
	h.citizenPost(c, "感谢您的评价", func(ctx context.Context, no, code string) ([]models.Event, error) {
		return h.store.RateReport(ctx, no, code, r)
	})
}

// followUp takes the reporter's one follow-up question (追问) after a 不满意 rating.
func (h *publicHandlers) followUp(c *gin.Context) {
	text := c.PostForm("text")
	h.citizenPost(c, "您的追问已转给办理单位", func(ctx context.Context, no, code string) ([]models.Event, error) {
		return h.store.FollowUpReport(ctx, no, code, text)
	})
}

// citizenPost is a form the reporter sends from their ticket's page with its number and code:
// counted against the client's query limit, dispatched, and the page shown again with the
// outcome (a refusal as a flash, the page keeps nothing else of the reporter's).
func (h *publicHandlers) citizenPost(c *gin.Context, done string, write func(ctx context.Context, no, code string) ([]models.Event, error)) {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "query", c.ClientIP(), 30); err != nil {
		h.fail(c, err)
		return
	}
	no, code := c.PostForm("ticket_no"), c.PostForm("code")
	events, err := write(ctx, no, code)
	if err != nil {
		if s := status(err); s == http.StatusConflict || s == http.StatusBadRequest {
			// The number and code matched (a refusal comes after the ticket is found): the page
			// shows it again with the reason.
			h.backToTicket(c, no, code, flash{Kind: "error", Message: message(err)})
			return
		}
		h.fail(c, err)
		return
	}
	h.events.Dispatch(ctx, events...)
	h.backToTicket(c, no, code, flash{Kind: "ok", Message: done})
}

// backToTicket sends the reporter back to their ticket's page with a flash, the ticket kept in
// queryCookie (renewed, or set again if it lapsed while they wrote).
func (h *publicHandlers) backToTicket(c *gin.Context, no, code string, f flash) {
	h.setTicketCookie(c, queryCookie, receipt{TicketNo: no, Code: code})
	h.setFlash(c, f)
	c.Redirect(http.StatusSeeOther, queryCookie.path+"#reply")
}

// screenshot serves the reporter the screenshot they attached, to the browser that holds the
// ticket's number and query code (queryCookie), as the staff's copy is served: its checked image type, not sniffed,
// sandboxed, and kept out of shared caches.
func (h *publicHandlers) screenshot(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "query", c.ClientIP(), 30); err != nil {
		h.fail(c, err)
		return
	}
	k := h.takeTicketCookie(c, queryCookie)
	if k == nil {
		h.fail(c, models.NotFound("截图不可用"))
		return
	}
	a, err := h.store.ReportScreenshot(ctx, k.TicketNo, k.Code)
	if err != nil {
		h.fail(c, err)
		return
	}
	if _, ok := screenshotTypes[a.ContentType]; !ok {
		h.fail(c, models.NotFound("截图不可用"))
		return
	}
	c.Header("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", `inline; filename="screenshot"`)
	c.Data(http.StatusOK, a.ContentType, a.Data)
}

// apiRate: POST /api/v1/reports/{ticket_no}/rating {"code", "rating", "reasons", "note"}.
func (h *publicHandlers) apiRate(c *gin.Context) {
	var req struct {
		Code    string   `json:"code"`
		Rating  string   `json:"rating"`
		Reasons []string `json:"reasons"`
		Note    string   `json:"note"`
	}
	r := func(ctx context.Context) ([]models.Event, error) {
		return h.store.RateReport(ctx, c.Param("ticket_no"), req.Code, models.CitizenRating{Rating: req.Rating, Reasons: req.Reasons, Note: req.Note})
	}
	if h.apiCitizenPost(c, &req, r) {
		c.JSON(http.StatusOK, gin.H{"rating": req.Rating, "rating_label": models.RatingLabel(req.Rating)})
	}
}

// apiFollowUp: POST /api/v1/reports/{ticket_no}/follow-up {"code", "text"}.
func (h *publicHandlers) apiFollowUp(c *gin.Context) {
	var req struct {
		Code string `json:"code"`
		Text string `json:"text"`
	}
	r := func(ctx context.Context) ([]models.Event, error) {
		return h.store.FollowUpReport(ctx, c.Param("ticket_no"), req.Code, req.Text)
	}
	if h.apiCitizenPost(c, &req, r) {
		c.JSON(http.StatusOK, gin.H{"followed_up": true})
	}
}

// apiCitizenPost is citizenPost for the JSON API: it reports whether the write was done (when
// not, the error is answered).
func (h *publicHandlers) apiCitizenPost(c *gin.Context, req any, write func(ctx context.Context) ([]models.Event, error)) bool {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "query", c.ClientIP(), 30); err != nil {
		h.fail(c, err)
		return false
	}
	if err := decodeJSON(c, req); err != nil {
		h.fail(c, err)
		return false
	}
	events, err := write(ctx)
	if err != nil {
		h.fail(c, err)
		return false
	}
	h.events.Dispatch(ctx, events...)
	return true
}
