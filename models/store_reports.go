package models

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RouteMatch is where a reported page belongs: the registered website whose host and longest
// path prefix cover it, and that site's 主办单位.
type RouteMatch struct {
	WebsiteID   int64
	WebsiteName string
	UnitID      int64
	UnitName    string
	RegionID    int64
}

// routeEntry is one registered base of a running website, as routing compares it.
type routeEntry struct {
	PathPrefix string
	RouteMatch
}

// loadRoutes reads the routing table: every base of every running website, by host. It is
// cached with the other reference data, so a report costs no routing query.
func (s *Store) loadRoutes(ctx context.Context) (map[string][]routeEntry, error) {
	var rows []struct {
		Host, PathPrefix, WebsiteName, UnitName string
		WebsiteID, UnitID, RegionID             int64
	}
	err := s.db.WithContext(ctx).Raw(`
		SELECT b.host, b.path_prefix, w.id AS website_id, w.name AS website_name,
		       u.id AS unit_id, u.name AS unit_name, u.region_id
		FROM website_bases b
		JOIN websites w ON w.id = b.website_id
		JOIN units u ON u.id = w.unit_id
		WHERE w.status = ?`, SiteRunning).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "load routes")
	}
	routes := make(map[string][]routeEntry, len(rows))
	for _, r := range rows {
		routes[r.Host] = append(routes[r.Host], routeEntry{PathPrefix: r.PathPrefix, RouteMatch: RouteMatch{
			WebsiteID: r.WebsiteID, WebsiteName: r.WebsiteName, UnitID: r.UnitID, UnitName: r.UnitName, RegionID: r.RegionID}})
	}
	return routes, nil
}

// Route finds the running website that covers page, or returns nil. It compares exact hosts only:
// a page on another host never routes to a registered site, whatever its path or query say.
func (s *Store) Route(ctx context.Context, page PageURL) (*RouteMatch, error) {
	if _, _, _, err := s.reference(ctx); err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	entries := s.cache.routes[page.Host]
	s.cache.mu.Unlock()
	prefixes := make([]string, len(entries))
	for i, e := range entries {
		prefixes[i] = e.PathPrefix
	}
	best := LongestPrefix(prefixes, page.Path)
	if best < 0 {
		return nil, nil
	}
	m := entries[best].RouteMatch
	return &m, nil
}

// triageRegion is the region whose supervisors forward reports nobody's registry covers: the one
// the settings name, or the root of the region tree.
func (s *Store) triageRegion(ctx context.Context, set Settings) (int64, error) {
	q := s.db.WithContext(ctx).Table("regions").Select("id")
	if set.TriageRegion != "" {
		q = q.Where("code = ?", set.TriageRegion)
	} else {
		q = q.Where("parent_id IS NULL").Order("id")
	}
	var ids []int64
	if err := q.Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, translate(err, "triage region")
	}
	if len(ids) == 0 {
		return 0, Conflict("尚未配置受理地区，请管理员先建立地区目录")
	}
	return ids[0], nil
}

// Submission is what a citizen is told after reporting: the ticket, its query code (shown once,
// stored only as a hash) and where it went; and the deliveries written with it (the e-mail of the
// number and code). The caller has nothing to hand on: the report writer has dispatched the
// ticket's TicketCreated, with those deliveries, as its group committed (Options.Events).
type Submission struct {
	Ticket     *Ticket
	QueryCode  string
	UnitName   string // "" while the ticket waits in triage
	Deliveries []int64
}

// CheckReport checks everything about a report that can be checked without storing it,
// including that its category exists.
func (s *Store) CheckReport(ctx context.Context, r *Report) error {
	_, _, err := s.checkReport(ctx, r)
	return err
}

