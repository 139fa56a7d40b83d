package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// appealStore is what the appeal, exception and precision pages need of the database.
type appealStore interface {
	Appeals(ctx context.Context, sc models.Scope, status string, limit int) ([]models.AppealRow, error)
	Appeal(ctx context.Context, sc models.Scope, id int64) (*models.AppealRow, []models.AppealEvent, error)
	AppealFile(ctx context.Context, sc models.Scope, id int64) (string, string, []byte, error)
	FileAppeal(ctx context.Context, u *models.User, sc models.Scope, findingID int64, reason string, up *models.AppealUpload) (*models.FindingAppeal, []models.Event, error)
	DecideAppeal(ctx context.Context, u *models.User, sc models.Scope, id int64, accept bool, note string, remember bool) (*models.FindingAppeal, []models.Event, error)
	DecideFinding(ctx context.Context, actor *models.User, sc models.Scope, id int64, confirm bool) (*models.Finding, error)
	RememberFinding(ctx context.Context, u *models.User, sc models.Scope, findingID int64, reason string) (*models.FindingException, error)
	SiteExceptions(ctx context.Context, sc models.Scope, websiteID int64) ([]models.ExceptionRow, error)
	RevokeException(ctx context.Context, u *models.User, sc models.Scope, id int64, reason string) (*models.FindingException, error)
	FindingPrecisions(ctx context.Context) ([]models.FindingPrecision, error)
}

// appealHandlers: a unit contests a finding of its site (核减), a supervisor decides; the sites'
// exceptions (findings remembered as false); the inspector's dismissed share per type.
type appealHandlers struct {
	*ui
	store  appealStore
	events models.Dispatcher
}

// file records the unit's appeal, for the page and the API, and dispatches what it committed.
func (h *appealHandlers) file(c *gin.Context, findingID int64, reason string, up *models.AppealUpload) (*models.FindingAppeal, error) {
	ctx := c.Request.Context()
	a, events, err := h.store.FileAppeal(ctx, currentUser(c), scopeOf(c), findingID, reason, up)
	if err != nil {
		return nil, err
	}
	h.events.Dispatch(ctx, events...) // the supervisors' notice; the reconciler's pass otherwise
	return a, nil
}

// decide accepts or refuses an appeal, for the page and the API, and dispatches what it committed.
func (h *appealHandlers) decide(c *gin.Context, id int64, action, note string, remember bool) (*models.FindingAppeal, error) {
	accept, ok := map[string]bool{"accept": true, "refuse": false}[action]
	if !ok {
		return nil, models.NotFound("不支持该操作")
	}
	ctx := c.Request.Context()
	a, events, err := h.store.DecideAppeal(ctx, currentUser(c), scopeOf(c), id, accept, note, remember)
	if err != nil {
		return nil, err
	}
	h.events.Dispatch(ctx, events...)
	return a, nil
}

type appealsPage struct {
	Appeals []models.AppealRow
	Status  string
}

func (h *appealHandlers) list(c *gin.Context) {
	st := c.Query("status")
	if models.AppealStatusLabel(st) == "" {
		st = ""
	}
	rows, err := h.store.Appeals(c.Request.Context(), scopeOf(c), st, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "appeals", page{Title: "核减申请", Active: "inspection", Content: appealsPage{Appeals: rows, Status: st}})
}

type appealPage struct {
	Appeal    *models.AppealRow
	Steps     []models.AppealEvent
	CanDecide bool
	Errors    map[string]string
	Form      map[string]string
}

func (h *appealHandlers) show(c *gin.Context) { h.showOne(c, http.StatusOK, nil, nil) }

func (h *appealHandlers) showOne(c *gin.Context, code int, errs, form map[string]string) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	row, steps, err := h.store.Appeal(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := appealPage{Appeal: row, Steps: steps, Errors: errs, Form: form,
		CanDecide: models.MayDecideAppeals(currentUser(c)) && row.Status == models.AppealFiled}
	h.render(c, code, "appeal", page{Title: "核减申请：" + row.WebsiteName, Active: "inspection", Content: p})
}

// fileForm is POST /staff/inspection/appeals: the unit's appeal of a finding, from the result's
// page. A refused one is said on the result's page it came from, or on an error page.
func (h *appealHandlers) fileForm(c *gin.Context) {
	findingID, err := strconv.ParseInt(c.PostForm("finding_id"), 10, 64)
	if err != nil || findingID <= 0 {
		h.fail(c, models.NotFound("未找到该问题"))
		return
	}
	up, err := readAppealFile(c)
	if err == nil {
		var a *models.FindingAppeal
		if a, err = h.file(c, findingID, c.PostForm("reason"), up); err == nil {
			h.setFlash(c, flash{Kind: "ok", Message: "已提交核减申请，等待主管单位审核"})
			c.Redirect(http.StatusSeeOther, "/staff/inspection/appeals/"+strconv.FormatInt(a.ID, 10))
			return
		}
	}
	h.fail(c, err)
}

// act is POST /staff/inspection/appeals/:id/:action: accept or refuse, with a note, and
// "以后不再提示" (remember). A refused decision shows the appeal again with the input kept.
func (h *appealHandlers) act(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	note, remember := c.PostForm("note"), c.PostForm("remember") == "1"
	a, err := h.decide(c, id, c.Param("action"), note, remember)
	if err != nil {
		if models.ErrorKind(err) == models.KindInvalid {
			h.showOne(c, http.StatusBadRequest, fieldErrors(err), map[string]string{"note": note})
			return
		}
		h.fail(c, err)
		return
	}
	msg := "已同意核减，该问题不再计入结论和得分"
	if a.Status == models.AppealRefused {
		msg = "已不予核减"
	}
	if remember && a.Status == models.AppealAccepted {
		msg += "；以后各轮检查不再提示该问题"
	}
	h.setFlash(c, flash{Kind: "ok", Message: msg})
	c.Redirect(http.StatusSeeOther, "/staff/inspection/appeals/"+strconv.FormatInt(id, 10))
}

