package handlers

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/jobs/accountsheet"
	"zhaocuo/models"
	"zhaocuo/models/registrysheet"
)

// The registry's import and export pages (/admin/registry/import): upload a workbook (or CSV
// files), read the check's report, confirm, and read the new users' initial passwords once.
// The store does the checking and writing (models.PlanRegistryImport, ApplyRegistryImport).

// maxRegistryFiles bounds the files of one upload: a workbook, or a CSV per kind.
const maxRegistryFiles = 5

// maxRegistryUpload is the body of an upload: the files at most accountsheet.MaxWorkbookBytes
// each would be more than a registry; this lets the largest file a reader takes through, with
// the form around it, and refuses the rest before it is read.
const maxRegistryUpload = accountsheet.MaxWorkbookBytes + 1<<20

type registryImportHandlers struct {
	*ui
	store *models.Store
	clock models.Clock
}

type registryImportPage struct {
	Plan      *models.ImportPlan
	Status    string // planned or applied
	Result    *models.ImportResult
	Passwords template.URL // the initial passwords as a CSV download, data: URL; shown once
	Error     string
	Kinds     []registrysheet.Kind
	Platforms string
	Fields    map[string]string // a changed field's name as the plan shows it
}

// importFieldLabels name the fields of the registry events (models' FieldChanges) in Chinese.
var importFieldLabels = map[string]string{
	"name": "名称", "short_name": "简称", "parent": "上级", "code": "统一社会信用代码", "region": "地区", "kind": "类型",
	"status": "状态", "identifier_code": "网站标识码", "unit": "单位", "supervisor_unit": "主管单位", "home_url": "首页网址",
	"bases": "网址", "account": "账号ID", "platform": "平台类型", "opened_on": "开设日期", "changed_on": "变更日期",
	"suspended_on": "关停日期", "cancelled_on": "注销日期", "display_name": "姓名", "role": "角色", "phone": "手机号码", "email": "电子邮箱",
}

func (h *registryImportHandlers) show(c *gin.Context, status int, p registryImportPage) {
	p.Kinds, p.Platforms, p.Fields = registrysheet.Kinds, strings.Join(registrysheet.Platforms(), "、"), importFieldLabels
	h.render(c, status, "registry_import", page{Title: "导入导出登记信息", Active: "admin", Content: p})
}

func (h *registryImportHandlers) form(c *gin.Context) { h.show(c, http.StatusOK, registryImportPage{}) }

// upload reads the files and checks them; the report (or the plan to confirm) is the answer.
func (h *registryImportHandlers) upload(c *gin.Context) {
	sheets, name, err := readRegistryUpload(c)
	if err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		h.show(c, status(err), registryImportPage{Error: message(err)})
		return
	}
	plan, err := h.store.PlanRegistryImport(c.Request.Context(), currentUser(c), name, sheets)
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(plan.Problems) > 0 {
		h.show(c, http.StatusUnprocessableEntity, registryImportPage{Plan: plan, Error: fmt.Sprintf("文件有 %d 处问题，未导入任何数据，请修改后重新上传", len(plan.Problems))})
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/registry/import/"+strconv.FormatInt(plan.ID, 10))
}

// readRegistryUpload reads every uploaded file into sheets, each file bounded by the reader.
func readRegistryUpload(c *gin.Context) ([]registrysheet.Sheet, string, error) {
	form, err := c.MultipartForm()
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return nil, "", &httpError{Status: http.StatusRequestEntityTooLarge, Field: "file",
			Message: fmt.Sprintf("文件超过 %d MB，请拆分为多个文件导入", accountsheet.MaxWorkbookBytes>>20)}
	case err != nil:
		return nil, "", models.Invalid("file", "请选择要导入的 XLSX 或 CSV 文件")
	}
	files := form.File["file"]
	if len(files) == 0 {
		return nil, "", models.Invalid("file", "请选择要导入的 XLSX 或 CSV 文件")
	}
	if len(files) > maxRegistryFiles {
		return nil, "", models.Invalid("file", fmt.Sprintf("一次最多导入 %d 个文件", maxRegistryFiles))
	}
	var sheets []registrysheet.Sheet
	var names []string
	for _, fh := range files {
		read, err := readOne(fh)
		if err != nil {
			return nil, "", models.Invalid("file", "文件「"+cleanName(fh.Filename)+"」："+err.Error())
		}
		for _, s := range read {
			sheets = append(sheets, registrysheet.Sheet{Name: s.Name, Rows: s.Rows})
		}
		names = append(names, cleanName(fh.Filename))
	}
	return sheets, strings.Join(names, "、"), nil
}