func (s *Store) checkReport(ctx context.Context, r *Report) (PageURL, Category, error) {
	if r.Follow != "" {
		if err := s.follow(ctx, r); err != nil {
			return PageURL{}, Category{}, err
		}
	}
	page, err := r.Validate()
	if err != nil {
		return PageURL{}, Category{}, err
	}
	_, _, cats, err := s.reference(ctx)
	if err != nil {
		return PageURL{}, Category{}, err
	}
	cat, ok := findCategory(cats, r.Category)
	if !ok {
		return PageURL{}, Category{}, Invalid("category", "未知的问题类型")
	}
	return page, cat, nil
}

// SubmitReport checks a citizen's report, routes it, sets its deadline and stores it with its
// first event (and its screenshot) in one transaction. When it returns, the ticket is committed.
func (s *Store) SubmitReport(ctx context.Context, r Report) (*Submission, error) {
	page, cat, err := s.checkReport(ctx, &r)
	if err != nil {
		return nil, err
	}
	settings, cal, _, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	t := receivedTicket(r, page, cat, now)
	var route *RouteMatch
	if settings.RoutingEnabled {
		if route, err = s.Route(ctx, page); err != nil {
			return nil, err
		}
	}
	ev := TicketEvent{At: now, ActorRole: ActorCitizen, Kind: EventReceived}
	sub := &Submission{Ticket: t}
	if route != nil {
		t.routeTo(route, &ev, now, settings, cal)
		sub.UnitName = route.UnitName
	} else {
		region, err := s.triageRegion(ctx, settings)
		if err != nil {
			return nil, err
		}
		forward, estimated := cal.Deadline(now, settings.ForwardDays)
		t.Status, t.RegionID, t.TriageDeadline, t.DeadlineEstimated = StatusTriage, region, &forward, estimated
		ev.Deadline, ev.Reason = &forward, "网站目录中没有匹配的网站，转主管单位分办"
		if !settings.RoutingEnabled {
			ev.Reason = "自动分派已关闭，转主管单位分办"
		}
		ev.ToStatus, ev.RegionID = t.Status, &t.RegionID
	}
	p := &pendingReport{ticket: t, event: &ev, follow: r.Follow}
	if r.Screenshot != nil {
		sum := sha256.Sum256(r.Screenshot.Data)
		p.screenshot = &Attachment{Purpose: PurposeScreenshot, ContentType: r.Screenshot.ContentType,
			Size: len(r.Screenshot.Data), SHA256: hex.EncodeToString(sum[:]), Data: r.Screenshot.Data, CreatedAt: now}
	}
	// A number can only collide when the day's counter fell behind the tickets; then a fresh
	// block (which starts past the highest number used) gives one that cannot.
	for attempt := 0; ; attempt++ {
		if t.TicketNo, err = s.nextTicketNo(ctx, now); err != nil {
			return nil, err
		}
		sub.QueryCode = newQueryCode()
		t.QueryCodeHash = hashQueryCode(t.TicketNo, sub.QueryCode)
		p.confirmation = confirmationEmail(s.opt.Email, t, sub.QueryCode, sub.UnitName, now)
		err = s.writer.write(ctx, p)
		if err == nil || ErrorKind(err) != KindConflict || attempt == 2 {
			break
		}
		s.forgetNumbers()
	}
	if err != nil {
		return nil, err
	}
	if p.confirmation != nil {
		sub.Deliveries = []int64{p.confirmation.ID}
	}
	return sub, nil
}

// receivedTicket is the ticket of a checked report received at now, before it goes anywhere.
func receivedTicket(r Report, page PageURL, cat Category, now time.Time) *Ticket {
	month := OneMonthLater(now).UTC()
	return &Ticket{
		Source: SourceCitizen, PageURL: r.PageURL, PageKey: page.Key, CategoryID: cat.ID,
		Description: r.Description, ContactPhone: r.ContactPhone, ContactEmail: r.ContactEmail,
		ClientIP: r.ClientIP, ReceivedAt: now, UpdatedAt: now, Version: 1, MonthDeadline: &month,
	}
}

