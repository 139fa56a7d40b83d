package handlers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/jobs/accountsheet"
	"zhaocuo/models"
)

// inspectionStore is what the inspection pages need of the database.
type inspectionStore interface {
	Rounds(ctx context.Context, sc models.Scope, limit int) ([]models.RoundRow, error)
	RoundResults(ctx context.Context, sc models.Scope, roundID int64) (*models.RoundRow, []models.ResultRow, error)
	Result(ctx context.Context, sc models.Scope, resultID int64) (*models.ResultRow, []models.Finding, error)
	SiteResult(ctx context.Context, roundID, websiteID int64) (*models.InspectionResult, error)
	StartRoundMode(ctx context.Context, kind, mode string, sc models.Scope, by *int64) (*models.InspectionRound, []models.Event, error)
	SitePages(ctx context.Context, websiteID int64, since time.Time, page, perPage int) ([]models.PageStateRow, models.PageStateCounts, error)
	DecideFinding(ctx context.Context, actor *models.User, sc models.Scope, id int64, confirm bool) (*models.Finding, error)
	SendFindingToUnit(ctx context.Context, actor *models.User, sc models.Scope, id int64) (*models.Ticket, []models.Event, error)
	ResultAppeals(ctx context.Context, roundID, websiteID int64) (map[int64]models.FindingAppeal, error)
	SiteExceptions(ctx context.Context, sc models.Scope, websiteID int64) ([]models.ExceptionRow, error)
	Accounts(ctx context.Context, sc models.Scope) ([]models.AccountRow, error)
	AccountEvents(ctx context.Context, sc models.Scope, accountID int64) (*models.AccountRow, []models.MediaAccountEvent, error)
	FileAccountEvent(ctx context.Context, actor *models.User, sc models.Scope, accountID int64, e models.MediaAccountEvent) (*models.MediaAccountEvent, error)
	CreateAccountImport(ctx context.Context, actor *models.User, filename string, rows []models.UploadedAccount) (*models.AccountImport, []models.Event, error)
	AbandonAccountImport(ctx context.Context, importID int64, reason string) error
	AccountImports(ctx context.Context, sc models.Scope, viewer int64, limit int) ([]models.AccountImport, error)
	ImportResults(ctx context.Context, sc models.Scope, viewer, importID int64) (*models.AccountImport, []models.AccountResult, error)
	scopeStore // an export's title names the scope
}

type inspectionHandlers struct {
	*ui
	store  inspectionStore
	clock  models.Clock
	events models.Dispatcher
}

// maxAccountImport caps an uploaded sheet.
const maxAccountImport = 8 << 20

// importRefresh is how often the page of a running import reloads itself (a Refresh header:
// the CSP allows no inline script).
const importRefresh = "3"

func canDecide(u *models.User) bool {
	return u.Role == models.RoleSupervisor || u.Role == models.RoleAdmin
}

func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.NotFound("页面不存在")
	}
	return id, nil
}

type roundsPage struct {
	Rounds   []models.RoundRow
	CanStart bool
}

func (h *inspectionHandlers) rounds(c *gin.Context) {
	rows, err := h.store.Rounds(c.Request.Context(), scopeOf(c), 50)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "inspection_rounds", page{Title: "网站检查", Active: "inspection",
		Content: roundsPage{Rounds: rows, CanStart: canDecide(currentUser(c))}})
}

// startRound opens an on-demand round over the sites in the person's scope.
func (h *inspectionHandlers) startRound(c *gin.Context) {
	round, err := h.start(c)
	if err != nil && round == nil {
		h.fail(c, err)
		return
	}
	msg := flash{Kind: "ok", Message: "已开始检查 " + strconv.Itoa(round.SitesTotal) + " 个网站"}
	if err != nil {
		msg = flash{Kind: "info", Message: models.ErrorMessage(err)}
	}
	h.setFlash(c, msg)
	c.Redirect(http.StatusSeeOther, "/staff/inspection/rounds/"+strconv.FormatInt(round.ID, 10))
}

// start opens the round and queues it, full unless the form or query asks for mode=incremental. A round opened but not queued comes back with an error:
// it is in the database whatever Redis says, and waits until the probes' task resumes it.
func (h *inspectionHandlers) start(c *gin.Context) (*models.InspectionRound, error) {
	ctx, u := c.Request.Context(), currentUser(c)
	mode := cmp.Or(c.PostForm("mode"), c.Query("mode"), models.RoundFull)
	round, events, err := h.store.StartRoundMode(ctx, models.RoundOnDemand, mode, scopeOf(c), &u.ID)
	if err != nil {
		return nil, err
	}
	if err := h.events.Dispatch(ctx, events...); err != nil {
		return round, models.Unavailable("检查已创建，但任务队列暂时无法访问，稍后将自动开始", err)
	}
	return round, nil
}

