package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// ticketStore is what the staff's ticket pages need of the database.
type ticketStore interface {
	ListTickets(ctx context.Context, sc models.Scope, f models.TicketFilter) ([]models.TicketRow, int64, error)
	TicketDetail(ctx context.Context, sc models.Scope, ticketNo string) (*models.TicketDetail, error)
	DetailOf(ctx context.Context, t *models.Ticket) (*models.TicketDetail, error)
	TicketScreenshot(ctx context.Context, sc models.Scope, ticketNo string) (*models.Attachment, error)
	Perform(ctx context.Context, actor *models.User, ticketNo string, a models.Action) (*models.Acted, error)
	UnitRow(ctx context.Context, sc models.Scope, id int64) (*models.UnitRow, error)
	UnitIDByName(ctx context.Context, sc models.Scope, field, name string) (int64, error)
	Categories(ctx context.Context) ([]models.Category, error)
	Calendar(ctx context.Context) (*models.Calendar, error)
	Settings(ctx context.Context) (models.Settings, error)
	AuditLog(ctx context.Context, sc models.Scope, f models.AuditFilter) ([]models.AuditEntry, int64, error)
	Regions(ctx context.Context) ([]models.Region, error)
	CannedReplies(ctx context.Context, unitID int64) ([]models.CannedReply, error)
	unitWarningsStore
}

type staffHandlers struct {
	*ui
	store  ticketStore
	clock  models.Clock
	events models.Dispatcher
}

// ticketItem is a row of a list with its countdown in working days (models.TicketRow.Countdown).
type ticketItem struct {
	models.TicketRow
	models.Countdown
}

func (h *staffHandlers) items(ctx context.Context, rows []models.TicketRow) ([]ticketItem, error) {
	cal, err := h.store.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	now := h.clock.Now()
	items := make([]ticketItem, len(rows))
	for i, r := range rows {
		items[i] = ticketItem{TicketRow: r, Countdown: r.Countdown(now, cal)}
	}
	return items, nil
}

type deskPage struct {
	Role       string
	ToDo       int64            // what this person can act on, in all: the header's 待办, the lists marked so below
	Inbox      deskList         // unit staff: the replies to write (to do); reviewers: the unit's tickets in hand
	Triage     deskList         // supervisors: to forward (to do)
	Pending    deskList         // supervisors: requests to decide (to do)
	Overdue    deskList         // supervisors: late units
	Supervised deskList         // supervisors: under 督办, until closed
	Reviewing  deskList         // reviewers: replies to approve (to do)
	Units      unitWarningsView // supervisors: units that cannot finish a ticket (unit_warnings.go)
	Unhappy    int64            // supervisors: replies rated 不满意, to reopen or let stand
	UnhappyURL string
}

// deskList is a list of the desk: its first tickets, most urgent first, and how many there are.
type deskList struct {
	Items []ticketItem
	Total int64
}

// desk is the first page after signing in: what waits for this person, most urgent first. The
// lists of what they can act on read the same definition as the header's 待办 (models toDo).
func (h *staffHandlers) desk(c *gin.Context) {
	u := currentUser(c)
	if u.Role == models.RoleAdmin {
		c.Redirect(http.StatusSeeOther, "/admin")
		return
	}
	ctx, sc := c.Request.Context(), scopeOf(c)
	p := deskPage{Role: u.Role}
	list := func(f models.TicketFilter) deskList {
		if c.IsAborted() {
			return deskList{}
		}
		f.PerPage = 50
		rows, total, err := h.store.ListTickets(ctx, sc, f)
		if err == nil {
			var items []ticketItem
			if items, err = h.items(ctx, rows); err == nil {
				return deskList{items, total}
			}
		}
		h.fail(c, err)
		return deskList{}
	}
	switch u.Role {
	case models.RoleSupervisor:
		p.Supervised = list(models.TicketFilter{Supervised: true})
		p.Triage = list(models.TicketFilter{ToDo: u.Role, Status: models.StatusTriage})
		p.Pending = list(models.TicketFilter{ToDo: u.Role, Pending: true})
		p.Overdue = list(models.TicketFilter{Overdue: true})
		p.ToDo = p.Triage.Total + p.Pending.Total
		if !c.IsAborted() {
			// Only the count: the list behind it is the ticket list's own filter.
			var err error
			if _, p.Unhappy, err = h.store.ListTickets(ctx, sc, models.TicketFilter{Unhappy: true, PerPage: 1}); err != nil {
				h.fail(c, err)
				return
			}
			p.UnhappyURL = models.UnhappyList
			p.Units.W = h.unitWarnings(c, h.store, sc)
		}
	case models.RoleUnitReviewer:
		// A reply waiting for review is listed above it; the inbox holds the rest.
		p.Reviewing = list(models.TicketFilter{ToDo: u.Role})
		p.Inbox = list(models.TicketFilter{Status: "handling"})
		p.ToDo = p.Reviewing.Total
	default:
		p.Inbox = list(models.TicketFilter{ToDo: u.Role})
		p.ToDo = p.Inbox.Total
	}
	if c.IsAborted() {
		return
	}
	h.render(c, http.StatusOK, "desk", page{Title: "工作台", Active: "desk", Content: p})
}