// routeTo gives a ticket just received to the unit of the website its page is on, with its reply
// deadline counted from receipt, and says so in its first event.
func (t *Ticket) routeTo(route *RouteMatch, ev *TicketEvent, now time.Time, set Settings, cal *Calendar) {
	deadline, estimated := cal.Deadline(now, set.ReplyDays)
	t.Status, t.WebsiteID, t.UnitID, t.RegionID = StatusAssigned, &route.WebsiteID, &route.UnitID, route.RegionID
	t.AssignedAt, t.Deadline, t.DeadlineEstimated = &now, &deadline, estimated
	ev.ToStatus, ev.RegionID = t.Status, &t.RegionID
	ev.UnitID, ev.Deadline, ev.Reason = &route.UnitID, &deadline, "按网站目录自动分派至"+route.UnitName
}

func findCategory(cats []Category, nameOrID string) (Category, bool) {
	id, _ := strconv.ParseInt(nameOrID, 10, 64)
	for _, c := range cats {
		if c.Active && (c.Name == nameOrID || (id > 0 && c.ID == id)) {
			return c, true
		}
	}
	return Category{}, false
}

// ReportStatus is what the citizen who holds the query code may see of a ticket.
type ReportStatus struct {
	TicketNo          string
	Status            string
	Category          string
	PageURL           string
	Description       string
	UnitName          string // "" while in triage
	ReceivedAt        time.Time
	Deadline          *time.Time
	DeadlineEstimated bool
	ClosedAt          *time.Time
	// Reply is the reply as approved, in full: the reporter holds the query code, and the
	// contact details a unit writes for them are theirs to read. Only 留言选登 shows it masked.
	Reply         *string
	ClosingNote   *string // why it was closed as invalid
	Rating        string
	FollowedUpAt  *time.Time
	HasScreenshot bool          // the reporter attached one: theirs to see again with the code
	History       []PublicEvent `gorm:"-"`
}

// CanFollowUp reports whether the reporter may still ask their one follow-up question, as
// Ticket.CanFollowUp.
func (r *ReportStatus) CanFollowUp() bool { return canFollowUp(r.Status, r.Rating, r.FollowedUpAt) }

// Open reports whether the ticket still waits for someone, as Ticket.Open.
func (r *ReportStatus) Open() bool { return isOpen(r.Status) }

// PublicEvent is a step of a ticket's history as its reporter sees it: what happened and when,
// without the staff's internal notes.
type PublicEvent struct {
	At       time.Time
	Kind     string
	UnitName string
	Deadline *time.Time
	Reason   string // only where the reporter is meant to read it (the reason for 无效, a release, their 追问)
}

// publicEventKinds are the steps a reporter sees; the rest (drafts, requests, notes) are internal.
var publicEventKinds = []string{EventReceived, EventAssigned, EventAccepted, EventExtended, EventReturned,
	EventApproved, EventInvalidated, EventReopened, EventClosedWithPrimary, EventRated, EventLinked, EventUnlinked, EventReleased, EventFollowedUp}

