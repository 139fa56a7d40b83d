package models_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// Publishing opens a rectification for every unit the attachment names, due on the deadline; the
// unit reports, the supervisor sends back or accepts; a unit that never reports is named in the
// next quarter's circular, "整改报告提交不及时".
func TestRectificationsOpenOnPublishAndLateOnesAreNamedNextTime(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	u := demoUsers(t, s)
	ctx := context.Background()
	sup, sc, rec := draftSichuanQ1(t, s, u, storetest.SichuanInspection(t, s))
	if _, _, err := s.PublishCircular(ctx, sup, sc, rec.ID); err != nil {
		t.Fatal(err)
	}
	items, err := s.Rectifications(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	byUnit := map[string]models.RectificationRow{}
	for _, it := range items {
		byUnit[it.UnitName] = it
		if it.DueOn != "2025-04-30" || it.Status != models.RectifyOpen {
			t.Errorf("%s: due %s, %s", it.UnitName, it.DueOn, it.Status)
		}
	}
	if len(items) != 3 || byUnit["四川省政府国有资产监督管理委员会"].Subject != "四川省政府国有资产监督管理委员会" || byUnit["四川省广播电视局"].Kind != models.ObjectAccount {
		t.Fatalf("items: %+v", items)
	}
	if n, _ := s.UnreadNotifications(ctx, u["gzw-staff"].ID); n != 1 {
		t.Errorf("国资委 staff have %d notifications, want the rectification's", n)
	}

	gzw := byUnit["四川省政府国有资产监督管理委员会"].ID
	gzwScope, _ := s.ScopeOf(ctx, u["gzw-staff"])
	scgovScope, _ := s.ScopeOf(ctx, u["scgov-staff"])
	cdScope, _ := s.ScopeOf(ctx, u["cd-supervisor"])
	report := models.RectificationUpload{Name: "整改报告.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 整改报告")}
	if _, err := s.SubmitRectification(ctx, u["scgov-staff"], scgovScope, gzw, report); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("another unit submitting: %v", err)
	}
	if _, err := s.DecideRectification(ctx, sup, sc, gzw, true, ""); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("accepting before any report: %v", err)
	}
	clock.Set(storetest.At("2025-04-20 10:00"))
	if _, err := s.SubmitRectification(ctx, u["gzw-staff"], gzwScope, gzw, report); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitRectification(ctx, u["gzw-staff"], gzwScope, gzw, report); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("submitting twice: %v", err)
	}
	if _, err := s.DecideRectification(ctx, u["gzw-staff"], gzwScope, gzw, true, ""); models.ErrorKind(err) != models.KindForbidden {
		t.Fatalf("the unit accepting its own report: %v", err)
	}
	if _, err := s.DecideRectification(ctx, u["cd-supervisor"], cdScope, gzw, true, ""); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("成都's supervisor deciding: %v", err)
	}
	if _, err := s.DecideRectification(ctx, sup, sc, gzw, false, ""); models.ErrorField(err) != "note" {
		t.Fatalf("returning without a reason: %v", err)
	}
	if _, err := s.DecideRectification(ctx, sup, sc, gzw, false, "请补充暗链清除的截图"); err != nil {
		t.Fatal(err)
	}
	clock.Set(storetest.At("2025-04-25 10:00"))
	if _, err := s.SubmitRectification(ctx, u["gzw-staff"], gzwScope, gzw, report); err != nil {
		t.Fatalf("resubmitting after a return: %v", err)
	}
	if _, err := s.DecideRectification(ctx, sup, sc, gzw, true, ""); err != nil {
		t.Fatal(err)
	}
	name, ctype, data, err := s.RectificationReport(ctx, sc, gzw)
	if err != nil || name != fmt.Sprintf("整改报告-%d.pdf", gzw) || ctype != "application/pdf" || string(data) != string(report.Data) {
		t.Fatalf("report: %q %q %q %v", name, ctype, data, err)
	}

	// The next quarter: 广电局 and 泸州 never reported; 国资委 did, on time. 下步要求 carries over
	// from the published circular.
	clock.Set(storetest.At("2025-06-25 10:00"))
	q2, err := s.DraftCircular(ctx, models.RegistryInspection{Store: s}, models.CircularRequest{Region: mustRegion(t, s, "510000"), Period: "2025Q2", Cutoff: "2025-06-20"})
	if err != nil {
		t.Fatal(err)
	}
	var late []string
	for _, r := range append(q2.Figures.WebsiteRows, q2.Figures.AccountRows...) {
		if strings.Contains(r.Problems, "整改报告提交不及时") {
			late = append(late, r.Unit)
		}
	}
	if strings.Join(late, ",") != "四川省广播电视局,泸州市人民政府办公室" {
		t.Errorf("named late: %v (rows %+v)", late, q2.Figures.AccountRows)
	}
	if rc := q2.Figures.Rectifications; rc.Due != 3 || rc.OnTime != 1 || rc.Late != 2 || rc.Accepted != 1 {
		t.Errorf("rectification counts: %+v", rc)
	}
	if !strings.Contains(q2.Filled().Overview, "本期应提交整改报告的单位3个，按期提交1个，逾期提交或未提交2个。") {
		t.Errorf("总体情况 lacks the rectification counts:\n%s", q2.Filled().Overview)
	}
	if !strings.Contains(q2.Filled().Problems, "整改不到位") {
		t.Errorf("存在问题 does not name the late rectifications:\n%s", q2.Filled().Problems)
	}
}

