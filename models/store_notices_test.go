package models_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhaocuo/migrations"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// noticeStore is a store with the demo and a ticket of 国资委, its arrival told.
type noticeStore struct {
	t     *testing.T
	s     *models.Store
	clock *storetest.Clock
	u     map[string]*models.User
	tk    *models.Ticket
}

func newNoticeStore(t *testing.T) *noticeStore {
	t.Helper()
	n := &noticeStore{t: t, clock: storetest.NewClock("2025-03-25 10:00:00")}
	n.s = storetest.Open(t, n.clock)
	n.u = demoUsers(t, n.s)
	r := validReport()
	r.PageURL = "https://gzw.sc.gov.cn/a.html"
	sub, err := n.s.SubmitReport(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	n.tk = sub.Ticket
	if got := n.pass(); got != 1 {
		t.Fatalf("the ticket's arrival: %d notices", got)
	}
	return n
}

// pass runs a pass of the notices and returns how many notifications it wrote.
func (n *noticeStore) pass() int {
	n.t.Helper()
	w, _, err := n.s.WriteNotices(context.Background())
	if err != nil {
		n.t.Fatal(err)
	}
	return w.Notifications
}

// urge writes, as a raw row with the given id (0: the next), a supervisor's 催办 of the ticket
// by actor: a row the notices read as any other.
func (n *noticeStore) urge(id int64, actor *models.User) {
	n.t.Helper()
	var idArg any
	if id != 0 {
		idArg = id
	}
	_, err := n.s.SQLDB().Exec(`INSERT INTO ticket_events (id, ticket_id, at, actor_id, actor_role, kind, from_status, to_status, unit_id,
		region_id, deadline, reason) VALUES (?, ?, ?, ?, 'supervisor', 'urged', 'assigned', 'assigned', ?, ?, ?, '请尽快办理')`,
		idArg, n.tk.ID, n.clock.Now().UTC(), actor.ID, *n.tk.UnitID, n.tk.RegionID, n.tk.Deadline.UTC())
	if err != nil {
		n.t.Fatal(err)
	}
}

func (n *noticeStore) lastEvent() int64 {
	var id int64
	n.s.SQLDB().QueryRow("SELECT MAX(id) FROM ticket_events").Scan(&id)
	return id
}

// An event committed after one with a higher id (MySQL hands ids out at the insert, not at the
// commit) is told all the same: the pass keeps the ids it found empty below its mark and reads
// them again, until they fill or, after ten minutes, are given up (a rolled-back transaction's).
func TestAnEventCommittedBelowTheMarkIsToldOnce(t *testing.T) {
	n := newNoticeStore(t)
	last := n.lastEvent()
	n.urge(last+3, n.u["sc-supervisor"]) // committed first; last+1 and last+2 still open elsewhere
	if got := n.pass(); got != 2 {
		t.Fatalf("the 催办 above the gap: %d notices, want the staff's and the reviewer's", got)
	}
	n.clock.Advance(time.Minute)
	n.urge(last+1, n.u["sc-supervisor"]) // commits late, below the mark
	if got := n.pass(); got != 2 {
		t.Fatalf("the 催办 that committed late: %d notices", got)
	}
	if got := n.pass(); got != 0 {
		t.Fatalf("told again: %d", got)
	}
	var gaps string
	n.s.SQLDB().QueryRow("SELECT gaps FROM notice_cursors WHERE source = 'ticket_events'").Scan(&gaps)
	if !strings.Contains(gaps, `"from":`+strconv.FormatInt(last+2, 10)+`,"to":`+strconv.FormatInt(last+2, 10)) {
		t.Fatalf("the gap still looked for: %s", gaps)
	}
	n.clock.Advance(10 * time.Minute) // last+2 never came: rolled back
	n.pass()
	n.s.SQLDB().QueryRow("SELECT gaps FROM notice_cursors WHERE source = 'ticket_events'").Scan(&gaps)
	if gaps != "[]" {
		t.Fatalf("a gap of ten minutes is still looked for: %s", gaps)
	}
}

// Nobody is told of what they did themselves, and a disabled account is told nothing. (No
// action today reaches its own doer by role; the rule holds whatever an event says.)
func TestNoticesSkipTheActorAndDisabledAccounts(t *testing.T) {
	n := newNoticeStore(t)
	ctx := context.Background()
	n.urge(0, n.u["gzw-staff"])
	if got := n.pass(); got != 1 {
		t.Fatalf("%d notices, want the reviewer's only", got)
	}
	if err := n.s.SetUserEnabled(ctx, models.RegistryActor{Scope: models.Scope{All: true}}, n.u["gzw-reviewer"].ID, false); err != nil {
		t.Fatal(err)
	}
	n.urge(0, n.u["sc-supervisor"])
	if got := n.pass(); got != 1 {
		t.Fatalf("%d notices, want the staff member's only", got)
	}
	unread, _ := n.s.UnreadNotifications(ctx, n.u["gzw-staff"].ID)
	if unread != 2 { // the arrival and the second 催办
		t.Fatalf("the staff member has %d notices", unread)
	}
}

// Two passes at once (two workers, a retried task) tell each thing once: the second waits for
// the first's cursor.
func TestPassesAtOnceTellOnce(t *testing.T) {
	n := newNoticeStore(t)
	for range 5 {
		n.urge(0, n.u["sc-supervisor"])
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, _, err := n.s.WriteNotices(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			total += w.Notifications
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 2 { // the staff member's and the reviewer's, each "主管单位催办 5 条留言"
		t.Fatalf("%d notices from four passes at once", total)
	}
}

// A database that had events before the notices came (a release deployed on a year of tickets)
// tells none of them: the migration starts the cursors at the end. What comes after is told.
func TestTheFirstPassTellsNothingOld(t *testing.T) {
	n := newNoticeStore(t)
	ctx := context.Background()
	n.urge(0, n.u["sc-supervisor"])
	// As before the release: no cursors, the migration not applied.
	for _, q := range []string{"DELETE FROM notice_cursors", "DELETE FROM schema_migrations WHERE version = 27"} {
		if _, err := n.s.SQLDB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := migrations.Apply(ctx, n.s.SQLDB(), n.s.Dialect()); err != nil {
		t.Fatal(err)
	}
	if pending, _ := n.s.PendingNotices(ctx); pending != 0 {
		t.Fatalf("%d old things to tell after the migration", pending)
	}
	if got := n.pass(); got != 0 {
		t.Fatalf("the first pass told %d old things", got)
	}
	n.urge(0, n.u["sc-supervisor"])
	if got := n.pass(); got != 2 {
		t.Fatalf("the first new thing: %d notices", got)
	}
}

// The pass reads past its cursors by their keys: the events by primary key, the imports not yet
// told by their index; no statement scans a table whole.
func TestThePassReadsByIndex(t *testing.T) {
	n := newNoticeStore(t)
	ctx := context.Background()
	n.urge(0, n.u["sc-supervisor"])
	plans, err := n.s.ExplainQueries(ctx, func(ctx context.Context, v *models.Store) error {
		pending, err := v.PendingNotices(ctx)
		if err == nil && pending != 1 {
			t.Errorf("%d pending", pending)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, p := range plans {
		for _, table := range []string{"ticket_events", "rectification_events", "media_account_imports"} {
			if strings.Contains(p.SQL, "FROM "+table) || strings.Contains(p.SQL, "FROM `"+table+"`") || strings.Contains(p.SQL, `FROM "`+table+`"`) {
				read[table] = true
			}
		}
		typ := slices.Index(p.Columns, "type")
		for _, row := range p.Rows {
			line := strings.Join(row, " ")
			// MySQL: a full scan is type ALL, or index (the whole of an index, in its order);
			// SQLite: SCAN. The cursors' table has a row per source.
			full := typ >= 0 && (row[typ] == "ALL" || row[typ] == "index") || n.s.Dialect() == models.DialectSQLite && strings.Contains(line, "SCAN ")
			full = full && !strings.Contains(line, "notice_cursors")
			if full {
				t.Errorf("a full scan in %s:\n%v\n%v", p.SQL, p.Columns, row)
			}
		}
	}
	if len(read) != 3 {
		t.Fatalf("the plans read %v", read)
	}
	for _, p := range plans {
		t.Logf("%s\n%v", p.SQL, p.Rows)
	}
}