type roundPage struct {
	Round   *models.RoundRow
	Results []models.ResultRow
}

func (h *inspectionHandlers) round(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	round, rows, err := h.store.RoundResults(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if format := c.Query("format"); format != "" {
		h.exportRound(c, format, round, rows)
		return
	}
	p := roundPage{Round: round, Results: rows}
	h.render(c, http.StatusOK, "inspection_round", page{Title: "检查结果", Active: "inspection", Content: p})
}

// exportRound exports a round's results within the scope (format=xlsx|csv), as the page lists them.
func (h *inspectionHandlers) exportRound(c *gin.Context, format string, round *models.RoundRow, rows []models.ResultRow) {
	sc := scopeOf(c)
	scope, err := scopeName(c.Request.Context(), h.store, currentUser(c), sc, "", 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	var finished time.Time
	if round.FinishedAt != nil {
		finished = *round.FinishedAt
	}
	sh := sheet{Name: "检查结果", Title: fmt.Sprintf("%s 第 %d 轮网站检查结果 %s", scope, round.ID, periodText(round.CreatedAt, finished)), AsOf: h.clock.Now(),
		Headers: []string{"网站", "主办单位", "首页", "结论", "得分", "已确认问题", "单项否决", "待确认", "页面", "链接", "IPv6", "开始时间", "完成时间"}}
	for _, r := range rows {
		verdict, score := r.Verdict, any(r.Score)
		switch r.Status {
		case models.ResultPending:
			verdict, score = "检查中", nil
		case models.ResultFailed:
			verdict, score = "无法检查："+r.Error, nil
		}
		if p := r.Partial(); p != "" {
			verdict += "（" + p + "）"
		}
		sh.Rows = append(sh.Rows, []any{r.WebsiteName, r.UnitName, r.HomeURL, verdict, score, r.Confirmed, r.Vetoes, r.Suspected,
			r.Pages, r.Links, r.IPv6Label(), r.StartedAt, r.FinishedAt})
	}
	h.export(c, format, fmt.Sprintf("网站检查结果_第%d轮", round.ID), sh)
}

// findingGroup is the findings under one indicator.
type findingGroup struct {
	Indicator string
	Findings  []models.Finding
}

func groupFindings(fs []models.Finding) []findingGroup {
	var groups []findingGroup
	for _, f := range fs {
		if len(groups) == 0 || groups[len(groups)-1].Indicator != f.Indicator {
			groups = append(groups, findingGroup{Indicator: f.Indicator})
		}
		g := &groups[len(groups)-1]
		g.Findings = append(g.Findings, f)
	}
	return groups
}

type resultPage struct {
	Result    *models.ResultRow
	Groups    []findingGroup
	CanDecide bool
	Appeals   *appealSection // appeals.go
	Pages     sitePages
}

// sitePages is the site's pages as the rounds keep them: when each was last fetched and last
// changed, the latest changed first, a page of them at a time.
type sitePages struct {
	Rows          []models.PageStateRow
	Counts        models.PageStateCounts
	Page, Pages   int
	Since         time.Time // the counts' "in the last day"
	ResultID      int64
	Prev, NextURL string
}

const sitePagesPerPage = 50

func (h *inspectionHandlers) sitePages(c *gin.Context, row *models.ResultRow) (sitePages, error) {
	n, err := strconv.Atoi(cmp.Or(c.Query("pages"), "1"))
	if err != nil || n < 1 {
		return sitePages{}, models.Invalid("pages", "页码无效")
	}
	since := h.clock.Now().Add(-24 * time.Hour)
	rows, counts, err := h.store.SitePages(c.Request.Context(), row.WebsiteID, since, n, sitePagesPerPage)
	if err != nil {
		return sitePages{}, err
	}
	p := sitePages{Rows: rows, Counts: counts, Page: n, Pages: int((counts.Pages + sitePagesPerPage - 1) / sitePagesPerPage), Since: since, ResultID: row.ID}
	base := "/staff/inspection/results/" + strconv.FormatInt(row.ID, 10) + "?pages="
	if n > 1 {
		p.Prev = base + strconv.Itoa(n-1) + "#pages"
	}
	if n < p.Pages {
		p.NextURL = base + strconv.Itoa(n+1) + "#pages"
	}
	return p, nil
}

func (h *inspectionHandlers) result(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	row, fs, err := h.store.Result(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	appeals, err := resultAppeals(c.Request.Context(), h.store, currentUser(c), scopeOf(c), row)
	if err != nil {
		h.fail(c, err)
		return
	}
	pages, err := h.sitePages(c, row)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "inspection_result", page{Title: row.WebsiteName, Active: "inspection",
		Content: resultPage{Result: row, Groups: groupFindings(fs), CanDecide: canDecide(currentUser(c)), Appeals: appeals, Pages: pages}})
}

// act confirms, dismisses or sends a finding as a ticket, and returns to where it stands.
func (h *inspectionHandlers) act(c *gin.Context) {
	f, tk, err := h.do(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	msg := map[string]string{"confirm": "已确认该问题", "dismiss": "已排除该问题，以后各轮不再计入"}[c.Param("action")]
	if tk != nil {
		msg = "已转交主办单位办理，工单编号 " + tk.TicketNo
	}
	h.setFlash(c, flash{Kind: "ok", Message: msg})
	c.Redirect(http.StatusSeeOther, h.findingPage(c.Request.Context(), f))
}

// do is the finding action of the request.
func (h *inspectionHandlers) do(c *gin.Context) (*models.Finding, *models.Ticket, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, nil, err
	}
	ctx, u, sc := c.Request.Context(), currentUser(c), scopeOf(c)
	switch c.Param("action") {
	case "confirm", "dismiss":
		f, err := h.store.DecideFinding(ctx, u, sc, id, c.Param("action") == "confirm")
		return f, nil, err
	case "ticket":
		tk, events, err := h.store.SendFindingToUnit(ctx, u, sc, id)
		if err != nil {
			return nil, nil, err
		}
		h.events.Dispatch(ctx, events...) // the ticket's reminders
		f := &models.Finding{ID: id, TicketID: &tk.ID}
		return f, tk, nil
	}
	return nil, nil, models.NotFound("页面不存在")
}

// findingPage is the page a finding is shown on.
func (h *inspectionHandlers) findingPage(ctx context.Context, f *models.Finding) string {
	switch {
	case f.ImportID != nil:
		return "/staff/inspection/imports/" + strconv.FormatInt(*f.ImportID, 10)
	case f.RoundID != nil && f.WebsiteID != nil:
		if r, err := h.store.SiteResult(ctx, *f.RoundID, *f.WebsiteID); err == nil {
			return "/staff/inspection/results/" + strconv.FormatInt(r.ID, 10)
		}
	}
	return "/staff/inspection"
}

type accountsPage struct {
	Accounts  []models.AccountRow
	Imports   []models.AccountImport
	CanImport bool
}

func (h *inspectionHandlers) accounts(c *gin.Context) {
	ctx := c.Request.Context()
	accs, err := h.store.Accounts(ctx, scopeOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	p := accountsPage{Accounts: accs, CanImport: canDecide(currentUser(c))}
	if p.CanImport {
		if p.Imports, err = h.store.AccountImports(ctx, scopeOf(c), currentUser(c).ID, 20); err != nil {
			h.fail(c, err)
			return
		}
	}
	h.render(c, http.StatusOK, "inspection_accounts", page{Title: "政务新媒体", Active: "inspection", Content: p})
}

type mediaAccountPage struct {
	Account *models.AccountRow
	Events  []models.MediaAccountEvent
	Form    map[string]string
	Error   string
	Today   string
}

func (h *inspectionHandlers) account(c *gin.Context) {
	h.showAccount(c, http.StatusOK, nil, nil)
}

func (h *inspectionHandlers) showAccount(c *gin.Context, code int, form map[string]string, failure error) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	acc, events, err := h.store.AccountEvents(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := mediaAccountPage{Account: acc, Events: events, Form: form, Today: h.clock.Now().In(models.Shanghai).Format(time.DateOnly)}
	if failure != nil {
		p.Error = message(failure)
	}
	h.render(c, code, "inspection_account", page{Title: acc.Name, Active: "inspection", Content: p})
}

// fileEvent files an account's 开设, 变更, 关停 or 注销; a bad filing shows the form again.
func (h *inspectionHandlers) fileEvent(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	e := models.MediaAccountEvent{Kind: c.PostForm("kind"), FiledOn: c.PostForm("filed_on"), Note: c.PostForm("note")}
	if _, err := h.store.FileAccountEvent(c.Request.Context(), currentUser(c), scopeOf(c), id, e); err != nil {
		if status(err) >= 500 || models.ErrorKind(err) == models.KindNotFound {
			h.fail(c, err)
			return
		}
		h.showAccount(c, status(err), map[string]string{"kind": e.Kind, "filed_on": e.FiledOn, "note": e.Note}, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已登记" + models.AccountEventLabel(mustKind(e.Kind))})
	c.Redirect(http.StatusSeeOther, "/staff/inspection/accounts/"+strconv.FormatInt(id, 10))
}

func mustKind(s string) string {
	k, _ := models.AccountEventKind(s)
	return k
}

// importAccounts reads a sheet of accounts, stores its rows and queues their checks, then shows
// the import checking: fetching menu links takes longer than a request may. A bad sheet is a 400
// naming its bad cells, and nothing is stored; rows outside the person's scope are not imported
// (the store refuses them, and a sheet of nothing else, with a 403).
func (h *inspectionHandlers) importAccounts(c *gin.Context) {
	imp, err := h.startImport(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	msg := "已收到 " + strconv.Itoa(imp.Accounts) + " 个账号，正在检查"
	if imp.Refused > 0 {
		msg = "已收到 " + strconv.Itoa(imp.Accounts) + " 个账号，其中 " + strconv.Itoa(imp.Refused) +
			" 个不在您的管辖范围内，未导入；正在检查其余 " + strconv.Itoa(imp.Accounts-imp.Refused) + " 个"
	}
	h.setFlash(c, flash{Kind: "ok", Message: msg})
	c.Redirect(http.StatusSeeOther, "/staff/inspection/imports/"+strconv.FormatInt(imp.ID, 10))
}

// startImport stores the sheet's rows as an import and queues its checks. Should the queue be
// away, the import is failed at once, with the reason, and the error says so: the person who
// uploaded it is not left watching an import that may wait a reconciler's period to start (and,
// told on the spot, gets no notice of it).
func (h *inspectionHandlers) startImport(c *gin.Context) (*models.AccountImport, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, models.Invalid("file", "请选择要导入的 XLSX 或 CSV 文件")
	}
	if fh.Size > maxAccountImport {
		return nil, models.Invalid("file", "导入文件不超过 8 MB")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, models.Invalid("file", "文件无法读取")
	}
	defer f.Close()
	rows, err := accountsheet.Read(f, fh.Filename)
	if err != nil {
		return nil, err
	}
	ctx, u := c.Request.Context(), currentUser(c)
	imp, events, err := h.store.CreateAccountImport(ctx, u, fh.Filename, rows)
	if err != nil {
		return nil, err
	}
	if err := h.events.Dispatch(ctx, events...); err != nil {
		const reason = "任务队列暂时无法访问，导入未能开始，请稍后重新导入"
		if ferr := h.store.AbandonAccountImport(context.WithoutCancel(ctx), imp.ID, reason); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return nil, models.Unavailable(reason, err)
	}
	return imp, nil
}

type importPage struct {
	Import    *models.AccountImport
	Results   []models.AccountResult
	CanDecide bool
}

func (h *inspectionHandlers) importResults(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	imp, results, err := h.store.ImportResults(c.Request.Context(), scopeOf(c), currentUser(c).ID, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if format := c.Query("format"); format != "" {
		h.exportImport(c, format, imp, results)
		return
	}
	if imp.Status == models.ImportRunning {
		c.Header("Refresh", importRefresh)
	}
	h.render(c, http.StatusOK, "inspection_import", page{Title: "新媒体检查结果", Active: "inspection",
		Content: importPage{Import: imp, Results: results, CanDecide: canDecide(currentUser(c))}})
}

// exportImport exports an account import's results within the scope (format=xlsx|csv), a row per
// account with its findings one per line, as the page lists them.
func (h *inspectionHandlers) exportImport(c *gin.Context, format string, imp *models.AccountImport, results []models.AccountResult) {
	scope, err := scopeName(c.Request.Context(), h.store, currentUser(c), scopeOf(c), "", 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	sh := sheet{Name: "新媒体检查结果", AsOf: h.clock.Now(),
		Title:   fmt.Sprintf("%s 新媒体检查结果 %s %s 导入", scope, imp.Filename, imp.ImportedAt.In(models.Shanghai).Format(time.DateOnly)),
		Headers: []string{"账号名称", "平台", "开办主体", "登记", "最后更新", "互动功能", "问题数", "问题", "未导入原因"}}
	for _, r := range results {
		filed, interaction := "已登记", "无"
		if r.AccountID == nil {
			filed = "未登记"
		}
		if r.Interaction {
			interaction = "有"
		}
		var problems []string
		for _, f := range r.Findings {
			problems = append(problems, models.FindingStatusLabel(f.Status)+" "+f.Indicator+"："+f.Evidence)
		}
		sh.Rows = append(sh.Rows, []any{r.Name, r.Platform, r.UnitName, filed, r.LastPost, interaction, len(r.Findings),
			strings.Join(problems, "\n"), r.Refused})
	}
	h.export(c, format, "新媒体检查结果_"+strings.TrimSuffix(imp.Filename, filepath.Ext(imp.Filename)), sh)
}
