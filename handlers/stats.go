package handlers

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

type statsStore interface {
	CompletionTable(ctx context.Context, q models.StatsQuery, groupBy, rootPath string) (*models.StatsTable, error)
	Dashboard(ctx context.Context, q models.StatsQuery, groups []string, rootPath string) (*models.Dashboard, error)
	Regions(ctx context.Context) ([]models.Region, error)
	UnitRow(ctx context.Context, sc models.Scope, id int64) (*models.UnitRow, error)
}

type statsHandlers struct {
	*ui
	store statsStore
	clock models.Clock
}

// statsRequest is what a rates page or call asks for, checked against the person's scope.
type statsRequest struct {
	Query    models.StatsQuery
	Root     models.Region   // the region whose sub-regions the region table shows
	Regions  []models.Region // the regions the person may choose
	Kind     string          // the period's kind as asked: week, month, quarter, year, or ""
	From, To string
}

func (h *statsHandlers) request(c *gin.Context) (*statsRequest, error) {
	ctx, sc, u := c.Request.Context(), scopeOf(c), currentUser(c)
	now := h.clock.Now()
	req := &statsRequest{Kind: c.Query("period"), From: c.Query("from"), To: c.Query("to")}
	p, err := models.ParsePeriod(req.Kind, req.From, req.To, now)
	if err != nil {
		return nil, err
	}
	asOf := now
	if v := c.Query("as_of"); v != "" {
		if asOf, err = models.ParseAsOf(v, now); err != nil {
			return nil, err
		}
	}
	req.Query = models.StatsQuery{Scope: sc, Period: p, AsOf: asOf, Selection: readSelection(c)}
	regions, err := h.store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	// The regions the person may look at: a supervisor's own and below; everything for admins.
	var own models.Region
	for _, r := range regions {
		switch {
		case sc.All, sc.RegionPath != "" && strings.HasPrefix(r.Path, sc.RegionPath):
			req.Regions = append(req.Regions, r)
		}
		if u.RegionID != nil && r.ID == *u.RegionID {
			own = r
		}
	}
	req.Root = own
	if sc.All && own.ID == 0 && len(regions) > 0 {
		req.Root = regions[0]
	}
	if code := c.Query("region"); code != "" {
		found := false
		for _, r := range req.Regions {
			if r.Code == code {
				req.Root, req.Query.RegionPath, found = r, r.Path, true
			}
		}
		if !found {
			return nil, models.NotFound("没有该地区，或不在您的管辖范围内")
		}
	}
	return req, nil
}

// readSelection reads the parameters of a models.Selection that need no look-up (the region's
// code is resolved by the page that reads it): the rates page and the ticket list behind its
// numbers read them alike, from the links drillQuery and ticketsLink write.
func readSelection(c *gin.Context) models.Selection {
	sel := models.Selection{RegionOwn: c.Query("region_own") == "1", Unassigned: c.Query("unassigned") == "1"}
	sel.UnitID, _ = strconv.ParseInt(c.Query("unit"), 10, 64)
	sel.CategoryID, _ = strconv.ParseInt(c.Query("category"), 10, 64)
	if s := c.Query("source"); s == models.SourceCitizen || s == models.SourceInspection {
		sel.Source = s
	}
	return sel
}

// drillQuery is the query of the ticket list behind the page's numbers: the period and every
// part of the rates' selection, so that the list shows the tickets the numbers count.
func drillQuery(req *statsRequest) url.Values {
	q, sel := url.Values{}, req.Query.Selection
	p := req.Query.Period
	q.Set("from", dateParam(p.From))
	q.Set("to", dateParam(p.To.Add(-time.Second)))
	if sel.RegionPath != "" {
		q.Set("region", req.Root.Code)
		if sel.RegionOwn {
			q.Set("region_own", "1")
		}
	}
	if sel.UnitID != 0 {
		q.Set("unit", strconv.FormatInt(sel.UnitID, 10))
	}
	if sel.Unassigned {
		q.Set("unassigned", "1")
	}
	if sel.CategoryID != 0 {
		q.Set("category", strconv.FormatInt(sel.CategoryID, 10))
	}
	if sel.Source != "" {
		q.Set("source", sel.Source)
	}
	return q
}

// selectionText says in words what a ticket list is filtered to, above the list: the period
// and the selection a number of the rates counts (a list reached from a number names it).
func selectionText(f models.TicketFilter, regionName, unitName string, cats []models.Category) []string {
	var out []string
	if !f.From.IsZero() || !f.To.IsZero() {
		from, to := "", ""
		if !f.From.IsZero() {
			from = dateParam(f.From)
		}
		if !f.To.IsZero() {
			to = dateParam(f.To.Add(-time.Second))
		}
		out = append(out, "提交时间 "+from+" 至 "+to)
	}
	switch {
	case regionName != "" && f.RegionOwn:
		out = append(out, regionName+"（本级，不含下级地区）")
	case regionName != "":
		out = append(out, regionName+"（含下级地区）")
	}
	if f.Unassigned {
		out = append(out, "待分办（未确定办理单位）")
	} else if unitName != "" {
		out = append(out, "办理单位 "+unitName)
	}
	for _, cat := range cats {
		if cat.ID == f.CategoryID {
			out = append(out, "问题类型 "+cat.Name)
		}
	}
	switch f.Source {
	case models.SourceCitizen:
		out = append(out, "网民留言")
	case models.SourceInspection:
		out = append(out, "检查发现")
	}
	if label := models.Metrics[f.Metric]; label != "" {
		out = append(out, label)
	}
	return out
}

