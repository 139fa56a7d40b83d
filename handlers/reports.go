package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// reportStore is what the citizens' side needs of the database.
type reportStore interface {
	captchaStore
	Categories(ctx context.Context) ([]models.Category, error)
	CheckReport(ctx context.Context, r *models.Report) error
	SubmitReport(ctx context.Context, r models.Report) (*models.Submission, error)
	FindReport(ctx context.Context, ticketNo, code string) (*models.ReportStatus, error)
}

type reportHandlers struct {
	*ui
	store    reportStore
	limits   *limiter
	captchas *captchas
}

// reportForm is the form as the citizen filled it in, to show it again after an error.
type reportForm struct {
	PageURL, Category, Description, ContactPhone, ContactEmail string
	// HadScreenshot says a file came with a refused form: a browser never fills a file input
	// again, so the page asks for it once more.
	HadScreenshot bool
}

type reportFormPage struct {
	Form       reportForm
	Errors     map[string]string // field → message; "form" for the form as a whole
	Categories []models.Category
	Captcha    *captcha
}

// form shows the report form. A link may prefill the page URL (?url=...), as the 找错 badge on a
// government page does.
func (h *reportHandlers) form(c *gin.Context) {
	h.showForm(c, http.StatusOK, reportForm{PageURL: c.Query("url")}, nil)
}

func (h *reportHandlers) showForm(c *gin.Context, status int, form reportForm, errs map[string]string) {
	ctx := c.Request.Context()
	cats, err := h.store.Categories(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	cap, err := h.captchas.issue(ctx, c.ClientIP())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, status, "report", page{Title: "我要找错", Active: "report",
		Content: reportFormPage{Form: form, Errors: errs, Categories: cats, Captcha: cap}})
}

// submitForm takes the form. On any problem the form comes back with what was typed, a summary
// of what is wrong at its top and each message beside its field; on success the citizen is
// redirected to the ticket number and code.
func (h *reportHandlers) submitForm(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "report", c.ClientIP(), 1); err != nil {
		h.fail(c, err)
		return
	}
	if err := c.Request.ParseMultipartForm(maxMultipartMemory); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			h.fail(c, errBodyTooLarge)
			return
		}
		h.fail(c, errMalformedForm)
		return
	}
	form := reportForm{
		PageURL: c.PostForm("page_url"), Category: c.PostForm("category"), Description: c.PostForm("description"),
		ContactPhone: c.PostForm("contact_phone"), ContactEmail: c.PostForm("contact_email"),
		HadScreenshot: c.Request.MultipartForm != nil && len(c.Request.MultipartForm.File["screenshot"]) > 0,
	}
	sub, err := h.submit(ctx, c, form, c.PostForm("captcha_id"), c.PostForm("captcha_answer"))
	if err != nil {
		if status(err) >= 500 || status(err) == http.StatusTooManyRequests {
			h.fail(c, err)
			return
		}
		// The model names every field's problem; the captcha is asked only of a form without any,
		// so an empty answer is named here, to spare one more round.
		errs := fieldErrors(err)
		if _, named := errs["captcha_answer"]; !named && h.captchas.on && strings.TrimSpace(c.PostForm("captcha_answer")) == "" {
			errs["captcha_answer"] = "请输入验证码"
		}
		h.showForm(c, status(err), form, errs)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "提交成功", Data: map[string]string{"ticket_no": sub.Ticket.TicketNo, "code": sub.QueryCode}})
	c.Redirect(http.StatusSeeOther, "/report/done")
}

