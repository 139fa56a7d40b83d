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
	RateReport(ctx context.Context, ticketNo, code, rating string) ([]models.Event, error)
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

// rate takes the citizen's rating from the query page, then shows the page again.
func (h *publicHandlers) rate(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "query", c.ClientIP(), 30); err != nil {
		h.fail(c, err)
		return
	}
	no, code := c.PostForm("ticket_no"), c.PostForm("code")
	back := "/query?" + url.Values{"ticket_no": {no}, "code": {code}}.Encode() + "#reply"
	if err := h.rateReport(ctx, no, code, c.PostForm("rating")); err != nil {
		if s := status(err); s == http.StatusConflict || s == http.StatusBadRequest {
			h.setFlash(c, flash{Kind: "error", Message: message(err)})
			c.Redirect(http.StatusSeeOther, back)
			return
		}
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "感谢您的评价"})
	c.Redirect(http.StatusSeeOther, back)
}

// apiRate: POST /api/v1/reports/{ticket_no}/rating {"code", "rating"}.
func (h *publicHandlers) apiRate(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "query", c.ClientIP(), 30); err != nil {
		h.fail(c, err)
		return
	}
	var req struct {
		Code   string `json:"code"`
		Rating string `json:"rating"`
	}
	if err := decodeJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if err := h.rateReport(ctx, c.Param("ticket_no"), req.Code, req.Rating); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"rating": req.Rating, "rating_label": models.RatingLabel(req.Rating)})
}

// rateReport records the rating, for the page and the API, and dispatches what it committed.
func (h *publicHandlers) rateReport(ctx context.Context, ticketNo, code, rating string) error {
	events, err := h.store.RateReport(ctx, ticketNo, code, rating)
	if err != nil {
		return err
	}
	h.events.Dispatch(ctx, events...)
	return nil
}