// ticketsLink is the ticket list behind a number of the rates: the page's query (drillQuery),
// narrowed to the table's line (row, a models.StatsRow; none for a total), and the metric; ""
// without a base (statsPage.Drill: the viewer may not open the list).
func ticketsLink(base url.Values, groupBy string, row any, metric string) string {
	if base == nil {
		return ""
	}
	q := url.Values{}
	for k, v := range base {
		q[k] = v
	}
	if r, ok := row.(models.StatsRow); ok {
		switch {
		case groupBy == "unit" && r.Key == "":
			q.Set("unassigned", "1") // the 待分办 line: tickets with no unit
		case groupBy == "region":
			q.Set("region", r.Key)
			q.Del("region_own")
			if r.Own {
				q.Set("region_own", "1")
			}
		case groupBy == "unit" || groupBy == "category":
			q.Set(groupBy, r.Key) // the list's filter has the group's name
		}
	}
	if metric != "received" {
		q.Set("metric", metric)
	}
	return "/staff/tickets?" + q.Encode()
}

// ticketRoles may open the ticket list and a ticket's page (routes.go): the pages link a number
// or an entry to them for these roles alone, so that no link leads to a refusal.
var ticketRoles = []string{models.RoleSupervisor, models.RoleUnitStaff, models.RoleUnitReviewer}

func mayOpenTickets(u *models.User) bool { return u != nil && slices.Contains(ticketRoles, u.Role) }

type statsPage struct {
	Req         *statsRequest
	Period      models.Period
	Previous    models.Period
	Total, Prev models.Counts
	Tables      []*models.StatsTable
	RegionChart template.HTML
	FlowChart   template.HTML
	CatChart    template.HTML
	Base        url.Values // the filters, for links to exports and sorting
	Drill       url.Values // Base for links to the ticket lists behind the numbers; nil for one who may not open them
	Periods     []periodChoice
	Sort        string
	Metrics     map[string]string
	MinDate     string // the earliest day a period may start (models.RatesEpoch)
	MaxYears    int    // the longest custom period
}