// Publishing writes the circular, its rectification items and their 整改通知 (notifications,
// e-mails, webhook posts) in one transaction: when the last of those writes fails, the circular
// stays a draft and no item, notification or delivery is left behind.
func TestPublishingFailsWholeWhenANoticeCannotBeRecorded(t *testing.T) {
	s := storetest.OpenWith(t, storetest.NewClock("2025-03-25 10:00:00"), models.Options{Email: true})
	u := demoUsers(t, s)
	ctx := context.Background()
	sup, sc, rec := draftSichuanQ1(t, s, u, storetest.SichuanInspection(t, s))
	if err := s.SetEmail(ctx, u["gzw-staff"].ID, "staff@gzw.example.cn"); err != nil {
		t.Fatal(err)
	}
	// With its table away, the notice's e-mail cannot be recorded: one of the publishing's last
	// writes fails.
	if _, err := s.SQLDB().Exec("ALTER TABLE deliveries RENAME TO deliveries_away"); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.PublishCircular(ctx, sup, sc, rec.ID)
	if err == nil || !strings.Contains(err.Error(), "deliveries") {
		t.Fatalf("published although the notice's e-mail could not be recorded, or failed otherwise: %v", err)
	}
	if _, err := s.SQLDB().Exec("ALTER TABLE deliveries_away RENAME TO deliveries"); err != nil {
		t.Fatal(err)
	}
	row, err := s.CircularByID(ctx, sc, rec.ID)
	if err != nil || row.Published() || row.PublishedAt != nil {
		t.Fatalf("after the failed publishing: %+v %v", row, err)
	}
	var items, notes, deliveries int
	for q, n := range map[string]*int{"rectifications": &items, "notifications": &notes, "deliveries": &deliveries} {
		if err := s.SQLDB().QueryRow("SELECT COUNT(*) FROM " + q).Scan(n); err != nil {
			t.Fatal(err)
		}
	}
	if items != 0 || notes != 0 || deliveries != 0 {
		t.Fatalf("a failed publishing left %d rectifications, %d notifications and %d deliveries", items, notes, deliveries)
	}
}

// Who reports a rectification and who decides on it, by the rules the store enforces and the
// pages offer (the store's refusals themselves are in the tests above): the named unit's staff
// and reviewers report; the supervisors of the issuing region
// decide; no one else does either. Only the issuing region's supervisors issue its circulars.
func TestWhoReportsDecidesAndIssues(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	province := mustRegion(t, s, "510000")
	item := &models.Rectification{UnitID: *u["gzw-staff"].UnitID, RegionID: province.ID, Status: models.RectifyOpen}
	for _, tc := range []struct {
		user                  string
		report, decide, issue bool
	}{
		{"gzw-staff", true, false, false},
		{"gzw-reviewer", true, false, false},
		{"scgov-staff", false, false, false}, // another unit
		{"sc-supervisor", false, true, true},
		{"cd-supervisor", false, false, false}, // a region below: sees, does not decide
		{"admin", false, false, false},
	} {
		t.Run(tc.user, func(t *testing.T) {
			who := u[tc.user]
			if got := models.MayReportRectification(who, item); got != tc.report {
				t.Errorf("reports: %v, want %v", got, tc.report)
			}
			if got := models.MayDecideRectification(who, item); got != tc.decide {
				t.Errorf("decides: %v, want %v", got, tc.decide)
			}
			if got := models.MayIssueCircular(who, province.ID); got != tc.issue {
				t.Errorf("issues the province's circulars: %v, want %v", got, tc.issue)
			}
		})
	}
	for status, awaits := range map[string]bool{models.RectifyOpen: true, models.RectifyReturned: true, models.RectifySubmitted: false, models.RectifyAccepted: false} {
		if got := (&models.Rectification{Status: status}).AwaitsReport(); got != awaits {
			t.Errorf("%s awaits a report: %v, want %v", status, got, awaits)
		}
	}
}

