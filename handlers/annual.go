package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// annualStore is what the annual report pages need of the store.
type annualStore interface {
	Regions(ctx context.Context) ([]models.Region, error)
	AnnualSites(ctx context.Context, sc models.Scope, year int) ([]models.AnnualSiteRow, error)
	AnnualReportOf(ctx context.Context, sc models.Scope, src models.InspectionSource, kind string, subjectID int64, year int) (*models.AnnualReport, error)
	SaveAnnual(ctx context.Context, u *models.User, sc models.Scope, kind string, subjectID int64, year int, in map[string]string) (*models.AnnualRecord, error)
	PublishAnnual(ctx context.Context, u *models.User, sc models.Scope, src models.InspectionSource, kind string, subjectID int64, year int) (*models.AnnualRecord, error)
	CorrectAnnual(ctx context.Context, u *models.User, sc models.Scope, kind string, subjectID int64, year int) (*models.AnnualRecord, error)
}

// annualHandlers serve the annual reports (政府网站年度报表): each unit fills and publishes its
// sites' work reports, each supervisor its region's supervision report and sees which sites'
// reports are not published yet.
type annualHandlers struct {
	*ui
	store      annualStore
	inspection models.InspectionSource
	clock      models.Clock
}

type annualListPage struct {
	Year        int
	Years       []int
	Sites       []models.AnnualSiteRow
	Unpublished int
	Supervision *models.Region // the supervisor's own region, whose supervision report they fill
}

// list is GET /staff/annual?year=2025: the year just ended unless another is asked for.
func (h *annualHandlers) list(c *gin.Context) {
	current := h.clock.Now().In(models.Shanghai).Year()
	year := current - 1
	if y := c.Query("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2018 || n > current {
			h.fail(c, models.Invalid("year", "年度应为 2018 年至今年之间的年份"))
			return
		}
		year = n
	}
	ctx, sc, u := c.Request.Context(), scopeOf(c), currentUser(c)
	sites, err := h.store.AnnualSites(ctx, sc, year)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := annualListPage{Year: year, Sites: sites}
	for y := current; y >= max(2018, current-5); y-- {
		p.Years = append(p.Years, y)
	}
	for _, s := range sites {
		if s.Status != models.CircularPublishedStatus {
			p.Unpublished++
		}
	}
	if u.Role == models.RoleSupervisor && u.RegionID != nil {
		regions, err := h.store.Regions(ctx)
		if err != nil {
			h.fail(c, err)
			return
		}
		for i := range regions {
			if regions[i].ID == *u.RegionID && models.MayWriteAnnual(u, models.AnnualSupervision, nil, regions[i].ID) {
				p.Supervision = &regions[i]
			}
		}
	}
	h.render(c, http.StatusOK, "annual_reports", page{Title: "政府网站年度报表", Active: "annual", Content: p})
}

// annualLine is one line of the report's table: a group heading, or an item with its value.
type annualLine struct {
	Heading  string
	Item     models.AnnualItem
	Label    string
	Value    string
	Editable bool
	Error    string
}

type annualPage struct {
	Report     *models.AnnualReport
	Lines      []annualLine
	Base       string // the report's address
	CanEdit    bool
	CanCorrect bool
	FormError  string
}

// annualRef reads the report's kind, subject and year from the address.
func annualRef(c *gin.Context) (kind string, subject int64, year int, err error) {
	kind = c.Param("kind")
	if _, ok := models.AnnualTitles[kind]; !ok {
		return "", 0, 0, models.NotFound("没有这种年度报表")
	}
	subject, err = strconv.ParseInt(c.Param("subject"), 10, 64)
	if err != nil || subject <= 0 {
		return "", 0, 0, models.NotFound("没有该报表")
	}
	year, err = strconv.Atoi(c.Param("year"))
	if err != nil {
		return "", 0, 0, models.NotFound("没有该报表")
	}
	return kind, subject, year, nil
}

func (h *annualHandlers) load(c *gin.Context) (*models.AnnualReport, error) {
	kind, subject, year, err := annualRef(c)
	if err != nil {
		return nil, err
	}
	return h.store.AnnualReportOf(c.Request.Context(), scopeOf(c), h.inspection, kind, subject, year)
}

func (h *annualHandlers) show(c *gin.Context) {
	h.showOne(c, http.StatusOK, nil, nil)
}

// showOne renders the report; posted and errs, after a refused save, keep what was typed.
func (h *annualHandlers) showOne(c *gin.Context, code int, posted map[string]string, errs map[string]string) {
	rep, err := h.load(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	mine := models.MayWriteAnnual(currentUser(c), rep.Kind, rep.UnitID, rep.RegionID)
	p := annualPage{Report: rep, Base: c.Request.URL.Path, CanEdit: mine && !rep.Published(), CanCorrect: mine && rep.Published(), FormError: errs["form"]}
	heading := ""
	for _, it := range rep.Items {
		if len(it.Path) > 1 && it.Path[0] != heading {
			heading = it.Path[0]
			p.Lines = append(p.Lines, annualLine{Heading: heading})
		} else if len(it.Path) == 1 {
			heading = ""
		}
		l := annualLine{Item: it, Value: rep.Value(it.Key), Editable: p.CanEdit && !it.System, Error: errs[it.Key]}
		l.Label = strings.Join(it.Path[min(1, len(it.Path)-1):], "—")
		if it.Unit != "" {
			l.Label += "（" + it.Unit + "）"
		}
		if v, ok := posted[it.Key]; ok && l.Editable {
			l.Value = v
		}
		p.Lines = append(p.Lines, l)
	}
	title := strconv.Itoa(rep.Year) + "年度" + rep.Title
	h.render(c, code, "annual_report", page{Title: title, Active: "annual", Content: p})
}

// save is POST of the report's form: the items the unit or office fills.
func (h *annualHandlers) save(c *gin.Context) {
	kind, subject, year, err := annualRef(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	// A body cut off at the limit must not save as an empty form over what was typed before.
	if err := c.Request.ParseMultipartForm(maxJSONBody); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		h.fail(c, &httpError{Status: status(err), Message: "表单无法读取，请重新提交"})
		return
	}
	in := map[string]string{}
	for _, it := range models.AnnualLayout(kind) {
		if v, ok := c.GetPostForm(it.Key); ok && !it.System {
			in[it.Key] = v
		}
	}
	if _, err := h.store.SaveAnnual(c.Request.Context(), currentUser(c), scopeOf(c), kind, subject, year, in); err != nil {
		if models.ErrorKind(err) == models.KindInvalid {
			h.showOne(c, http.StatusBadRequest, in, fieldErrors(err))
			return
		}
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已保存草稿"})
	c.Redirect(http.StatusSeeOther, c.Request.URL.Path)
}

// act publishes the draft or starts a correction of the published report.
func (h *annualHandlers) act(c *gin.Context) {
	kind, subject, year, err := annualRef(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx, u, sc := c.Request.Context(), currentUser(c), scopeOf(c)
	var msg string
	switch c.Param("action") {
	case "publish":
		_, err = h.store.PublishAnnual(ctx, u, sc, h.inspection, kind, subject, year)
		msg = "报表已发布，内容已固定"
	case "correct":
		_, err = h.store.CorrectAnnual(ctx, u, sc, kind, subject, year)
		msg = "已建立更正稿，请修改后重新发布"
	default:
		err = models.NotFound("不支持该操作")
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: msg})
	c.Redirect(http.StatusSeeOther, strings.TrimSuffix(c.Request.URL.Path, "/"+c.Param("action")))
}