// download serves an appeal's document under the app's own name and checked type: a download
// to save, which no browser sniffs into another type or runs in the site's origin.
func (h *appealHandlers) download(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	name, ctype, data, err := h.store.AppealFile(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	sendDocument(c, "appeal", name, ctype, data)
}

// remember is POST /staff/inspection/exceptions: keep a finding taken off as an exception of its
// site, with the reason; with dismiss=1, a suspected finding is dismissed first (the result
// page's "排除并以后不再提示"). It returns to the result page it came from (result_id).
func (h *appealHandlers) remember(c *gin.Context) {
	if _, err := h.except(c, c.PostForm("finding_id"), c.PostForm("reason"), c.PostForm("dismiss") == "1"); err != nil {
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已加入本网站的例外清单，以后各轮检查不再提示该问题"})
	c.Redirect(http.StatusSeeOther, backToResult(c))
}

// except is remember for the page and the API: the reason is checked before a dismissal, so
// that a refused exception leaves the finding as it was.
func (h *appealHandlers) except(c *gin.Context, rawID, reason string, dismiss bool) (*models.FindingException, error) {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		return nil, models.NotFound("未找到该问题")
	}
	if _, err := models.ExceptionReason("reason", reason); err != nil {
		return nil, err
	}
	ctx, u, sc := c.Request.Context(), currentUser(c), scopeOf(c)
	if !models.MayKeepExceptions(u) {
		return nil, models.Forbidden("只有主管单位和管理员可以设置或撤销例外")
	}
	if dismiss {
		if _, err := h.store.DecideFinding(ctx, u, sc, id, false); err != nil {
			return nil, err
		}
	}
	return h.store.RememberFinding(ctx, u, sc, id, reason)
}

// backToResult is the result page a form came from (its result_id), at its exceptions, or the
// inspection's home.
func backToResult(c *gin.Context) string {
	if r, err := strconv.ParseInt(c.PostForm("result_id"), 10, 64); err == nil && r > 0 {
		return "/staff/inspection/results/" + strconv.FormatInt(r, 10) + "#exceptions"
	}
	return "/staff/inspection"
}

// revoke is POST /staff/inspection/exceptions/:id/revoke, with the reason; it returns to the
// page it came from (a result of the site), or the inspection's home.
func (h *appealHandlers) revoke(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	if _, err := h.store.RevokeException(c.Request.Context(), currentUser(c), scopeOf(c), id, c.PostForm("reason")); err != nil {
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已撤销该例外，下一轮检查将重新提示该问题"})
	c.Redirect(http.StatusSeeOther, backToResult(c))
}

// precision is GET /admin/inspection/precision: per finding type, what people judged and the
// share they found false.
func (h *appealHandlers) precision(c *gin.Context) {
	rows, err := h.store.FindingPrecisions(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "inspection_precision", page{Title: "检查误报率", Active: "admin", Content: rows})
}

// readAppealFile reads the appeal's optional document and checks it by its content, as a
// rectification report is checked: a PDF, a Word document or an image that decodes, at most
// 10 MB. No file: nil.
func readAppealFile(c *gin.Context) (*models.AppealUpload, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, models.Invalid("file", "附件不能超过 10 MB")
		}
		return nil, nil // none chosen
	}
	if fh.Size > models.MaxAppealFile {
		return nil, models.Invalid("file", "附件不能超过 10 MB")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, models.Invalid("file", "附件无法读取")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, models.MaxAppealFile+1))
	if err != nil || len(data) == 0 {
		return nil, models.Invalid("file", "附件是空文件或无法读取")
	}
	up := &models.AppealUpload{Name: path.Base(fh.Filename), Data: data}
	if up.ContentType = documentType(data); up.ContentType == "" {
		return nil, models.ErrAppealFileType
	}
	return up, nil
}

// appealSection is what the result page shows of appeals and exceptions: each finding's appeal,
// what the reader may do, and the site's exceptions.
type appealSection struct {
	ResultID   int64
	ByFinding  map[int64]models.FindingAppeal
	Exceptions []models.ExceptionRow
	Excepted   map[string]bool // keys with an exception in force
	CanFile    bool            // the site's unit: the result is in its scope
	CanExcept  bool
}

// resultAppeals reads the result page's appeal section.
func resultAppeals(ctx context.Context, store interface {
	ResultAppeals(ctx context.Context, roundID, websiteID int64) (map[int64]models.FindingAppeal, error)
	SiteExceptions(ctx context.Context, sc models.Scope, websiteID int64) ([]models.ExceptionRow, error)
}, u *models.User, sc models.Scope, row *models.ResultRow) (*appealSection, error) {
	by, err := store.ResultAppeals(ctx, row.RoundID, row.WebsiteID)
	if err != nil {
		return nil, err
	}
	ex, err := store.SiteExceptions(ctx, sc, row.WebsiteID)
	if err != nil {
		return nil, err
	}
	s := &appealSection{ResultID: row.ID, ByFinding: by, Exceptions: ex, Excepted: map[string]bool{},
		CanFile: u.UnitID != nil && models.MayFileAppeal(u, *u.UnitID), CanExcept: models.MayKeepExceptions(u)}
	for _, e := range ex {
		if e.Active() {
			s.Excepted[e.FindingKey] = true
		}
	}
	return s, nil
}
