package handlers

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
	"zhaocuo/models/circulardoc"
)

// circularStore is what the circular pages need of the store.
type circularStore interface {
	Circulars(ctx context.Context, sc models.Scope) ([]models.CircularRow, error)
	CircularByID(ctx context.Context, sc models.Scope, id int64) (*models.CircularRow, error)
	CreateCircular(ctx context.Context, u *models.User, src models.InspectionSource, req models.CircularRequest) (*models.CircularRecord, error)
	SaveCircularText(ctx context.Context, u *models.User, sc models.Scope, id int64, t models.CircularText) (*models.CircularRecord, error)
	RefreshCircular(ctx context.Context, u *models.User, sc models.Scope, src models.InspectionSource, id int64) (*models.CircularRecord, error)
	PublishCircular(ctx context.Context, u *models.User, sc models.Scope, id int64) (*models.CircularRecord, []models.Event, error)
	CorrectCircular(ctx context.Context, u *models.User, sc models.Scope, id int64) (*models.CircularRecord, error)
	RequirementsTemplateOf(ctx context.Context, regionID int64) (*models.RequirementsTemplate, error)
	SaveRequirementsTemplate(ctx context.Context, u *models.User, regionCode, text string) (*models.RequirementsTemplate, error)
}

// circularHandlers serve the quarterly circulars: supervisors draft, edit, refresh, preview and
// publish their region's; those above see them.
type circularHandlers struct {
	*ui
	store      circularStore
	inspection models.InspectionSource
	clock      models.Clock
	events     models.Dispatcher
}

type circularsPage struct {
	Rows     []models.CircularRow
	CanIssue bool
	Form     map[string]string
	Errors   map[string]string
	// The 下步要求 template of the user's region, and the form to edit it (as posted, after an error).
	Template       *models.RequirementsTemplate
	TemplateForm   map[string]string
	TemplateErrors map[string]string
	IsAdmin        bool
}

func (h *circularHandlers) list(c *gin.Context) {
	h.showList(c, http.StatusOK, nil, nil)
}

func (h *circularHandlers) showList(c *gin.Context, code int, errs, form map[string]string) {
	h.showPage(c, code, circularsPage{Errors: errs, Form: form})
}

// showPage renders the circulars page with the list, the drafting form and the template form.
func (h *circularHandlers) showPage(c *gin.Context, code int, p circularsPage) {
	form := p.Form
	rows, err := h.store.Circulars(c.Request.Context(), scopeOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	if form == nil {
		// The quarter just ended is the one usually reported on.
		p, _ := models.ParsePeriod("quarter", "", "", h.clock.Now())
		prev := p.Previous().From.In(models.Shanghai)
		form = map[string]string{"period": strconv.Itoa(prev.Year()) + "Q" + strconv.Itoa((int(prev.Month())+2)/3), "decimals": "2"}
	}
	u := currentUser(c)
	// A supervisor drafts the circulars of their own region (CreateCircular).
	canIssue := u.RegionID != nil && models.MayIssueCircular(u, *u.RegionID)
	p.Rows, p.CanIssue, p.Form, p.IsAdmin = rows, canIssue, form, u.Role == models.RoleAdmin
	if u.RegionID != nil {
		if p.Template, err = h.store.RequirementsTemplateOf(c.Request.Context(), *u.RegionID); err != nil {
			h.fail(c, err)
			return
		}
	}
	if p.TemplateForm == nil && p.Template != nil {
		p.TemplateForm = map[string]string{"requirements": p.Template.Text}
	}
	h.render(c, code, "circulars", page{Title: "检查情况通报", Active: "circulars", Content: p})
}

// saveTemplate is POST /staff/circulars/template: the supervisor's (or, for any region by its
// code, an administrator's) 三、下步要求 template, which new drafts start from.
var errCircularTooLong = &httpError{Status: http.StatusRequestEntityTooLarge, Message: "通报内容过长（每部分不超过 20000 字）"}

// readForm reads the posted form: a body over the limit answers 413, instead of reading as an
// empty form whose save would then fail and lose what was typed.
func (h *circularHandlers) readForm(c *gin.Context) bool {
	if err := c.Request.ParseForm(); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			h.fail(c, errCircularTooLong)
		} else {
			h.fail(c, &httpError{Status: http.StatusBadRequest, Message: "表单无法读取，请重新提交"})
		}
		return false
	}
	return true
}

