package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// TicketFilter selects tickets for a list. Zero values select everything in scope.
type TicketFilter struct {
	Status string // a status; "open" for every status still waiting for someone; "handling" for those not waiting for the reviewer
	Selection
	Pending    bool   // with a return or extension request waiting
	Overdue    bool   // open and past the deadline now
	Supervised bool   // open and under 督办
	Metric     string // one of the rates' sets (see metricCondition): the tickets behind a number
	DueToday   bool   // open and due before the end of today
	Unhappy    bool   // rated 不满意 and not reopened: the supervisor decides whether to reopen
	ToDo       string // a role: only what someone of it can act on now (toDo)
	Q          string
	From, To   time.Time // received in [From, To)
	Page       int       // from 1
	PerPage    int       // at most 200, or MaxExportRows for an export
}

// MaxExportRows bounds a ticket list exported at once.
const MaxExportRows = 20000

// TicketRow is a ticket as lists show it.
type TicketRow struct {
	ID             int64
	TicketNo       string
	Status         string
	Source         string
	Pending        string
	CategoryName   string
	UnitName       string
	PageURL        string
	Description    string
	ReceivedAt     time.Time
	Deadline       *time.Time
	TriageDeadline *time.Time
	ClosedAt       *time.Time
	UrgeCount      int
	ReplyRejected  bool // 被退回: the reviewer sent the reply back
}

// DueAt is the deadline the ticket is held to now: the unit's, or the supervisor's while in triage.
func (r TicketRow) DueAt() *time.Time { return dueAt(r.Status, r.Deadline, r.TriageDeadline) }

// openStatuses are the statuses in which a ticket waits for someone.
var (
	openStatuses     = []string{StatusTriage, StatusAssigned, StatusProcessing, StatusReviewing}
	handlingStatuses = []string{StatusTriage, StatusAssigned, StatusProcessing}
)