func readOne(fh *multipart.FileHeader) ([]accountsheet.Sheet, error) {
	if fh.Size > accountsheet.MaxWorkbookBytes {
		return nil, fmt.Errorf("文件超过 %d MB，请拆分为多个文件导入", accountsheet.MaxWorkbookBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, errors.New("文件无法读取")
	}
	defer f.Close()
	return accountsheet.ReadWorkbook(f, fh.Filename)
}

// cleanName is an uploaded file's name as messages show it: its base, printable, not too long.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if r := []rune(name); len(r) > 80 {
		name = string(r[:80])
	}
	return name
}

// plan shows a checked import waiting for confirmation (or applied already).
func (h *registryImportHandlers) plan(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	plan, st, err := h.store.RegistryImportPlan(c.Request.Context(), currentUser(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.show(c, http.StatusOK, registryImportPage{Plan: plan, Status: st})
}

// confirm writes a checked import and shows the new users' initial passwords, this once.
func (h *registryImportHandlers) confirm(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	res, err := h.store.ApplyRegistryImport(c.Request.Context(), currentUser(c), id)
	if err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		h.show(c, status(err), registryImportPage{Error: message(err)})
		return
	}
	// The passwords are in this answer only: no cache keeps it, no log has it.
	c.Header("Cache-Control", "no-store")
	h.show(c, http.StatusOK, registryImportPage{Result: res, Passwords: passwordsCSV(res.Passwords)})
}

// passwordsCSV is the initial passwords as a CSV file in a data: URL, which the page offers to
// save: the file is made in the browser from this answer, never stored on the server.
func passwordsCSV(list []models.InitialPassword) template.URL {
	if len(list) == 0 {
		return ""
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Write([]string{"用户名", "姓名", "初始密码"})
	for _, p := range list {
		w.Write([]string{p.Username, csvSafe(p.DisplayName), p.Password})
	}
	w.Flush()
	return template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// export writes the registry within the administrator's scope (or, for a template, its headers
// alone): registry.xlsx with a sheet per kind, or one kind's CSV (websites.csv...).
func (h *registryImportHandlers) export(c *gin.Context) {
	h.sendBook(c, c.Param("file"), strings.HasSuffix(c.FullPath(), "/template/:file"))
}

// sendBook writes file (registry.xlsx or <kind>.csv) of the registry in the caller's scope, or
// of the headers alone for a template; the page's export and the API's are this one.
func (h *registryImportHandlers) sendBook(c *gin.Context, file string, template bool) {
	book := &registrysheet.Book{}
	if !template {
		b, err := h.store.RegistryBook(c.Request.Context(), currentUser(c))
		if err != nil {
			h.fail(c, err)
			return
		}
		book = b
	}
	var buf bytes.Buffer
	var ctype, download string
	if file == "registry.xlsx" {
		title := "登记信息导入模板"
		if !template {
			scope, err := scopeName(c.Request.Context(), h.store, currentUser(c), scopeOf(c), "", 0)
			if err != nil {
				h.fail(c, err)
				return
			}
			title = scope + " 登记信息"
		}
		if err := registrysheet.WriteXLSX(&buf, book, title, h.clock.Now().In(models.Shanghai)); err != nil {
			h.fail(c, err)
			return
		}
		ctype, download = xlsxType, "登记信息.xlsx"
	} else {
		kind, ok := registrysheet.KindOf(strings.TrimSuffix(file, ".csv"))
		if !ok || !strings.HasSuffix(file, ".csv") {
			h.fail(c, models.NotFound("没有这种导出文件"))
			return
		}
		if err := registrysheet.WriteCSV(&buf, book, kind); err != nil {
			h.fail(c, err)
			return
		}
		ctype, download = "text/csv; charset=utf-8", kind.Title()+".csv"
	}
	if template {
		download = "模板-" + download
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", `attachment; filename="`+file+`"; filename*=UTF-8''`+url.PathEscape(download))
	c.Data(http.StatusOK, ctype, buf.Bytes())
}
