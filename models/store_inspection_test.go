package models_test

import (
	"context"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/indicator"
	"zhaocuo/models/storetest"
)

func scopeOf(t *testing.T, s *models.Store, u *models.User) models.Scope {
	t.Helper()
	sc, err := s.ScopeOf(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func typo(key string) models.Finding {
	return models.Finding{Type: "typo", Indicator: "内容准确性", URL: "https://www.chengdu.gov.cn/",
		Page: "https://www.chengdu.gov.cn/a.html", Target: "攻府", Evidence: "疑似错敏字「攻府」", Veto: true,
		Suspected: true, FindingKey: key, SeenAt: time.Now()}
}

func deadLink() models.Finding {
	return models.Finding{Type: "dead_link", Indicator: "首页链接不可用", URL: "https://www.chengdu.gov.cn/",
		Page: "https://www.chengdu.gov.cn/", Target: "https://www.chengdu.gov.cn/gone.html", Evidence: "HTTP 404",
		Points: 1, FindingKey: "dead_link:1", SeenAt: time.Now()}
}

func TestStartRoundCoversTheRunningSitesInScope(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	round, ids, err := storetest.StartRound(ctx, s, models.RoundOnDemand, scopeOf(t, s, u["cd-supervisor"]), &u["cd-supervisor"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || round.SitesTotal != 2 || round.Status != models.RoundRunning || round.RegionID == nil {
		t.Fatalf("成都's round: %+v, sites %v; want its 2 sites", round, ids)
	}
	all, ids, err := storetest.StartRound(ctx, s, models.RoundScheduled, models.Scope{All: true}, nil)
	if err != nil || len(ids) != all.SitesTotal || all.SitesTotal < 28 {
		t.Fatalf("the province's round: %+v, %d sites, %v", all, len(ids), err)
	}
	if _, _, err := s.StartRound(ctx, "weekly", models.Scope{All: true}, nil); models.ErrorKind(err) != models.KindInvalid {
		t.Fatalf("unknown kind: %v, want invalid", err)
	}
}

func TestFinishSiteCountsOnceAndFinishesTheRound(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	sc := scopeOf(t, s, u["cd-supervisor"])
	round, ids, err := storetest.StartRound(ctx, s, models.RoundOnDemand, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := models.SiteOutcome{Pages: 3, Links: 9, Findings: []models.Finding{deadLink(), typo("typo:1")}}
	for range 2 { // a task that runs twice counts once
		if err := s.FinishSite(ctx, round.ID, ids[0], out); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.Round(ctx, round.ID)
	if got.SitesDone != 1 || got.Status != models.RoundRunning {
		t.Fatalf("after one site twice: %+v", got)
	}
	res, _ := s.SiteResult(ctx, round.ID, ids[0])
	// The suspected typo (a veto) does not count until confirmed: one dead link, 99 points.
	if res.Status != models.ResultDone || res.Verdict != indicator.Pass || res.Score != 99 || res.Pages != 3 {
		t.Fatalf("result: %+v", res)
	}
	if err := s.FinishSite(ctx, round.ID, ids[1], models.SiteOutcome{Error: "网站没有可用的首页地址"}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Round(ctx, round.ID)
	if got.SitesDone != 1 || got.SitesFailed != 1 || got.Status != models.RoundFinished || got.FinishedAt == nil {
		t.Fatalf("after both sites: %+v", got)
	}
	rows, err := s.Rounds(ctx, sc, 10)
	if err != nil || len(rows) != 1 || rows[0].Progress() != 100 || rows[0].Done != 1 || rows[0].Failed != 1 {
		t.Fatalf("rounds: %+v %v", rows, err)
	}
}

func TestDecisionsCarryOverToLaterRounds(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	sup := u["cd-supervisor"]
	sc := scopeOf(t, s, sup)
	run := func() (*models.ResultRow, []models.Finding) {
		t.Helper()
		round, ids, err := storetest.StartRound(ctx, s, models.RoundOnDemand, sc, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishSite(ctx, round.ID, ids[0], models.SiteOutcome{Findings: []models.Finding{typo("typo:dismiss"), typo("typo:confirm")}}); err != nil {
			t.Fatal(err)
		}
		res, _ := s.SiteResult(ctx, round.ID, ids[0])
		row, fs, err := s.Result(ctx, sc, res.ID)
		if err != nil {
			t.Fatal(err)
		}
		return row, fs
	}
	row, fs := run()
	if row.Suspected != 2 || row.Verdict != indicator.Pass {
		t.Fatalf("first round: %+v", row)
	}
	byKey := map[string]int64{}
	for _, f := range fs {
		byKey[f.FindingKey] = f.ID
	}
	if _, err := s.DecideFinding(ctx, sup, sc, byKey["typo:dismiss"], false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideFinding(ctx, sup, sc, byKey["typo:confirm"], true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideFinding(ctx, sup, sc, byKey["typo:confirm"], false); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("deciding twice: %v, want conflict", err)
	}
	if _, err := s.DecideFinding(ctx, u["scgov-staff"], scopeOf(t, s, u["scgov-staff"]), byKey["typo:dismiss"], true); models.ErrorKind(err) != models.KindForbidden {
		t.Fatalf("a unit deciding: %v, want forbidden", err)
	}
	row, _, _ = s.Result(ctx, sc, row.ID)
	if row.Verdict != indicator.Fail || row.Confirmed != 1 || row.Suspected != 0 {
		t.Fatalf("after the decisions the confirmed veto counts: %+v", row)
	}
	row, fs = run()
	status := map[string]string{}
	for _, f := range fs {
		status[f.FindingKey] = f.Status
	}
	if status["typo:dismiss"] != models.FindingDismissed || status["typo:confirm"] != models.FindingConfirmed || row.Verdict != indicator.Fail {
		t.Fatalf("second round: %v, %+v", status, row)
	}
}

func TestFindingsOutsideTheScopeAreNotFound(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	round, ids, _ := storetest.StartRound(ctx, s, models.RoundOnDemand, scopeOf(t, s, u["cd-supervisor"]), nil)
	if err := s.FinishSite(ctx, round.ID, ids[0], models.SiteOutcome{Findings: []models.Finding{deadLink()}}); err != nil {
		t.Fatal(err)
	}
	res, _ := s.SiteResult(ctx, round.ID, ids[0])
	_, fs, err := s.Result(ctx, scopeOf(t, s, u["sc-supervisor"]), res.ID)
	if err != nil || len(fs) != 1 {
		t.Fatalf("the province sees 成都's result: %v %v", fs, err)
	}
	for _, name := range []string{"scgov-staff", "gzw-reviewer"} {
		sc := scopeOf(t, s, u[name])
		if _, _, err := s.Result(ctx, sc, res.ID); models.ErrorKind(err) != models.KindNotFound {
			t.Errorf("%s reads 成都's result: %v", name, err)
		}
		if _, err := s.Finding(ctx, sc, fs[0].ID); models.ErrorKind(err) != models.KindNotFound {
			t.Errorf("%s reads 成都's finding: %v", name, err)
		}
		if rows, _ := s.Rounds(ctx, sc, 10); len(rows) != 0 {
			t.Errorf("%s sees 成都's round: %+v", name, rows)
		}
	}
}

func TestSendFindingToUnitMakesAnInspectionTicket(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	sup := u["sc-supervisor"]
	sc := scopeOf(t, s, sup)
	round, ids, _ := storetest.StartRound(ctx, s, models.RoundOnDemand, scopeOf(t, s, u["scgov-staff"]), nil)
	if err := s.FinishSite(ctx, round.ID, ids[0], models.SiteOutcome{Findings: []models.Finding{deadLink(), typo("typo:1")}}); err != nil {
		t.Fatal(err)
	}
	res, _ := s.SiteResult(ctx, round.ID, ids[0])
	_, fs, _ := s.Result(ctx, sc, res.ID)
	var dead, suspected models.Finding
	for _, f := range fs {
		if f.Type == "dead_link" {
			dead = f
		} else {
			suspected = f
		}
	}
	if _, _, err := s.SendFindingToUnit(ctx, sup, sc, suspected.ID); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("sending a suspected finding: %v, want conflict", err)
	}
	tk, events, err := s.SendFindingToUnit(ctx, sup, sc, dead.ID)
	if err != nil {
		t.Fatal(err)
	}
	var scheduled []int64 // the tickets whose reminders the events schedule
	for _, e := range events {
		if c, ok := e.(models.TicketCreated); ok {
			scheduled = append(scheduled, c.TicketID)
		}
	}
	// Assigned on Tuesday 2025-03-25: three working days, the same deadline as a citizen's.
	if tk.Source != models.SourceInspection || tk.Status != models.StatusAssigned || tk.UnitID == nil ||
		tk.Deadline.In(models.Shanghai).Format(time.DateTime) != "2025-03-28 23:59:59" {
		t.Fatalf("ticket: %+v deadline %v", tk, tk.Deadline)
	}
	if len(scheduled) != 1 || scheduled[0] != tk.ID {
		t.Fatalf("reminders scheduled for %v, want the ticket %d", scheduled, tk.ID)
	}
	staff := u["scgov-staff"]
	got, err := s.Ticket(ctx, scopeOf(t, s, staff), tk.TicketNo)
	if err != nil || got.Source != models.SourceInspection {
		t.Fatalf("the unit's inbox has the ticket: %+v %v", got, err)
	}
	f, _ := s.Finding(ctx, sc, dead.ID)
	if f.TicketID == nil || *f.TicketID != tk.ID {
		t.Fatalf("finding not linked to its ticket: %+v", f)
	}
	if _, _, err := s.SendFindingToUnit(ctx, sup, sc, dead.ID); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("sending twice: %v, want conflict", err)
	}
}

func TestAccountFilingsMoveTheLedger(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	sup := u["cd-supervisor"]
	sc := scopeOf(t, s, sup)
	accs, err := s.Accounts(ctx, sc)
	if err != nil || len(accs) != 1 || accs[0].Name != "成都发布" {
		t.Fatalf("成都's accounts: %+v %v", accs, err)
	}
	id := accs[0].ID
	tests := []struct {
		name       string
		ev         models.MediaAccountEvent
		wantKind   models.Kind
		wantStatus string
	}{
		{"关停", models.MediaAccountEvent{Kind: "关停", FiledOn: "2025-03-20"}, -1, models.AccountSuspended},
		{"an older 变更 leaves the status", models.MediaAccountEvent{Kind: "change", FiledOn: "2025-01-02", Note: "改名"}, -1, models.AccountSuspended},
		{"注销", models.MediaAccountEvent{Kind: "注销", FiledOn: "2025-03-24"}, -1, models.AccountCancelled},
		{"unknown kind", models.MediaAccountEvent{Kind: "删除", FiledOn: "2025-03-24"}, models.KindInvalid, models.AccountCancelled},
		{"bad date", models.MediaAccountEvent{Kind: "开设", FiledOn: "3月24日"}, models.KindInvalid, models.AccountCancelled},
		{"future date", models.MediaAccountEvent{Kind: "开设", FiledOn: "2025-04-01"}, models.KindInvalid, models.AccountCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.FileAccountEvent(ctx, sup, sc, id, tt.ev)
			if tt.wantKind >= 0 && models.ErrorKind(err) != tt.wantKind || tt.wantKind < 0 && err != nil {
				t.Fatalf("err %v, want kind %v", err, tt.wantKind)
			}
			acc, _, _ := s.AccountEvents(ctx, sc, id)
			if acc.Status != tt.wantStatus {
				t.Fatalf("status %s, want %s", acc.Status, tt.wantStatus)
			}
		})
	}
	_, events, _ := s.AccountEvents(ctx, sc, id)
	if len(events) != 3 || events[0].Kind != models.AccountEventChange {
		t.Fatalf("events: %+v", events)
	}
	other := scopeOf(t, s, u["scgov-staff"])
	if _, err := s.FileAccountEvent(ctx, u["scgov-staff"], other, id, models.MediaAccountEvent{Kind: "开设", FiledOn: "2025-03-24"}); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("filing for another unit's account: %v, want not found", err)
	}
}

func TestAccountImportKeepsResultsAndFindings(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	admin := u["admin"]
	accs, _ := s.Accounts(ctx, scopeOf(t, s, u["cd-supervisor"]))
	id := accs[0].ID
	stale := models.Finding{Type: "account_stale", Indicator: "政务新媒体更新不及时", URL: "微信：成都发布", Page: "微信：成都发布",
		Target: "微信：成都发布", Evidence: "已30天未更新", Veto: true, FindingKey: "account_stale:1"}
	ghost := models.Finding{Type: "ledger_mismatch", Indicator: "管理台账与实际运行情况不符", URL: "抖音：无名号", Page: "抖音：无名号",
		Target: "抖音：无名号", Evidence: "账号在运行，但未报备开设", FindingKey: "ledger_mismatch:1"}
	imp, err := storetest.SaveAccountImport(ctx, s, admin, "results.csv", []models.AccountResult{
		{AccountID: &id, Name: "成都发布", Platform: "微信", FiledStatus: models.AccountActive, Interaction: true, Findings: []models.Finding{stale}},
		{Name: "无名号", Platform: "抖音", ReportedOnline: true, Findings: []models.Finding{ghost}},
	})
	if err != nil || imp.Accounts != 2 || imp.Findings != 2 {
		t.Fatalf("import: %+v %v", imp, err)
	}
	_, rows, err := s.ImportResults(ctx, models.Scope{All: true}, admin.ID, imp.ID)
	if err != nil || len(rows) != 2 || len(rows[0].Findings) != 1 || len(rows[1].Findings) != 1 {
		t.Fatalf("results for the admin: %+v %v", rows, err)
	}
	_, rows, err = s.ImportResults(ctx, scopeOf(t, s, u["cd-supervisor"]), u["cd-supervisor"].ID, imp.ID)
	if err != nil || len(rows) != 1 || rows[0].Name != "成都发布" {
		t.Fatalf("results for 成都: %+v %v", rows, err)
	}
	if _, _, err := s.ImportResults(ctx, scopeOf(t, s, u["scgov-staff"]), u["scgov-staff"].ID, imp.ID); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("results for another unit: %v", err)
	}
}
