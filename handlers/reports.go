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
	EntrySite(ctx context.Context, code string) (*models.EntrySite, error)
	Route(ctx context.Context, page models.PageURL) (*models.RouteMatch, error)
	Government(ctx context.Context, page models.PageURL) (bool, error)
	FollowableReports(ctx context.Context, pageURL, category string) ([]models.FollowableReport, error)
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
	SiteCode                                                   string // the 网站标识码 of the entry link the citizen came by
	Follow                                                     string // the open report of the same problem the citizen follows (models.Report.Follow)
	// HadScreenshot says a file came with a refused form: a browser never fills a file input
	// again, so the page asks for it once more.
	HadScreenshot bool
}

type reportFormPage struct {
	Form       reportForm
	Errors     map[string]string // field → message; "form" for the form as a whole
	Categories []models.Category
	Captcha    *captcha
	Site       *models.EntrySite // the site the entry link named
	Check      pageCheck
}

// form shows the report form. The 找错 entry link on a government page prefills it, by the national
// convention ?url=<the page>&site_code=<网站标识码>. Both are anyone's input: an address that is
// no page's, or a code no running site has, is dropped, not refused.
func (h *reportHandlers) form(c *gin.Context) {
	f := reportForm{SiteCode: c.Query("site_code")}
	if page, err := models.ParsePageURL(c.Query("url")); err == nil {
		f.PageURL = page.Raw
	}
	h.showForm(c, http.StatusOK, f, nil)
}

func (h *reportHandlers) showForm(c *gin.Context, status int, form reportForm, errs map[string]string) {
	ctx := c.Request.Context()
	cats, err := h.store.Categories(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	site, err := h.entrySite(ctx, &form)
	if err != nil {
		h.fail(c, err)
		return
	}
	check, err := h.checkPage(ctx, form.PageURL, form.Category)
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
		Content: reportFormPage{Form: form, Errors: errs, Categories: cats, Captcha: cap, Site: site, Check: check}})
}

// entrySite is the website form.SiteCode names, when the form's page is on it (or the form has
// no page yet: then the site's home page is the page). A code that names no site, or another
// site than the page's, is dropped: routing goes by the page, and the form must not say otherwise.
func (h *reportHandlers) entrySite(ctx context.Context, form *reportForm) (*models.EntrySite, error) {
	site, err := h.store.EntrySite(ctx, form.SiteCode)
	if err != nil || site == nil {
		form.SiteCode = ""
		return nil, err
	}
	if form.PageURL == "" {
		form.PageURL = site.HomeURL
	}
	if page, err := models.ParsePageURL(form.PageURL); err == nil {
		route, err := h.store.Route(ctx, page)
		if err != nil {
			return nil, err
		}
		if route == nil || route.WebsiteID != site.ID {
			form.SiteCode = ""
			return nil, nil
		}
	}
	return site, nil
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
		SiteCode: c.PostForm("site_code"), Follow: c.PostForm("follow"),
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
	h.setTicketCookie(c, receiptCookie, receipt{TicketNo: sub.Ticket.TicketNo, Code: sub.QueryCode, Emailed: len(sub.Deliveries) > 0})
	c.Redirect(http.StatusSeeOther, receiptCookie.path)
}

// submit is the one way in for a report, from the form and from the API: check, captcha, store.
func (h *reportHandlers) submit(ctx context.Context, c *gin.Context, f reportForm, captchaID, captchaAnswer string) (*models.Submission, error) {
	r := models.Report{PageURL: f.PageURL, Category: f.Category, Description: f.Description,
		ContactPhone: f.ContactPhone, ContactEmail: f.ContactEmail, ClientIP: c.ClientIP(), Follow: f.Follow}
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
	KeptHours int  // how long this browser shows the page again
	OffGov    bool // the page is not on a government website (taken, with a warning)
}

// done shows the ticket number and query code of the report this browser just submitted, for
// as long as its receipt lasts; without one, the citizen is sent to the query form.
func (h *reportHandlers) done(c *gin.Context) {
	rc := h.takeTicketCookie(c, receiptCookie)
	if rc == nil {
		c.Redirect(http.StatusSeeOther, "/query")
		return
	}
	ctx := c.Request.Context()
	r, err := h.store.FindReport(ctx, rc.TicketNo, rc.Code)
	if err != nil {
		h.fail(c, err)
		return
	}
	check, err := h.checkPage(ctx, r.PageURL, "")
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "report_done", page{Title: "提交成功", Active: "report",
		Content: reportDonePage{ReportStatus: r, QueryCode: rc.Code, EmailSent: rc.Emailed, KeptHours: int(receiptCookie.ttl / time.Hour),
			OffGov: check.Checked && !check.Government}})
}

type queryPage struct {
	TicketNo string
	Code     string // the shown ticket's code, for its rating and follow-up forms (never the lookup form's)
	Error    string
	Report   *models.ReportStatus
}

// query shows the ticket this browser looked up (queryCookie), or the form to look one up, the
// number filled in when the address gives it (the confirmation e-mail's link). An address that
// also carries the code, as a bookmark or an old link may, is looked up like the form and moved
// to the cookie: the page's address then holds nothing secret.
func (h *reportHandlers) query(c *gin.Context) {
	if no, code := c.Query("ticket_no"), c.Query("code"); no != "" && code != "" {
		h.lookUp(c, no, code)
		return
	}
	p := queryPage{TicketNo: c.Query("ticket_no")}
	if k := h.takeTicketCookie(c, queryCookie); k != nil {
		ctx := c.Request.Context()
		r, err := h.store.FindReport(ctx, k.TicketNo, k.Code)
		switch {
		case err == nil:
			p.TicketNo, p.Code, p.Report = r.TicketNo, k.Code, r
			h.setTicketCookie(c, queryCookie, *k) // kept while the citizen reads on
		case models.ErrorKind(err) == models.KindNotFound:
			h.clearTicketCookie(c, queryCookie)
		default:
			h.fail(c, err)
			return
		}
	}
	h.render(c, http.StatusOK, "query", page{Title: "查询进度", Active: "query", Content: p})
}

// queryPost looks a ticket up by the number and code the form sends.
func (h *reportHandlers) queryPost(c *gin.Context) {
	h.lookUp(c, strings.TrimSpace(c.PostForm("ticket_no")), strings.TrimSpace(c.PostForm("code")))
}

// lookUp checks a number and code against the client's query limit and the ticket: a match is
// kept in queryCookie and the citizen sent to read it; a miss shows the form again with the
// number and the reason (never the code).
func (h *reportHandlers) lookUp(c *gin.Context, no, code string) {
	ctx := c.Request.Context()
	if no == "" || code == "" {
		h.render(c, http.StatusBadRequest, "query", page{Title: "查询进度", Active: "query",
			Content: queryPage{TicketNo: no, Error: "请填写留言编号和查询码"}})
		return
	}
	if err := h.limits.allow(ctx, "query", c.ClientIP(), 30); err != nil {
		h.fail(c, err)
		return
	}
	r, err := h.store.FindReport(ctx, no, code)
	switch {
	case err == nil:
		h.setTicketCookie(c, queryCookie, receipt{TicketNo: r.TicketNo, Code: code})
		c.Redirect(http.StatusSeeOther, queryCookie.path+"#report")
	case models.ErrorKind(err) == models.KindNotFound:
		h.clearTicketCookie(c, queryCookie)
		h.render(c, http.StatusNotFound, "query", page{Title: "查询进度", Active: "query",
			Content: queryPage{TicketNo: no, Error: models.ErrorMessage(err)}})
	default:
		h.fail(c, err)
	}
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