// submit is the one way in for a report, from the form and from the API: check, captcha, store.
func (h *reportHandlers) submit(ctx context.Context, c *gin.Context, f reportForm, captchaID, captchaAnswer string) (*models.Submission, error) {
	r := models.Report{PageURL: f.PageURL, Category: f.Category, Description: f.Description,
		ContactPhone: f.ContactPhone, ContactEmail: f.ContactEmail, ClientIP: c.ClientIP()}
	if fh, err := c.FormFile("screenshot"); err == nil {
		if r.Screenshot, err = readScreenshot(fh); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		return nil, models.Invalid("screenshot", "截图无法读取")
	}
	// Cheap checks first, so a mistyped form does not use up its captcha.
	if err := h.store.CheckReport(ctx, &r); err != nil {
		return nil, err
	}
	if err := h.captchas.check(ctx, captchaID, captchaAnswer); err != nil {
		return nil, err
	}
	// Once it returns, the ticket is committed; the store's report writer dispatches its
	// TicketCreated with its group (its reminders, the confirmation e-mail).
	return h.store.SubmitReport(ctx, r)
}

type reportDonePage struct {
	*models.ReportStatus
	QueryCode string
	EmailSent bool
}

// done shows the ticket number and query code once, right after submitting.
func (h *reportHandlers) done(c *gin.Context) {
	f := h.takeFlash(c)
	if f == nil || f.Data["ticket_no"] == "" {
		c.Redirect(http.StatusSeeOther, "/query")
		return
	}
	r, err := h.store.FindReport(c.Request.Context(), f.Data["ticket_no"], f.Data["code"])
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "report_done", page{Title: "提交成功", Active: "report", Flash: &flash{},
		Content: reportDonePage{ReportStatus: r, QueryCode: f.Data["code"]}})
}

type queryPage struct {
	TicketNo, Code string
	Error          string
	Report         *models.ReportStatus
}

// query looks a ticket up by number and code.
func (h *reportHandlers) query(c *gin.Context) {
	p := queryPage{TicketNo: c.Query("ticket_no"), Code: c.Query("code")}
	status := http.StatusOK
	if p.TicketNo != "" && p.Code != "" {
		ctx := c.Request.Context()
		if err := h.limits.allow(ctx, "query", c.ClientIP(), 30); err != nil {
			h.fail(c, err)
			return
		}
		r, err := h.store.FindReport(ctx, p.TicketNo, p.Code)
		switch {
		case err == nil:
			p.Report = r
		case models.ErrorKind(err) == models.KindNotFound:
			p.Error, status = models.ErrorMessage(err), http.StatusNotFound
		default:
			h.fail(c, err)
			return
		}
	}
	h.render(c, status, "query", page{Title: "查询进度", Active: "query", Content: p})
}

// apiReport is a report as the JSON API shows it.
type apiReport struct {
	TicketNo          string     `json:"ticket_no"`
	QueryCode         string     `json:"query_code,omitempty"`
	Status            string     `json:"status"`
	StatusLabel       string     `json:"status_label"`
	Unit              *string    `json:"unit"`
	Deadline          *time.Time `json:"deadline"`
	DeadlineEstimated bool       `json:"deadline_estimated"`
	Category          string     `json:"category,omitempty"`
	PageURL           string     `json:"page_url,omitempty"`
	Description       string     `json:"description,omitempty"`
	ReceivedAt        *time.Time `json:"received_at,omitempty"`
	ClosedAt          *time.Time `json:"closed_at,omitempty"`
	StatusExplain     string     `json:"status_explain,omitempty"` // what the status means, in plain words
	Reply             *string    `json:"reply,omitempty"`          // the reply in full: the reporter holds the code
	ClosingNote       *string    `json:"closing_note,omitempty"`   // why it was closed as invalid
	Rating            string     `json:"rating,omitempty"`
	CanFollowUp       bool       `json:"can_follow_up,omitempty"` // rated 不满意 and no follow-up asked yet
	History           []apiStep  `json:"history,omitempty"`
}

// apiStep is a step of the history the reporter sees.
type apiStep struct {
	At       time.Time  `json:"at"`
	Kind     string     `json:"kind"`
	Label    string     `json:"label"`
	Unit     string     `json:"unit,omitempty"`
	Deadline *time.Time `json:"deadline,omitempty"`
	Reason   string     `json:"reason,omitempty"`
}

// shanghai shows a time in Asia/Shanghai, so RFC 3339 output reads +08:00.
func shanghai(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.In(models.Shanghai)
	return &v
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