func (h *circularHandlers) saveTemplate(c *gin.Context) {
	if !h.readForm(c) {
		return
	}
	_, err := h.store.SaveRequirementsTemplate(c.Request.Context(), currentUser(c), c.PostForm("region"), c.PostForm("requirements"))
	if err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		h.showPage(c, status(err), circularsPage{TemplateErrors: fieldErrors(err), TemplateForm: postedForm(c)})
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已保存下步要求模板，新起草的通报将使用它"})
	c.Redirect(http.StatusSeeOther, "/staff/circulars")
}

// circularRequest reads the drafting choices of a form or a JSON body.
func circularRequest(period, decimals, cutoff, deadline, issueDate, docNumber string) (models.CircularRequest, error) {
	req := models.CircularRequest{Period: strings.TrimSpace(period), Cutoff: strings.TrimSpace(cutoff),
		Deadline: strings.TrimSpace(deadline), IssueDate: strings.TrimSpace(issueDate), DocNumber: docNumber}
	if decimals = strings.TrimSpace(decimals); decimals != "" {
		n, err := strconv.Atoi(decimals)
		if err != nil {
			return req, models.Invalid("decimals", "合格率的小数位数应为 0 到 4")
		}
		req.Decimals = &n
	}
	return req, nil
}

func (h *circularHandlers) create(c *gin.Context) {
	req, err := circularRequest(c.PostForm("period"), c.PostForm("decimals"), c.PostForm("cutoff"), c.PostForm("deadline"), c.PostForm("issue_date"), c.PostForm("doc_number"))
	var rec *models.CircularRecord
	if err == nil {
		rec, err = h.store.CreateCircular(c.Request.Context(), currentUser(c), h.inspection, req)
	}
	if err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		h.showList(c, status(err), fieldErrors(err), postedForm(c))
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已根据数据起草通报，请修改后发布"})
	c.Redirect(http.StatusSeeOther, "/staff/circulars/"+strconv.FormatInt(rec.ID, 10))
}

type circularPage struct {
	Row          *models.CircularRow
	Circular     *models.Circular
	Filled       models.CircularText
	Doc          circulardoc.Doc
	Text         models.CircularText // the form: as stored, or as posted when it had errors
	Placeholders []string
	CanEdit      bool
	CanCorrect   bool
	Errors       map[string]string
}

func (h *circularHandlers) show(c *gin.Context) {
	h.showOne(c, http.StatusOK, nil, nil)
}

