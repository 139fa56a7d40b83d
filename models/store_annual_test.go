package models_test

import (
	"context"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// siteID is the registered website a host routes to.
func siteID(t *testing.T, s *models.Store, host string) int64 {
	t.Helper()
	var id int64
	if err := s.SQLDB().QueryRow("SELECT website_id FROM website_bases WHERE host = ?", host).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A site's work report counts the 找错 tickets about that site only, for its calendar year; its
// unit fills and publishes it, no other unit and no supervisor writes it, a published version
// refuses edits with a message saying how to correct it, and a correction is a new draft version.
func TestAnnualWorkReportScopeAndFreeze(t *testing.T) {
	r := newRates(t, "2025-03-03 10:00:00")
	closed := r.report("https://gzw.sc.gov.cn/1.html")
	r.report("https://gzw.sc.gov.cn/2.html")
	r.report("https://www.sc.gov.cn/3.html")
	r.close(closed, true)
	r.at("2026-01-05 10:00")
	r.report("https://gzw.sc.gov.cn/next-year.html") // 2026: not in the 2025 report
	ctx := context.Background()
	s, src := r.s, models.RegistryInspection{Store: r.s}
	gzw, scgov := siteID(t, s, "gzw.sc.gov.cn"), siteID(t, s, "sc.gov.cn")
	staff, other, sup := r.u["gzw-staff"], r.u["scgov-staff"], r.u["sc-supervisor"]

	rep, err := s.AnnualReportOf(ctx, scopeOf(t, s, staff), src, models.AnnualWork, gzw, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Value("msg_received") != "2" || rep.Value("msg_closed") != "1" || rep.Value("host_unit") != "四川省政府国有资产监督管理委员会" {
		t.Errorf("gzw 2025: %v", rep.Values)
	}
	if _, err := s.AnnualReportOf(ctx, scopeOf(t, s, staff), src, models.AnnualWork, scgov, 2025); models.ErrorKind(err) != models.KindNotFound {
		t.Errorf("another unit's site read: %v", err)
	}

	fill := map[string]string{"visits": "1200", "smart_qa": "否"}
	if _, err := s.SaveAnnual(ctx, other, scopeOf(t, s, other), models.AnnualWork, gzw, 2025, fill); err == nil {
		t.Error("another unit saved gzw's report")
	}
	if _, err := s.SaveAnnual(ctx, sup, scopeOf(t, s, sup), models.AnnualWork, gzw, 2025, fill); models.ErrorKind(err) != models.KindForbidden {
		t.Errorf("the supervisor saved a unit's work report: %v", err)
	}
	if _, err := s.SaveAnnual(ctx, staff, scopeOf(t, s, staff), models.AnnualWork, gzw, 2025, map[string]string{"msg_received": "99"}); models.ErrorKind(err) != models.KindInvalid {
		t.Errorf("a system item typed in: %v", err)
	}
	if _, err := s.SaveAnnual(ctx, staff, scopeOf(t, s, staff), models.AnnualWork, gzw, 2025, fill); err != nil {
		t.Fatal(err)
	}
	rows, err := s.AnnualSites(ctx, scopeOf(t, s, sup), 2025)
	if err != nil {
		t.Fatal(err)
	}
	states := map[int64]string{}
	for _, row := range rows {
		states[row.WebsiteID] = row.Status
	}
	if states[gzw] != models.CircularDraftStatus || states[scgov] != "" {
		t.Errorf("the supervisor's list: %v", states)
	}

	if _, err := s.PublishAnnual(ctx, staff, scopeOf(t, s, staff), src, models.AnnualWork, gzw, 2025); err != nil {
		t.Fatal(err)
	}
	r.report("https://gzw.sc.gov.cn/late.html") // filed in 2026: the published figures stay
	_, err = s.SaveAnnual(ctx, staff, scopeOf(t, s, staff), models.AnnualWork, gzw, 2025, map[string]string{"visits": "1300"})
	if models.ErrorKind(err) != models.KindConflict || !strings.Contains(err.Error(), "已发布，不能再修改") {
		t.Errorf("edit of a published report: %v", err)
	}
	rep, _ = s.AnnualReportOf(ctx, scopeOf(t, s, sup), src, models.AnnualWork, gzw, 2025)
	if !rep.Published() || rep.Value("visits") != "1200" || rep.Value("msg_received") != "2" {
		t.Errorf("published: %s %v", rep.Status, rep.Values)
	}

	if _, err := s.CorrectAnnual(ctx, staff, scopeOf(t, s, staff), models.AnnualWork, gzw, 2025); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveAnnual(ctx, staff, scopeOf(t, s, staff), models.AnnualWork, gzw, 2025, map[string]string{"visits": "1300"}); err != nil {
		t.Fatal(err)
	}
	rep, _ = s.AnnualReportOf(ctx, scopeOf(t, s, staff), src, models.AnnualWork, gzw, 2025)
	if rep.Version != 2 || rep.Published() || rep.Value("visits") != "1300" {
		t.Errorf("correction: v%d %s %v", rep.Version, rep.Status, rep.Values)
	}
}

// The supervision report is its region's supervisor's: a supervisor of a region below reads
// nothing of it and cannot write it; the 找错 items are the region's rates for the year.
func TestAnnualSupervisionReport(t *testing.T) {
	r := newRates(t, "2025-03-03 10:00:00")
	no := r.report("https://gzw.sc.gov.cn/1.html")
	r.close(no, true)
	r.report("https://www.sc.gov.cn/2.html")
	r.at("2026-01-05 10:00")
	ctx := context.Background()
	s, src := r.s, models.RegistryInspection{Store: r.s}
	sc, err := s.FindRegion(ctx, "510000")
	if err != nil {
		t.Fatal(err)
	}
	sup, cd := r.u["sc-supervisor"], r.u["cd-supervisor"]
	rep, err := s.AnnualReportOf(ctx, scopeOf(t, s, sup), src, models.AnnualSupervision, sc.ID, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Value("zc_received") != "2" || rep.Value("zc_closed") != "1" || rep.Value("sites_running") == "0" || rep.Value("pass_year") != "—" {
		t.Errorf("supervision figures: %v", rep.Values)
	}
	if _, err := s.SaveAnnual(ctx, cd, scopeOf(t, s, cd), models.AnnualSupervision, sc.ID, 2025, map[string]string{"train_sessions": "3"}); models.ErrorKind(err) != models.KindNotFound {
		t.Errorf("a city supervisor wrote the province's report: %v", err)
	}
	if _, err := s.SaveAnnual(ctx, sup, scopeOf(t, s, sup), models.AnnualSupervision, sc.ID, 2025, map[string]string{"train_sessions": "3", "acc_talks": "-2"}); models.ErrorKind(err) != models.KindInvalid {
		t.Errorf("a negative count: %v", err)
	}
}

// quarterly is an inspection whose sites fail more each quarter: 0, 1, 2, 3 of 10; the year, 3.
type quarterly struct{ region int64 }

func (q quarterly) Websites(_ context.Context, _ models.Region, p models.Period) ([]models.CoverageLine, error) {
	bad := int64(p.From.In(models.Shanghai).Month()-1) / 3
	if p.Kind == "year" {
		bad = 3
	}
	return []models.CoverageLine{{RegionID: q.region, Running: 10, Checked: 10, WithProblems: bad}}, nil
}

func (q quarterly) Accounts(context.Context, models.Region, models.Period) ([]models.CoverageLine, error) {
	return []models.CoverageLine{{RegionID: q.region, Running: 4, Checked: 4}}, nil
}

func (quarterly) Findings(context.Context, models.Region, models.Period) ([]models.CircularFinding, error) {
	return nil, nil
}

// The supervision report asks the inspection for each quarter of the year and for the whole
// year, and writes 合格率 and 不合格网站数量 as the circulars do.
func TestAnnualSupervisionQuarters(t *testing.T) {
	clock := storetest.NewClock("2026-01-10 10:00:00")
	s := storetest.Open(t, clock)
	users := demoUsers(t, s)
	ctx := context.Background()
	sc, err := s.FindRegion(ctx, "510000")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.AnnualReportOf(ctx, scopeOf(t, s, users["sc-supervisor"]), quarterly{sc.ID}, models.AnnualSupervision, sc.ID, 2025)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"pass_q1": "100%", "pass_q2": "90.00%", "pass_q3": "80.00%", "pass_q4": "70.00%", "pass_year": "70.00%",
		"fail_q1": "0", "fail_q2": "1", "fail_q3": "2", "fail_q4": "3", "fail_year": "3", "checked": "10", "media_pass_rate": "100%"} {
		if got := rep.Value(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}