// FindReport returns a ticket's status to whoever holds its number and query code. An unknown
// number and a wrong code give the same not-found error.
func (s *Store) FindReport(ctx context.Context, ticketNo, code string) (*ReportStatus, error) {
	ticketNo = strings.ToUpper(strings.TrimSpace(ticketNo))
	code = strings.ToUpper(strings.TrimSpace(code))
	notFound := NotFound("未找到该留言，请核对留言编号和查询码")
	if ticketNo == "" || code == "" || len(ticketNo) > 24 || len(code) > 32 {
		return nil, notFound
	}
	// The ticket and its history in one statement (one row per step): citizens' status checks
	// are the largest share of the requests. The steps the public sees are picked out below: a
	// list of kinds in the join made MariaDB weigh a range over ix_ticket_events_kind_at for each
	// (a third of the statement's time, for the few rows of one ticket).
	var rows []reportRow
	err := s.db.WithContext(ctx).Raw(`
		SELECT t.ticket_no, t.status, c.name AS category, t.page_url, t.description,
		       COALESCE(u.name, '') AS unit_name, t.received_at, t.deadline, t.deadline_estimated,
		       t.closed_at, t.reply, t.closing_note, t.rating, t.followed_up_at, t.query_code_hash,
		       EXISTS (SELECT 1 FROM attachments a WHERE a.ticket_id = t.id AND a.purpose = ?) AS has_screenshot,
		       e.id AS event_id, e.at AS event_at, e.kind AS event_kind, COALESCE(eu.name, '') AS event_unit,
		       e.deadline AS event_deadline, CASE WHEN e.kind IN (?, ?, ?) THEN COALESCE(e.reason, '') ELSE '' END AS event_reason
		FROM tickets t
		JOIN categories c ON c.id = t.category_id
		LEFT JOIN units u ON u.id = t.unit_id
		LEFT JOIN ticket_events e ON e.ticket_id = t.id
		LEFT JOIN units eu ON eu.id = e.unit_id
		WHERE t.ticket_no = ?`, PurposeScreenshot, EventInvalidated, EventReleased, EventFollowedUp, ticketNo).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "find report")
	}
	want := hashQueryCode(ticketNo, code)
	if len(rows) == 0 || subtle.ConstantTimeCompare([]byte(rows[0].QueryCodeHash), []byte(want)) != 1 {
		return nil, notFound
	}
	// In order here: ORDER BY in the statement costs MariaDB a temporary table for a few rows.
	slices.SortFunc(rows, func(a, b reportRow) int { return cmp.Compare(a.eventID(), b.eventID()) })
	r := rows[0].ReportStatus
	if r.Status != StatusClosed {
		r.Reply = nil // a draft is not the citizen's to read
	}
	for _, row := range rows {
		if row.EventKind != nil && row.EventAt != nil && slices.Contains(publicEventKinds, *row.EventKind) {
			r.History = append(r.History, PublicEvent{At: *row.EventAt, Kind: *row.EventKind, UnitName: row.EventUnit,
				Deadline: row.EventDeadline, Reason: row.EventReason})
		}
	}
	return &r, nil
}

// ReportScreenshot returns the screenshot the reporter attached, to whoever holds the ticket's
// number and query code (the same check as FindReport, so a wrong code learns nothing).
func (s *Store) ReportScreenshot(ctx context.Context, ticketNo, code string) (*Attachment, error) {
	r, err := s.FindReport(ctx, ticketNo, code)
	if err != nil {
		return nil, err
	}
	if !r.HasScreenshot {
		return nil, NotFound("该留言没有上传截图")
	}
	var a Attachment
	err = s.db.WithContext(ctx).Where("ticket_id = (SELECT id FROM tickets WHERE ticket_no = ?) AND purpose = ?", r.TicketNo, PurposeScreenshot).
		Take(&a).Error
	if err != nil {
		return nil, translate(err, "report screenshot")
	}
	return &a, nil
}

// reportRow is a ticket with one step of its public history (none: the event columns are NULL).
type reportRow struct {
	ReportStatus
	QueryCodeHash string
	EventID       *int64
	EventAt       *time.Time
	EventKind     *string
	EventUnit     string
	EventDeadline *time.Time
	EventReason   string
}

func (r reportRow) eventID() int64 {
	if r.EventID == nil {
		return 0
	}
	return *r.EventID
}

// Query codes: 8 characters from an alphabet without 0/O and 1/I, so they survive being read
// aloud or copied by hand: 40 random bits.
const queryCodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

func newQueryCode() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = queryCodeAlphabet[b[i]&31]
	}
	return string(b)
}

// hashQueryCode is what is stored of a query code. The ticket number salts it, so equal codes of
// two tickets do not hash alike.
func hashQueryCode(ticketNo, code string) string {
	sum := sha256.Sum256([]byte(ticketNo + ":" + code))
	return hex.EncodeToString(sum[:])
}