type listPage struct {
	Items       []ticketItem
	Total       int64
	Filter      models.TicketFilter
	Query       url.Values
	Categories  []models.Category
	UnitFilter  bool   // the unit picker is offered (a supervisor's list spans many units)
	UnitName    string // the unit the list is filtered by, as the picker shows it
	Statuses    []string
	Prev, Next  string // page links
	Page, Pages int
	MetricLabel string       // the rates' set the list shows, if any
	Selected    []string     // what the list is filtered to, in words (selectionText)
	ExportURL   template.URL // this list as a spreadsheet: a whole link, its query kept as encoded
}

// parseFilter reads the list's filters from the query string; unknown values are ignored.
func parseFilter(c *gin.Context) models.TicketFilter {
	f := models.TicketFilter{Status: c.Query("status"), Q: c.Query("q"), Selection: readSelection(c),
		Pending: c.Query("pending") == "1", Overdue: c.Query("overdue") == "1", DueToday: c.Query("due_today") == "1",
		Supervised: c.Query("supervised") == "1", Unhappy: c.Query("unsatisfied") == "1"}
	if c.Query("todo") == "1" { // what the person can act on: the header's 待办
		f.ToDo = currentUser(c).Role
	}
	if _, ok := models.Metrics[c.Query("metric")]; ok {
		f.Metric = c.Query("metric")
	}
	f.Page, _ = strconv.Atoi(c.Query("page"))
	f.PerPage, _ = strconv.Atoi(c.Query("per_page"))
	if d, err := models.ParseDate(c.Query("from")); err == nil {
		f.From = d.At(0, 0, 0)
	}
	if d, err := models.ParseDate(c.Query("to")); err == nil {
		f.To = d.AddDays(1).At(0, 0, 0)
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 || f.PerPage > 100 {
		f.PerPage = 20
	}
	return f
}

// list shows the tickets in scope with filters and paging (the tickets behind a number of the
// rates, too: metric=...), or exports them (format=xlsx|csv).
func (h *staffHandlers) list(c *gin.Context) {
	ctx, sc := c.Request.Context(), scopeOf(c)
	f := parseFilter(c)
	var regionName string
	if code := c.Query("region"); code != "" {
		regions, err := h.store.Regions(ctx)
		if err != nil {
			h.fail(c, err)
			return
		}
		f.RegionPath = "/none/" // an unknown region shows nothing
		for _, r := range regions {
			if r.Code == code {
				f.RegionPath, regionName = r.Path, r.Name
			}
		}
	}
	// The unit picker gives the unit's name, links from the rates its id; a name not in the
	// scope shows nothing, as an unknown region does.
	unitName := strings.TrimSpace(c.Query("unit"))
	if f.UnitID == 0 && unitName != "" {
		id, err := h.store.UnitIDByName(ctx, sc, "unit", unitName)
		if err != nil && status(err) >= 500 {
			h.fail(c, err)
			return
		}
		if f.UnitID = id; id == 0 {
			f.RegionPath = "/none/"
		}
	} else if f.UnitID > 0 {
		unitName = ""
		if u, err := h.store.UnitRow(ctx, sc, f.UnitID); err == nil {
			unitName = u.Name
		}
	}
	if format := c.Query("format"); format != "" {
		f.Page, f.PerPage = 1, models.MaxExportRows
		rows, _, err := h.store.ListTickets(ctx, sc, f)
		if err != nil {
			h.fail(c, err)
			return
		}
		scope, err := scopeName(ctx, h.store, currentUser(c), sc, f.RegionPath, f.UnitID)
		if err != nil {
			h.fail(c, err)
			return
		}
		sh := sheet{Name: "留言", Title: strings.TrimSpace(scope + " 留言列表 " + periodText(f.From, f.To)), AsOf: h.clock.Now(),
			Headers: []string{"留言编号", "状态", "问题类型", "办理单位", "出错页面", "问题描述", "提交时间", "答复期限", "办结时间"}}
		for _, r := range rows {
			sh.Rows = append(sh.Rows, []any{r.TicketNo, statusLabel(r.Status), r.CategoryName, r.UnitName, r.PageURL, r.Description,
				r.ReceivedAt, r.DueAt(), r.ClosedAt})
		}
		h.export(c, format, "留言列表", sh)
		return
	}
	rows, total, err := h.store.ListTickets(ctx, sc, f)
	if err != nil {
		h.fail(c, err)
		return
	}
	items, err := h.items(ctx, rows)
	if err != nil {
		h.fail(c, err)
		return
	}
	cats, err := h.store.Categories(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := listPage{Items: items, Total: total, Filter: f, Query: c.Request.URL.Query(), Categories: cats, Page: f.Page,
		MetricLabel: models.Metrics[f.Metric], ExportURL: template.URL("/staff/tickets?" + mergeQuery(c.Request.URL.Query(), "format", "xlsx")),
		Statuses: []string{models.StatusTriage, models.StatusAssigned, models.StatusProcessing, models.StatusReviewing,
			models.StatusClosed, models.StatusInvalid, models.StatusLinked}}
	p.UnitFilter, p.UnitName = currentUser(c).Role == models.RoleSupervisor, unitName
	p.Selected = selectionText(f, regionName, unitName, cats)
	p.Pages = int((total + int64(f.PerPage) - 1) / int64(f.PerPage))
	pageLink := func(n int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return "/staff/tickets?" + q.Encode()
	}
	if f.Page > 1 {
		p.Prev = pageLink(f.Page - 1)
	}
	if f.Page < p.Pages {
		p.Next = pageLink(f.Page + 1)
	}
	h.render(c, http.StatusOK, "tickets", page{Title: "留言办理", Active: "tickets", Content: p})
}

type auditPage struct {
	TicketLinks bool // the viewer may open a ticket's page (mayOpenTickets)
	Entries     []models.AuditEntry
	Total       int64
	Filter      models.AuditFilter
	Prev, Next  string
	Page, Pages int
}

// audit shows who did what to which ticket, when, within the scope.
func (h *staffHandlers) audit(c *gin.Context) {
	f := models.AuditFilter{Actor: c.Query("actor"), Kind: c.Query("kind")}
	f.Page, _ = strconv.Atoi(c.Query("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	f.PerPage = 50
	if d, err := models.ParseDate(c.Query("from")); err == nil {
		f.From = d.At(0, 0, 0)
	}
	if d, err := models.ParseDate(c.Query("to")); err == nil {
		f.To = d.AddDays(1).At(0, 0, 0)
	}
	entries, total, err := h.store.AuditLog(c.Request.Context(), scopeOf(c), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := auditPage{TicketLinks: mayOpenTickets(currentUser(c)), Entries: entries, Total: total, Filter: f, Page: f.Page, Pages: int((total + 49) / 50)}
	link := func(n int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return "/staff/audit?" + q.Encode()
	}
	if f.Page > 1 {
		p.Prev = link(f.Page - 1)
	}
	if f.Page < p.Pages {
		p.Next = link(f.Page + 1)
	}
	h.render(c, http.StatusOK, "audit", page{Title: "操作记录", Active: "audit", Content: p})
}

// newRequestKey names one rendering of an action form: the same form sent twice (a double
// click) carries the same key and is done once.
func newRequestKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
