package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhaocuo/jobs/accountsheet"
	"zhaocuo/models"
	"zhaocuo/models/registrysheet"
)

// The registry's import through the JSON API (/api/v1/admin/registry/...), so a province can
// sync from its own systems: the same check, plan, confirmation and export as the import page
// (models.PlanRegistryImport, ApplyRegistryImport, RegistryBook), answered as JSON.

// importCountJSON is how many rows of a kind are new, change a record, or change nothing.
type importCountJSON struct {
	New       int `json:"new"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

// importPlanJSON is a checked import as the API answers it.
type importPlanJSON struct {
	ID          int64                                  `json:"id,omitempty"`
	Status      string                                 `json:"status"` // rejected, planned or applied
	Filename    string                                 `json:"filename"`
	Counts      map[registrysheet.Kind]importCountJSON `json:"counts"`
	Changes     []models.ImportChange                  `json:"changes"`
	MoreChanges int                                    `json:"more_changes"`
	Problems    []registrysheet.Problem                `json:"problems"`
	CreatedAt   string                                 `json:"created_at"`
	Confirm     string                                 `json:"confirm,omitempty"` // where to POST the confirmation
	Error       string                                 `json:"error,omitempty"`
}

func importCountsJSON(in map[registrysheet.Kind]*models.ImportCount) map[registrysheet.Kind]importCountJSON {
	out := map[registrysheet.Kind]importCountJSON{}
	for _, k := range registrysheet.Kinds {
		if n := in[k]; n != nil {
			out[k] = importCountJSON{New: n.New, Changed: n.Changed, Unchanged: n.Unchanged}
		}
	}
	return out
}

func planJSON(p *models.ImportPlan, status string) importPlanJSON {
	out := importPlanJSON{ID: p.ID, Status: status, Filename: p.Filename, Counts: importCountsJSON(p.Counts), Changes: p.Changes,
		MoreChanges: p.More, Problems: p.Problems, CreatedAt: p.CreatedAt.Format("2006-01-02T15:04:05Z07:00")}
	if out.Changes == nil {
		out.Changes = []models.ImportChange{}
	}
	if out.Problems == nil {
		out.Problems = []registrysheet.Problem{}
	}
	if status == "planned" {
		out.Confirm = "/api/v1/admin/registry/imports/" + strconv.FormatInt(p.ID, 10) + "/confirm"
	}
	return out
}

// readAPIUpload reads the sheets of an API import: multipart files as the page takes them, or a
// CSV body whose kind ?kind= names.
func readAPIUpload(c *gin.Context) ([]registrysheet.Sheet, string, error) {
	tooLarge := &httpError{Status: http.StatusRequestEntityTooLarge, Field: "file",
		Message: fmt.Sprintf("文件超过 %d MB，请拆分为多个文件导入", accountsheet.MaxWorkbookBytes>>20)}
	if c.Request.ContentLength > maxRegistryUpload {
		return nil, "", tooLarge
	}
	ctype, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if ctype == "multipart/form-data" {
		return readRegistryUpload(c)
	}
	kind, ok := registrysheet.KindOf(c.Query("kind"))
	if !ok {
		return nil, "", models.Invalid("kind", "请上传 multipart 文件（字段 file），或以 CSV 正文上传并用 ?kind= 指明类别（regions、units、websites、accounts、users）")
	}
	if ctype != "text/csv" && ctype != "text/plain" && ctype != "application/octet-stream" && ctype != "" {
		return nil, "", &httpError{Status: http.StatusUnsupportedMediaType, Field: "file", Message: "正文应为 CSV（Content-Type: text/csv）"}
	}
	data, err := io.ReadAll(io.LimitReader(c.Request.Body, accountsheet.MaxWorkbookBytes+1))
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb) || len(data) > accountsheet.MaxWorkbookBytes:
		return nil, "", tooLarge
	case err != nil:
		return nil, "", models.Invalid("file", "正文无法读取")
	case len(data) == 0:
		return nil, "", models.Invalid("file", "正文为空：请上传 CSV 内容")
	}
	name := string(kind) + ".csv"
	read, err := accountsheet.ReadWorkbook(bytes.NewReader(data), name)
	if err != nil {
		return nil, "", models.Invalid("file", err.Error())
	}
	sheets := make([]registrysheet.Sheet, 0, len(read))
	for _, s := range read {
		sheets = append(sheets, registrysheet.Sheet{Name: s.Name, Rows: s.Rows})
	}
	return sheets, name, nil
}

// apiImport: POST /api/v1/admin/registry/imports checks the sheets whole; 201 with the plan to
// confirm, or 422 with every problem and nothing kept.
func (h *registryImportHandlers) apiImport(c *gin.Context) {
	sheets, name, err := readAPIUpload(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	plan, err := h.store.PlanRegistryImport(c.Request.Context(), currentUser(c), name, sheets)
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(plan.Problems) > 0 {
		out := planJSON(plan, "rejected")
		out.Error = fmt.Sprintf("文件有 %d 处问题，未导入任何数据，请修改后重新上传", len(plan.Problems))
		c.JSON(http.StatusUnprocessableEntity, out)
		return
	}
	c.Header("Location", "/api/v1/admin/registry/imports/"+strconv.FormatInt(plan.ID, 10))
	c.JSON(http.StatusCreated, planJSON(plan, "planned"))
}

// apiImportPlan: GET /api/v1/admin/registry/imports/:id, a plan of the caller's own.
func (h *registryImportHandlers) apiImportPlan(c *gin.Context) {
	id, err := registryImportID(c)
	if err == nil {
		var plan *models.ImportPlan
		var st string
		if plan, st, err = h.store.RegistryImportPlan(c.Request.Context(), currentUser(c), id); err == nil {
			c.JSON(http.StatusOK, planJSON(plan, st))
			return
		}
	}
	h.fail(c, err)
}

// initialPasswordJSON is a new user's initial password, in the confirmation's answer only.
type initialPasswordJSON struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
}

// apiImportConfirm: POST /api/v1/admin/registry/imports/:id/confirm writes the plan once and
// answers the counts and the new users' initial passwords, which nothing keeps or logs.
func (h *registryImportHandlers) apiImportConfirm(c *gin.Context) {
	id, err := registryImportID(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	res, err := h.store.ApplyRegistryImport(c.Request.Context(), currentUser(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	pw := make([]initialPasswordJSON, len(res.Passwords))
	for i, p := range res.Passwords {
		pw[i] = initialPasswordJSON{Username: p.Username, DisplayName: p.DisplayName, Password: p.Password}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"id": res.ID, "status": "applied", "counts": importCountsJSON(res.Counts), "events": res.Events,
		"initial_passwords": pw})
}

func registryImportID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.NotFound("导入记录不存在或已过期，请重新上传")
	}
	return id, nil
}

// apiExport: GET /api/v1/admin/registry/export?kind=&format=csv|xlsx, the page's export: xlsx
// is every kind (kind is ignored), csv one kind.
func (h *registryImportHandlers) apiExport(c *gin.Context) {
	switch c.DefaultQuery("format", "xlsx") {
	case "xlsx":
		h.sendBook(c, "registry.xlsx", false)
	case "csv":
		kind, ok := registrysheet.KindOf(c.Query("kind"))
		if !ok {
			h.fail(c, models.Invalid("kind", "请用 ?kind= 指明导出的类别（regions、units、websites、accounts、users）"))
			return
		}
		h.sendBook(c, string(kind)+".csv", false)
	default:
		h.fail(c, models.Invalid("format", "format 应为 csv 或 xlsx"))
	}
}