func (s *Store) filtered(ctx context.Context, sc Scope, f TicketFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("tickets t")
	q = sc.tickets(q, "t")
	now := s.now()
	switch f.Status {
	case "":
	case "open":
		q = q.Where("t.status IN ?", openStatuses)
	case "handling":
		q = q.Where("t.status IN ?", handlingStatuses)
	default:
		q = q.Where("t.status = ?", f.Status)
	}
	q = f.Selection.where(q, "t", true)
	if f.Pending {
		q = q.Where("t.pending <> ''")
	}
	if f.Metric != "" {
		cond, args := s.metricCondition(f.Metric, now)
		q = q.Where(cond, args...)
	}
	if f.Supervised {
		q = q.Where("t.status IN ? AND t.supervise_level > 0", openStatuses)
	}
	if f.Overdue {
		q = q.Where("t.status IN ? AND COALESCE(t.deadline, t.triage_deadline) < ?", openStatuses, now)
	}
	if f.Unhappy {
		q = q.Where(sqlUnhappy)
	}
	if f.ToDo != "" {
		cond, args := toDo(f.ToDo)
		q = q.Where(cond, args...)
	}
	if f.DueToday {
		end := DateOf(now).End().UTC()
		q = q.Where("t.status IN ? AND COALESCE(t.deadline, t.triage_deadline) BETWEEN ? AND ?", openStatuses, now, end)
	}
	if !f.From.IsZero() {
		q = q.Where("t.received_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("t.received_at < ?", f.To.UTC())
	}
	if q2 := strings.TrimSpace(f.Q); q2 != "" {
		like := "%" + escapeLike(q2) + "%"
		q = q.Where("(t.ticket_no = ? OR t.description LIKE ? ESCAPE '!' OR t.page_url LIKE ? ESCAPE '!')", strings.ToUpper(q2), like, like)
	}
	return q
}

// escapeLike makes user text match literally inside LIKE ... ESCAPE '!'.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// ListTickets returns a page of the tickets in scope that match, the open ones first by the
// deadline they are held to (so overdue ones lead), then the rest by most recent, and how many
// match in all. The page is read first: when it is not full it is the last one, and the total
// follows from it without counting (most units' inboxes fit on one page).
func (s *Store) ListTickets(ctx context.Context, sc Scope, f TicketFilter) ([]TicketRow, int64, error) {
	if f.PerPage <= 0 || f.PerPage > 200 && f.PerPage != MaxExportRows {
		f.PerPage = 20
	}
	if f.Page < 1 {
		f.Page = 1
	}
	offset := (f.Page - 1) * f.PerPage
	var rows []TicketRow
	err := s.filtered(ctx, sc, f).
		Select(`t.id, t.ticket_no, t.status, t.source, t.pending, c.name AS category_name, COALESCE(u.name, '') AS unit_name,
			t.page_url, t.description, t.received_at, t.deadline, t.triage_deadline, t.closed_at, t.urge_count, t.reply_rejected`).
		Joins("JOIN categories c ON c.id = t.category_id").
		Joins("LEFT JOIN units u ON u.id = t.unit_id").
		Order(gorm.Expr("CASE WHEN t.status IN ? THEN 0 ELSE 1 END", openStatuses)).
		Order("COALESCE(t.deadline, t.triage_deadline), t.received_at DESC, t.id DESC").
		Limit(f.PerPage).Offset(offset).
		Scan(&rows).Error
	if err != nil {
		return nil, 0, translate(err, "list tickets")
	}
	if len(rows) > 0 && len(rows) < f.PerPage || len(rows) == 0 && offset == 0 {
		return rows, int64(offset + len(rows)), nil
	}
	var total int64
	if err := s.filtered(ctx, sc, f).Count(&total).Error; err != nil {
		return nil, 0, translate(err, "count tickets")
	}
	return rows, total, nil
}

// toDo is what someone of role can act on now, as a condition on tickets t: the header's 待办
// count and the desk's lists read it, so the number and the lists behind it agree. It follows
// the actions' guards (actions.go):
//   - unit staff: the replies to write: 待签收 or 办理中 (those 被退回 among them), but not while a
//     return waits for the supervisor (an extension waiting does not stop a reply);
//   - unit reviewer: the replies waiting for review;
//   - supervisor: the tickets to triage and the requests to decide.
func toDo(role string) (string, []any) {
	switch role {
	case RoleUnitStaff:
		return "(t.status IN ? AND t.pending <> ?)", []any{[]string{StatusAssigned, StatusProcessing}, PendingReturn}
	case RoleUnitReviewer:
		return "t.status = ?", []any{StatusReviewing}
	case RoleSupervisor:
		return "(t.status = ? OR (t.status IN ? AND t.pending <> ''))", []any{StatusTriage, openStatuses}
	}
	return "1 = 0", nil
}

// InboxCounts are the figures in the header of the staff pages.
type InboxCounts struct {
	ToDo, DueToday, Overdue int64
}

// CountTicketsInScope returns the header figures for someone of role with the scope: what they
// can act on (toDo), and the open tickets due today and overdue.
func (s *Store) CountTicketsInScope(ctx context.Context, sc Scope, role string) (InboxCounts, error) {
	now := s.now()
	todo, todoArgs := toDo(role)
	args := append(todoArgs, openStatuses, now, DateOf(now).End().UTC(), openStatuses, now)
	var c InboxCounts
	err := sc.tickets(s.db.WithContext(ctx).Table("tickets t"), "t").Select(`
		COALESCE(SUM(CASE WHEN `+todo+` THEN 1 ELSE 0 END), 0) AS to_do,
		COALESCE(SUM(CASE WHEN t.status IN ? AND COALESCE(t.deadline, t.triage_deadline) BETWEEN ? AND ? THEN 1 ELSE 0 END), 0) AS due_today,
		COALESCE(SUM(CASE WHEN t.status IN ? AND COALESCE(t.deadline, t.triage_deadline) < ? THEN 1 ELSE 0 END), 0) AS overdue`,
		args...).
		Where("t.status IN ?", openStatuses).Scan(&c).Error
	return c, translate(err, "count tickets in scope")
}

// EventView is an event with the name of who did it.
type EventView struct {
	TicketEvent
	ActorName string
	UnitName  string
}

// TicketDetail is everything the staff page of a ticket shows.
type TicketDetail struct {
	Ticket
	CategoryName    string
	UnitName        string
	WebsiteName     string
	RegionName      string
	PrimaryNo       string      // the ticket this one duplicates
	Duplicates      []TicketRef // the tickets linked to this one
	Events          []EventView
	HasScreenshot   bool
	ReplyHits       []PersonalData // personal data in the reply, masked on publication
	DescriptionHits []PersonalData
	PageArrival     *PageCheck // the reported page as fetched when the report arrived
	PageRecheck     *PageCheck // and after the unit's reply
	PageVerdict     string     // what the two say about the fault, for the reviewer
}

// TicketRef names another ticket.
type TicketRef struct {
	TicketNo string
	Status   string
}

// TicketDetail returns a ticket in scope with its history and what the reviewer must see.
func (s *Store) TicketDetail(ctx context.Context, sc Scope, ticketNo string) (*TicketDetail, error) {
	t, err := s.Ticket(ctx, sc, ticketNo)
	if err != nil {
		return nil, err
	}
	return s.DetailOf(ctx, t)
}

// DetailOf completes a ticket already read in scope (as an action returns it) with its history and
// what the reviewer must see.
func (s *Store) DetailOf(ctx context.Context, t *Ticket) (*TicketDetail, error) {
	d := &TicketDetail{Ticket: *t}
	db := s.db.WithContext(ctx)
	// The names, the primary's number, whether a screenshot came and how many duplicates there
	// are, in one statement: this runs for every ticket view and after every action, and most
	// tickets have no duplicate to list.
	var shots, duplicates int64
	err := db.Raw(`SELECT c.name AS category_name, COALESCE(u.name, '') AS unit_name, COALESCE(w.name, '') AS website_name, r.name AS region_name,
			COALESCE((SELECT p.ticket_no FROM tickets p WHERE p.id = t.duplicate_of), '') AS primary_no,
			(SELECT COUNT(*) FROM attachments a WHERE a.ticket_id = t.id AND a.purpose = ?) AS screenshots,
			(SELECT COUNT(*) FROM tickets d WHERE d.duplicate_of = t.id) AS duplicates
		FROM tickets t JOIN categories c ON c.id = t.category_id JOIN regions r ON r.id = t.region_id
		LEFT JOIN units u ON u.id = t.unit_id LEFT JOIN websites w ON w.id = t.website_id WHERE t.id = ?`, PurposeScreenshot, t.ID).
		Row().Scan(&d.CategoryName, &d.UnitName, &d.WebsiteName, &d.RegionName, &d.PrimaryNo, &shots, &duplicates)
	if err != nil {
		return nil, translate(err, "ticket detail")
	}
	d.HasScreenshot = shots > 0
	if err := readUnitReview(db, &d.Ticket); err != nil { // what the page offers weighs it
		return nil, translate(err, "ticket unit review")
	}
	if duplicates > 0 {
		if err := db.Table("tickets").Select("ticket_no, status").Where("duplicate_of = ?", t.ID).Order("id").Scan(&d.Duplicates).Error; err != nil {
			return nil, translate(err, "ticket duplicates")
		}
	}
	if err := db.Table("ticket_events e").Select("e.*, COALESCE(us.display_name, us.username, '') AS actor_name, COALESCE(un.name, '') AS unit_name").
		Joins("LEFT JOIN users us ON us.id = e.actor_id").Joins("LEFT JOIN units un ON un.id = e.unit_id").
		Where("e.ticket_id = ?", t.ID).Order("e.id").Scan(&d.Events).Error; err != nil {
		return nil, translate(err, "ticket events")
	}
	if t.Reply != nil {
		d.ReplyHits = FindPersonalData(*t.Reply)
	}
	d.DescriptionHits = FindPersonalData(t.Description)
	if d.PageArrival, d.PageRecheck, err = s.PageChecks(ctx, t.ID); err != nil {
		return nil, err
	}
	d.PageVerdict = PageVerdict(d.CategoryName, d.PageArrival, d.PageRecheck)
	return d, nil
}

// TicketScreenshot returns a ticket's screenshot within the scope.
func (s *Store) TicketScreenshot(ctx context.Context, sc Scope, ticketNo string) (*Attachment, error) {
	t, err := s.Ticket(ctx, sc, ticketNo)
	if err != nil {
		return nil, err
	}
	var a Attachment
	if err := s.db.WithContext(ctx).Where("ticket_id = ? AND purpose = ?", t.ID, PurposeScreenshot).Take(&a).Error; err != nil {
		return nil, translate(err, "screenshot")
	}
	return &a, nil
}

// PublicReply is a closed ticket as 留言选登 shows it: personal data masked (in the description and
// the page's address too), no contact.
type PublicReply struct {
	TicketNo     string
	CategoryName string
	UnitName     string
	PageURL      string
	Description  string
	ReplyPublic  string
	ReceivedAt   time.Time
	ClosedAt     time.Time
}

// PublicReplies returns a page of the replies the reviewers chose to publish, newest first,
// matching q in what the page shows of them: the published description (personal data masked),
// the published reply or the unit's name. The description as written is never searched: a
// search would confirm its masked digits one guess at a time.
func (s *Store) PublicReplies(ctx context.Context, q string, page, perPage int) ([]PublicReply, int64, error) {
	if page < 1 {
		page = 1
	}
	base := func() *gorm.DB {
		b := s.db.WithContext(ctx).Table("tickets t").Joins("JOIN units u ON u.id = t.unit_id").
			Where("t.public = ? AND t.status = ?", true, StatusClosed)
		if q = strings.TrimSpace(q); q != "" {
			like := "%" + escapeLike(q) + "%"
			b = b.Where("(t.description_public LIKE ? ESCAPE '!' OR t.reply_public LIKE ? ESCAPE '!' OR u.name LIKE ? ESCAPE '!')", like, like, like)
		}
		return b
	}
	// Without a search the count needs no unit (a published ticket always has one): it comes off
	// the index on (public, status, closed_at) alone.
	count := base()
	if q == "" {
		count = s.db.WithContext(ctx).Table("tickets t").Where("t.public = ? AND t.status = ?", true, StatusClosed)
	}
	var total int64
	if err := count.Count(&total).Error; err != nil {
		return nil, 0, translate(err, "count public replies")
	}
	var rows []struct {
		PublicReply
		DescriptionPublic *string
	}
	err := base().Select(`t.ticket_no, c.name AS category_name, u.name AS unit_name, t.page_url, t.description,
			t.description_public, t.reply_public, t.received_at, t.closed_at`).
		Joins("JOIN categories c ON c.id = t.category_id").
		Order("t.closed_at DESC, t.id DESC").Limit(perPage).Offset((page - 1) * perPage).Scan(&rows).Error
	replies := make([]PublicReply, len(rows))
	for i, r := range rows {
		replies[i] = r.PublicReply
		replies[i].PageURL = MaskPersonalData(r.PageURL) // a search page's address may hold the number searched
		if r.DescriptionPublic != nil {
			replies[i].Description = *r.DescriptionPublic
		} else { // published before the column, and not filled yet
			replies[i].Description = MaskPersonalData(r.Description)
		}
	}
	return replies, total, translate(err, "public replies")
}

// FillPublishedDescriptions writes the published description of the tickets published before
// tickets.description_public existed (migration 0019), and returns how many it wrote. It runs at
// every start, in batches; once they are written it reads nothing but the index.
func (s *Store) FillPublishedDescriptions(ctx context.Context) (int, error) {
	db := s.db.WithContext(ctx)
	filled := 0
	for after := int64(0); ; {
		var rows []struct {
			ID          int64
			Description string
		}
		err := db.Table("tickets").Select("id, description").
			Where("public = ? AND status = ? AND description_public IS NULL AND id > ?", true, StatusClosed, after).
			Order("id").Limit(500).Scan(&rows).Error
		if err != nil {
			return filled, translate(err, "read unmasked published descriptions")
		}
		if len(rows) == 0 {
			return filled, nil
		}
		batch := 0
		err = s.transaction(ctx, func(tx *gorm.DB) error {
			batch = 0
			for _, r := range rows {
				// A reviewer publishing meanwhile has written it already: left as written.
				res := tx.Table("tickets").Where("id = ? AND description_public IS NULL", r.ID).
					Update("description_public", MaskPersonalData(r.Description))
				if res.Error != nil {
					return res.Error
				}
				batch += int(res.RowsAffected)
			}
			return nil
		})
		if err != nil {
			return filled, translate(err, "fill published descriptions")
		}
		filled += batch
		after = rows[len(rows)-1].ID
	}
}

// AuditEntry is one event for the audit log: who did what to which ticket, when.
type AuditEntry struct {
	At                   time.Time
	TicketNo             string
	Kind                 string
	ActorRole            string
	ActorName            string
	UnitName             string
	Reason               string
	FromStatus, ToStatus string
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Actor    string // username or display name
	Kind     string
	From, To time.Time
	Page     int
	PerPage  int
}

// AuditLog returns the events on tickets in scope, newest first.
func (s *Store) AuditLog(ctx context.Context, sc Scope, f AuditFilter) ([]AuditEntry, int64, error) {
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	base := func() *gorm.DB {
		q := s.db.WithContext(ctx).Table("ticket_events e").Joins("JOIN tickets t ON t.id = e.ticket_id").
			Joins("LEFT JOIN users us ON us.id = e.actor_id")
		q = sc.tickets(q, "t")
		if f.Actor != "" {
			q = q.Where("(us.username = ? OR us.display_name = ?)", f.Actor, f.Actor)
		}
		if f.Kind != "" {
			q = q.Where("e.kind = ?", f.Kind)
		}
		if !f.From.IsZero() {
			q = q.Where("e.at >= ?", f.From.UTC())
		}
		if !f.To.IsZero() {
			q = q.Where("e.at < ?", f.To.UTC())
		}
		return q
	}
	var total int64
	if err := base().Count(&total).Error; err != nil {
		return nil, 0, translate(err, "count audit log")
	}
	var rows []AuditEntry
	err := base().Select(`e.at, t.ticket_no, e.kind, e.actor_role, COALESCE(us.display_name, us.username, '') AS actor_name,
			COALESCE(un.name, '') AS unit_name, e.reason, e.from_status, e.to_status`).
		Joins("LEFT JOIN units un ON un.id = e.unit_id").
		Order("e.id DESC").Limit(f.PerPage).Offset((f.Page - 1) * f.PerPage).Scan(&rows).Error
	return rows, total, translate(err, "audit log")
}