func mustRegion(t *testing.T, s *models.Store, code string) models.Region {
	t.Helper()
	r, err := s.FindRegion(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Reminders follow the working-day calendar: on the deadline's day (the last working day up to
// it) the unit is told; on the first working day after it, the unit and the supervisors over its
// region (here the province's); at most once a day, however often the task runs.
func TestRectificationRemindersFollowTheCalendar(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	u := demoUsers(t, s)
	ctx := context.Background()
	sup, sc, rec := draftSichuanQ1(t, s, u, storetest.SichuanInspection(t, s))
	if _, _, err := s.PublishCircular(ctx, sup, sc, rec.ID); err != nil { // due Wed 2025-04-30, before the 五一 break
		t.Fatal(err)
	}
	unread := func(user string) int64 {
		n, err := s.UnreadNotifications(ctx, u[user].ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, step := range []struct {
		at      string
		sent    int
		gzw, sc int64 // unread notifications after the step
	}{
		{"2025-04-29 10:00", 0, 1, 0}, // a day early: nothing (the 1 is the notice of publishing)
		{"2025-04-30 08:00", 0, 1, 0}, // before the reminder hour
		{"2025-04-30 10:00", 3, 2, 0}, // due today: the three units
		{"2025-04-30 15:00", 0, 2, 0}, // once a day
		{"2025-05-02 10:00", 0, 2, 0}, // a holiday
		{"2025-05-06 10:00", 3, 3, 3}, // overdue: the units and the issuing supervisor
		{"2025-05-06 11:00", 0, 3, 3},
	} {
		clock.Set(storetest.At(step.at))
		n, _, err := s.RemindRectifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != step.sent || unread("gzw-staff") != step.gzw || unread("sc-supervisor") != step.sc {
			t.Errorf("%s: %d sent, 国资委 %d unread, 省 %d unread; want %d, %d, %d", step.at, n, unread("gzw-staff"), unread("sc-supervisor"), step.sent, step.gzw, step.sc)
		}
	}
}

func FuzzParseRectificationID(f *testing.F) {
	for _, s := range []string{"1", "0", "abc", "99999999999999999999", "-1", "１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := models.ParseRectificationID(raw)
		if err == nil && (id <= 0 || strconv.FormatInt(id, 10) != strings.TrimLeft(raw, "0")) {
			t.Fatalf("%q read as %d", raw, id)
		}
		if err != nil && (models.ErrorKind(err) != models.KindNotFound || !strings.Contains(err.Error(), "整改事项")) {
			t.Fatalf("%q refused as %v", raw, err)
		}
	})
}

// A unit named for many sites gets one item whose subject lists as many as fit its column and
// says how many there are, and a notice whose title is cut with "…": publishing does not fail on
// MariaDB, which refuses an overlong value, and on SQLite, which would keep it, the lengths hold.
func TestRectificationOfAUnitWithManySitesFitsItsColumns(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	src := storetest.SichuanInspection(t, s)
	gzw := src.Found[0]
	for i := 1; i <= 40; i++ {
		site := gzw
		site.Name = "四川省政府国有资产监督管理委员会第" + strconv.Itoa(i) + "个专题子站点"
		src.Found = append(src.Found, site)
	}
	sup, sc, rec := draftSichuanQ1(t, s, u, src)
	if _, _, err := s.PublishCircular(ctx, sup, sc, rec.ID); err != nil {
		t.Fatalf("publishing a unit with 41 sites: %v", err)
	}
	items, err := s.Rectifications(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	var subject string
	for _, it := range items {
		if it.UnitName == gzw.Unit {
			subject = it.Subject
		}
	}
	if n := len([]rune(subject)); n > 512 || !strings.HasPrefix(subject, gzw.Name+"、") || !strings.HasSuffix(subject, "等41个") {
		t.Errorf("subject (%d characters): %s", n, subject)
	}
	notes, _, err := s.Notifications(ctx, u["gzw-staff"].ID, false, 1, 10)
	if err != nil || len(notes) != 1 {
		t.Fatalf("notifications: %v %v", notes, err)
	}
	if title := notes[0].Title; len([]rune(title)) != 200 || !strings.HasPrefix(title, "整改通知："+gzw.Name) || !strings.HasSuffix(title, "…") {
		t.Errorf("title (%d characters): %s", len([]rune(title)), title)
	}
}

// draftSichuanQ1 drafts 四川省's circular of 2025 Q1 from src as the province's supervisor.
func draftSichuanQ1(t *testing.T, s *models.Store, u map[string]*models.User, src models.InspectionSource) (*models.User, models.Scope, *models.CircularRecord) {
	t.Helper()
	ctx := context.Background()
	sup := u["sc-supervisor"]
	sc, err := s.ScopeOf(ctx, sup)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.CreateCircular(ctx, sup, src, models.CircularRequest{Period: "2025Q1", Cutoff: "2025-03-20", DocNumber: "川办便函〔2025〕78号"})
	if err != nil {
		t.Fatal(err)
	}
	return sup, sc, rec
}