// dashboard is the rates page: the figures for the period beside the previous period's, the
// tables by region, unit and category, and charts.
func (h *statsHandlers) dashboard(c *gin.Context) {
	ctx := c.Request.Context()
	req, err := h.request(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if export := c.Query("export"); export != "" {
		h.exportTable(c, req, export, c.DefaultQuery("format", "xlsx"))
		return
	}
	p := statsPage{Req: req, Period: req.Query.Period, Previous: req.Query.Period.Previous(), Sort: c.Query("sort"), Metrics: models.Metrics,
		MinDate: dateParam(models.RatesEpoch), MaxYears: models.MaxPeriodYears}
	p.Periods = periodChoices(req, h.clock.Now())
	p.Base = drillQuery(req)
	if mayOpenTickets(currentUser(c)) {
		p.Drill = p.Base
	}
	groups := []string{"unit", "category"}
	if currentUser(c).Role == models.RoleSupervisor || currentUser(c).Role == models.RoleAdmin {
		groups = []string{"region", "unit", "category"}
	}
	d, err := h.store.Dashboard(ctx, req.Query, groups, req.Root.Path)
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, t := range d.Tables {
		if p.Sort != "" && t.GroupBy == "unit" {
			t.SortRows(strings.TrimPrefix(p.Sort, "-"), strings.HasPrefix(p.Sort, "-"))
		}
		p.Tables = append(p.Tables, t)
		p.Total = t.Total
	}
	p.Prev = d.Previous
	p.FlowChart = flowChart(d.Flow)
	for _, t := range p.Tables {
		switch t.GroupBy {
		case "region":
			var bars []bar
			for _, r := range t.Rows {
				rate := r.OnTimeRate()
				bars = append(bars, bar{Label: r.Name, Value: rate.Value(), Text: rate.String() + "（" + itoa(int(rate.Num)) + "/" + itoa(int(rate.Den)) + "）",
					Link: regionLink(c.Request.URL.Query(), r), Muted: r.Due < int64(t.MinDue)})
			}
			p.RegionChart = barChart("各地区按期办结率", bars)
		case "category":
			var top int64 = 1
			for _, r := range t.Rows {
				top = max(top, r.Received)
			}
			// Most received first: the chart answers "which problems are most reported".
			rows := append([]models.StatsRow{}, t.Rows...)
			sort.SliceStable(rows, func(i, j int) bool {
				if rows[i].Received != rows[j].Received {
					return rows[i].Received > rows[j].Received
				}
				return rows[i].Name < rows[j].Name
			})
			var bars []bar
			for _, r := range rows {
				bars = append(bars, bar{Label: r.Name, Value: float64(r.Received) / float64(top), Text: itoa(int(r.Received)) + " 条",
					Link: ticketsLink(p.Drill, "category", r, "received")})
			}
			p.CatChart = barChart("各类问题留言数", bars)
		}
	}
	h.render(c, http.StatusOK, "stats", page{Title: "办理统计", Active: "stats", Content: p})
}

func dateParam(t time.Time) string { return t.In(models.Shanghai).Format("2006-01-02") }

// periodChoice is an option of the rates page's period list.
type periodChoice struct {
	Value, Label string
	Selected     bool
}

// periodChoices lists this week, month, quarter and year, the one that is the period shown
// selected; a period that is none of them (a date range, a past quarter) is listed first, by its
// own name, and selected, so that the list never names a period other than the one shown.
func periodChoices(req *statsRequest, now time.Time) []periodChoice {
	shown := req.Query.Period
	var out []periodChoice
	found := false
	for _, k := range []struct{ kind, label string }{{"week", "本周"}, {"month", "本月"}, {"quarter", "本季度"}, {"year", "本年"}} {
		p, _ := models.ParsePeriod(k.kind, "", "", now)
		same := p.From.Equal(shown.From) && p.To.Equal(shown.To)
		found = found || same
		out = append(out, periodChoice{Value: k.kind, Label: k.label, Selected: same})
	}
	if !found {
		own := periodChoice{Label: shown.Label, Selected: true} // a date range: its dates are in the form
		if req.From == "" && req.To == "" {
			own.Value = req.Kind
		}
		out = append([]periodChoice{own}, out...)
	}
	return out
}

// regionLink is the rates page of a region table's line: the region below, or the root's own
// tickets for its 本级 line.
func regionLink(q url.Values, r models.StatsRow) string {
	q.Set("region", r.Key)
	q.Del("region_own")
	if r.Own {
		q.Set("region_own", "1")
	}
	return "/staff/stats?" + q.Encode()
}

// mergeQuery returns q with each pair of kv (key, value) set over it, encoded; q is left as it is.
func mergeQuery(q url.Values, kv ...string) string {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out.Encode()
}

// statsHeaders and statsCells are the columns of an exported rates table.
var statsHeaders = []string{"名称", "排名", "收到", "无效", "重复", "有效", "办结", "办结率", "应办结", "按期办结", "按期办结率",
	"当前超期", "超期办结", "超一个月办结", "超一个月未办结", "问题属实", "平均办理工作日", "已评价", "满意和基本满意", "满意率"}

func statsCells(name string, rank int, c models.Counts) []any {
	var rankText any = "—"
	if rank > 0 {
		rankText = rank
	}
	return []any{name, rankText, c.Received, c.Invalid, c.Duplicates, c.Valid, c.Closed, c.CompletionRate(), c.Due, c.OnTime,
		c.OnTimeRate(), c.OverdueNow, c.LateClosed, c.ClosedOverMonth, c.OpenOverMonth, c.Confirmed, c.AvgHandlingDays(),
		c.Rated, c.Satisfied, c.Satisfaction()}
}

var groupNames = map[string]string{"unit": "按单位", "region": "按地区", "category": "按问题类型"}

func (h *statsHandlers) exportTable(c *gin.Context, req *statsRequest, groupBy, format string) {
	if _, ok := groupNames[groupBy]; !ok {
		h.fail(c, models.Invalid("export", "export 应为 unit、region 或 category"))
		return
	}
	t, err := h.store.CompletionTable(c.Request.Context(), req.Query, groupBy, req.Root.Path)
	if err != nil {
		h.fail(c, err)
		return
	}
	scope, err := scopeName(c.Request.Context(), h.store, currentUser(c), req.Query.Scope, req.Query.RegionPath, req.Query.UnitID)
	if err != nil {
		h.fail(c, err)
		return
	}
	period := req.Query.Period
	when := periodText(period.From, period.To)
	if period.Label != when {
		when = period.Label + "（" + when + "）"
	}
	sh := sheet{Name: groupNames[groupBy], Title: scope + " 办理统计（" + groupNames[groupBy] + "） " + when, AsOf: h.clock.Now(), Headers: statsHeaders}
	for _, r := range t.Rows {
		sh.Rows = append(sh.Rows, statsCells(r.Name, r.Rank, r.Counts))
	}
	sh.Rows = append(sh.Rows, statsCells("合计", 0, t.Total))
	h.export(c, format, "办理统计_"+req.Query.Period.Label+"_"+groupNames[groupBy], sh)
}