func (h *circularHandlers) showOne(c *gin.Context, code int, posted *models.CircularText, errs map[string]string) {
	row, circ, err := h.load(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	u := currentUser(c)
	mine := models.MayIssueCircular(u, row.RegionID)
	p := circularPage{Row: row, Circular: circ, Filled: circ.Filled(), Doc: circulardoc.Layout(circ), Text: circ.Text,
		CanEdit: mine && !row.Published(), CanCorrect: mine && row.Published(), Errors: errs}
	if posted != nil {
		p.Text = *posted
	}
	for name := range models.Placeholders {
		p.Placeholders = append(p.Placeholders, name)
	}
	sort.Strings(p.Placeholders)
	h.render(c, code, "circular", page{Title: p.Filled.Title, Active: "circulars", Content: p})
}

func (h *circularHandlers) load(c *gin.Context) (*models.CircularRow, *models.Circular, error) {
	id, err := models.ParseCircularID(c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	row, err := h.store.CircularByID(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		return nil, nil, err
	}
	circ, err := row.Circular()
	if err != nil {
		return nil, nil, err
	}
	return row, circ, nil
}

func textFromForm(c *gin.Context) models.CircularText {
	return models.CircularText{Title: c.PostForm("title"), DocNumber: c.PostForm("doc_number"), Issuer: c.PostForm("issuer"),
		Recipients: c.PostForm("recipients"), Intro: c.PostForm("intro"), Overview: c.PostForm("overview"), Problems: c.PostForm("problems"),
		Requirements: c.PostForm("requirements"), Closing: c.PostForm("closing"), IssueDate: c.PostForm("issue_date"),
		CC: c.PostForm("cc"), PrintOffice: c.PostForm("print_office"), PrintDate: c.PostForm("print_date"), NoDocNumber: c.PostForm("no_doc_number") == "1"}
}

func (h *circularHandlers) save(c *gin.Context) {
	if !h.readForm(c) {
		return
	}
	id, err := models.ParseCircularID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	t := textFromForm(c)
	if _, err := h.store.SaveCircularText(c.Request.Context(), currentUser(c), scopeOf(c), id, t); err != nil {
		if models.ErrorKind(err) == models.KindInvalid {
			h.showOne(c, http.StatusBadRequest, &t, fieldErrors(err))
			return
		}
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已保存"})
	c.Redirect(http.StatusSeeOther, "/staff/circulars/"+c.Param("id"))
}

// act runs refresh, publish or correct and goes back to the circular (the new version, for a
// correction).
func (h *circularHandlers) act(c *gin.Context) {
	id, err := models.ParseCircularID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	rec, msg, err := h.run(c, id, c.Param("action"))
	if models.ErrorKind(err) == models.KindInvalid {
		// Publishing refused (an empty 文号, say): the circular again, with the reason at its field.
		h.showOne(c, http.StatusBadRequest, nil, fieldErrors(err))
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: msg})
	c.Redirect(http.StatusSeeOther, "/staff/circulars/"+strconv.FormatInt(rec.ID, 10))
}

func (h *circularHandlers) run(c *gin.Context, id int64, action string) (*models.CircularRecord, string, error) {
	ctx, u, sc := c.Request.Context(), currentUser(c), scopeOf(c)
	switch action {
	case "refresh":
		rec, err := h.store.RefreshCircular(ctx, u, sc, h.inspection, id)
		return rec, "已按最新数据更新通报中的数字", err
	case "publish":
		rec, events, err := h.store.PublishCircular(ctx, u, sc, id)
		if err == nil {
			h.events.Dispatch(ctx, events...) // the 整改通知's e-mails and webhook posts
		}
		return rec, "通报已发布，内容已固定", err
	case "correct":
		rec, err := h.store.CorrectCircular(ctx, u, sc, id)
		return rec, "已建立更正稿，请修改后重新发布", err
	}
	return nil, "", models.NotFound("不支持该操作")
}

// document writes the circular as a 公文: HTML to preview and print, DOCX or XLSX to download.
func (h *circularHandlers) document(c *gin.Context) {
	id, err := models.ParseCircularID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	row, err := h.store.CircularByID(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	circularDocument(h.ui, c, row)
}

// circularDocument writes a circular as a 公文 (format=html, docx or xlsx): to the supervisors
// from the circulars, and to a unit it named from its rectification item.
func circularDocument(u *ui, c *gin.Context, row *models.CircularRow) {
	circ, err := row.Circular()
	if err != nil {
		u.fail(c, err)
		return
	}
	doc := circulardoc.Layout(circ)
	var buf bytes.Buffer
	name := circ.Figures.RegionName + circ.Figures.PeriodLabel + "检查情况通报"
	if row.Version > 1 {
		name += "（第" + strconv.Itoa(row.Version) + "版）"
	}
	var ctype, ext string
	switch c.DefaultQuery("format", "html") {
	case "html":
		err, ctype = circulardoc.WriteHTML(&buf, doc), "text/html; charset=utf-8"
	case "docx":
		err, ctype, ext = circulardoc.WriteDOCX(&buf, doc), docxType, ".docx"
	case "xlsx":
		err, ctype, ext = circulardoc.WriteXLSX(&buf, doc, circ.Figures.PeriodLabel, circ.Figures.RefreshedAt), xlsxType, ".xlsx"
		name += "附件"
	default:
		u.fail(c, models.Invalid("format", "格式应为 html、docx 或 xlsx"))
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	sendWritten(c, "circular", name, ext, ctype, buf.Bytes())
}

// sendWritten sends a document the app wrote (a circular, an annual report): with no extension
// the HTML to read and print, under the documents' own CSP; else a download, named stem+ext for
// browsers that read only filename and name+ext for those that read filename*. No cache keeps it.
func sendWritten(c *gin.Context, stem, name, ext, ctype string, body []byte) {
	if ext == "" {
		c.Header("Content-Security-Policy", circulardoc.ContentSecurityPolicy)
		c.Header("X-Frame-Options", "SAMEORIGIN")
	} else {
		c.Header("Content-Disposition", "attachment; filename=\""+stem+ext+"\"; filename*=UTF-8''"+url.PathEscape(name+ext))
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, ctype, body)
}

func postedForm(c *gin.Context) map[string]string {
	form := map[string]string{}
	for k, v := range c.Request.PostForm {
		if len(v) > 0 {
			form[k] = v[0]
		}
	}
	return form
}
