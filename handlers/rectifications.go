package handlers

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// rectificationStore is what the rectification pages need of the store.
type rectificationStore interface {
	Rectifications(ctx context.Context, sc models.Scope) ([]models.RectificationRow, error)
	RectificationByID(ctx context.Context, sc models.Scope, id int64) (*models.RectificationRow, error)
	RectificationReport(ctx context.Context, sc models.Scope, id int64) (string, string, []byte, error)
	SubmitRectification(ctx context.Context, u *models.User, sc models.Scope, id int64, up models.RectificationUpload) ([]models.Event, error)
	DecideRectification(ctx context.Context, u *models.User, sc models.Scope, id int64, accept bool, note string) ([]models.Event, error)
	CircularOfRectification(ctx context.Context, sc models.Scope, id int64) (*models.CircularRow, error)
}

// rectificationHandlers: the units a circular named report their rectification; the supervisor
// who published it accepts or sends back.
type rectificationHandlers struct {
	*ui
	store  rectificationStore
	clock  models.Clock
	events models.Dispatcher
}

// submit stores the unit's report, for the page and the API, and dispatches what it committed.
func (h *rectificationHandlers) submit(ctx context.Context, u *models.User, sc models.Scope, id int64, up models.RectificationUpload) error {
	events, err := h.store.SubmitRectification(ctx, u, sc, id, up)
	if err != nil {
		return err
	}
	h.events.Dispatch(ctx, events...)
	return nil
}

// decide accepts or returns the report, for the page and the API, and dispatches what it
// committed.
func (h *rectificationHandlers) decide(ctx context.Context, u *models.User, sc models.Scope, id int64, accept bool, note string) error {
	events, err := h.store.DecideRectification(ctx, u, sc, id, accept, note)
	if err != nil {
		return err
	}
	h.events.Dispatch(ctx, events...)
	return nil
}

type rectificationPage struct {
	Row       *models.RectificationRow
	Late      bool
	CanSubmit bool
	CanDecide bool
	Errors    map[string]string
}

func (h *rectificationHandlers) list(c *gin.Context) {
	rows, err := h.store.Rectifications(c.Request.Context(), scopeOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "rectifications", page{Title: "整改", Active: "rectifications", Content: rows})
}

func (h *rectificationHandlers) show(c *gin.Context) {
	h.showOne(c, http.StatusOK, nil)
}

func (h *rectificationHandlers) showOne(c *gin.Context, code int, errs map[string]string) {
	id, err := models.ParseRectificationID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	row, err := h.store.RectificationByID(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	u := currentUser(c)
	p := rectificationPage{Row: row, Late: row.Late(h.clock.Now()), Errors: errs,
		CanSubmit: models.MayReportRectification(u, &row.Rectification) && row.AwaitsReport(),
		CanDecide: models.MayDecideRectification(u, &row.Rectification) && row.Status == models.RectifySubmitted}
	h.render(c, code, "rectification", page{Title: "整改：" + row.Subject, Active: "rectifications", Content: p})
}

// act is POST /staff/rectifications/:id/:action: report (the unit's upload), accept, return.
func (h *rectificationHandlers) act(c *gin.Context) {
	id, err := models.ParseRectificationID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx, u, sc := c.Request.Context(), currentUser(c), scopeOf(c)
	var msg string
	switch c.Param("action") {
	case "report":
		var up *models.RectificationUpload
		if up, err = readReport(c); err == nil {
			err = h.submit(ctx, u, sc, id, *up)
		}
		msg = "整改报告已提交，等待审核"
	case "accept":
		err, msg = h.decide(ctx, u, sc, id, true, c.PostForm("note")), "已通过整改报告"
	case "return":
		err, msg = h.decide(ctx, u, sc, id, false, c.PostForm("note")), "已退回，单位需重新提交"
	default:
		err = models.NotFound("不支持该操作")
	}
	if err != nil {
		if models.ErrorKind(err) == models.KindInvalid {
			h.showOne(c, http.StatusBadRequest, fieldErrors(err))
			return
		}
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: msg})
	c.Redirect(http.StatusSeeOther, "/staff/rectifications/"+strconv.FormatInt(id, 10))
}

func (h *rectificationHandlers) report(c *gin.Context) {
	id, err := models.ParseRectificationID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	name, ctype, data, err := h.store.RectificationReport(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	// The name and type are the app's own (models.Rectification.ReportFileName).
	sendDocument(c, "report", name, ctype, data)
}

// circular is GET /staff/rectifications/:id/circular: the published circular that named the
// unit, as the 公文 to read and print (circularDocument), for everyone who may see the item.
func (h *rectificationHandlers) circular(c *gin.Context) {
	id, err := models.ParseRectificationID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	row, err := h.store.CircularOfRectification(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	circularDocument(h.ui, c, row)
}

// sendDocument sends a document people uploaded (a rectification report, an appeal's evidence)
// as a download to save, under the app's own name (stem plus the checked extension, the stored
// name for browsers that read filename*) and of the type its bytes were checked as: no browser
// sniffs it into another type or runs it in the site's origin, and no cache keeps it.
func sendDocument(c *gin.Context, stem, name, ctype string, data []byte) {
	c.Header("Content-Disposition", "attachment; filename=\""+stem+path.Ext(name)+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, ctype, data)
}

// readReport reads the uploaded report and checks it by its content: a PDF, a Word document
// (a zip package with word/document.xml) or a PNG, JPEG or WebP image that decodes.
func readReport(c *gin.Context) (*models.RectificationUpload, error) {
	invalid := func(msg string) error { return models.Invalid("report", msg) }
	fh, err := c.FormFile("report")
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, invalid("整改报告不能超过 10 MB")
		}
		return nil, invalid("请选择整改报告文件")
	}
	if fh.Size > models.MaxRectificationReport {
		return nil, invalid("整改报告不能超过 10 MB")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, invalid("整改报告无法读取")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, models.MaxRectificationReport+1))
	if err != nil || len(data) == 0 {
		return nil, invalid("整改报告是空文件或无法读取")
	}
	up := &models.RectificationUpload{Name: path.Base(fh.Filename), Data: data}
	if up.ContentType = documentType(data); up.ContentType == "" {
		return nil, models.ErrReportFileType
	}
	return up, nil
}

func isDOCX(data []byte) bool {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	var types, document bool
	for _, f := range z.File {
		switch f.Name {
		case "[Content_Types].xml":
			types = true
		case "word/document.xml":
			document = true
		}
	}
	return types && document
}

// documentType is the type of an uploaded document as its bytes show it (a PDF, a DOCX, or a
// picture checked as a screenshot is), or "" for anything else: what a rectification report or
// an appeal's evidence may be.
func documentType(data []byte) string {
	switch ct := http.DetectContentType(data); {
	case ct == "application/pdf":
		return ct
	case ct == "application/zip" && isDOCX(data):
		return docxType
	}
	if img, err := checkScreenshot(data); err == nil {
		return img.ContentType
	}
	return ""
}
