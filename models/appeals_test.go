package models_test

import (
	"context"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/indicator"
	"zhaocuo/models/storetest"
)

// appealStore is the demo with rounds over 国资委's site (gzw.sc.gov.cn), played by the test.
type appealStore struct {
	t     *testing.T
	s     *models.Store
	clock *storetest.Clock
	u     map[string]*models.User
	site  int64
}

func newAppealStore(t *testing.T) *appealStore {
	t.Helper()
	a := &appealStore{t: t, clock: storetest.NewClock("2025-03-25 10:00:00")}
	a.s = storetest.Open(t, a.clock)
	a.u = demoUsers(t, a.s)
	return a
}

func (a *appealStore) scope(name string) models.Scope { return scopeOf(a.t, a.s, a.u[name]) }

// round plays one round of 国资委's site with the findings, an hour after the last, and returns
// the site's result with its findings by key.
func (a *appealStore) round(fs ...models.Finding) (*models.ResultRow, map[string]models.Finding) {
	a.t.Helper()
	ctx := context.Background()
	a.clock.Advance(time.Hour)
	round, ids, err := storetest.StartRound(ctx, a.s, models.RoundOnDemand, a.scope("gzw-staff"), nil)
	if err != nil || len(ids) != 1 {
		a.t.Fatalf("round: %v %v", ids, err)
	}
	a.site = ids[0]
	for i := range fs {
		fs[i].SeenAt = a.clock.Now()
	}
	if err := a.s.FinishSite(ctx, round.ID, ids[0], models.SiteOutcome{Pages: 1, Findings: fs}); err != nil {
		a.t.Fatal(err)
	}
	a.clock.Advance(time.Minute)
	res, err := a.s.SiteResult(ctx, round.ID, ids[0])
	if err != nil {
		a.t.Fatal(err)
	}
	row, got, err := a.s.Result(ctx, a.scope("sc-supervisor"), res.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	byKey := map[string]models.Finding{}
	for _, f := range got {
		byKey[f.FindingKey] = f
	}
	return row, byKey
}

func hiddenLink() models.Finding {
	return models.Finding{Type: indicator.TypeHiddenLink, Indicator: indicator.Security, URL: "https://gzw.sc.gov.cn/",
		Page: "https://gzw.sc.gov.cn/", Target: "https://bc.example/", Evidence: "隐藏链接「真人娱乐」", Veto: true,
		FindingKey: "hidden_link:1"}
}

func gzwDeadLink() models.Finding {
	return models.Finding{Type: indicator.TypeDeadLink, Indicator: indicator.HomepageLinks, URL: "https://gzw.sc.gov.cn/",
		Page: "https://gzw.sc.gov.cn/", Target: "https://gzw.sc.gov.cn/gone.html", Evidence: "HTTP 404", Points: 1,
		FindingKey: "dead_link:gone"}
}

func gzwTypo(key string) models.Finding {
	f := typo(key)
	f.URL, f.Page, f.Veto = "https://gzw.sc.gov.cn/", "https://gzw.sc.gov.cn/a.html", false
	return f
}

var pdf = &models.AppealUpload{Name: "说明.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 情况说明")}

func TestAppealStateMachineAndScope(t *testing.T) {
	a := newAppealStore(t)
	ctx := context.Background()
	row, fs := a.round(hiddenLink(), gzwDeadLink(), gzwTypo("typo:1"))
	if row.Verdict != indicator.Fail || row.Score != 99 {
		t.Fatalf("before: %s %.1f; want 不合格 with a veto and one dead link", row.Verdict, row.Score)
	}
	veto, typo := fs["hidden_link:1"], fs["typo:1"]
	staff, sup := a.u["gzw-staff"], a.u["sc-supervisor"]
	const reason = "该链接为本单位合作媒体，并非暗链，附说明"

	refusals := []struct {
		name   string
		user   string
		id     int64
		reason string
		want   models.Kind
	}{
		{"another unit's staff", "scgov-staff", veto.ID, reason, models.KindNotFound},
		{"a supervisor", "sc-supervisor", veto.ID, reason, models.KindForbidden},
		{"a forged id", "gzw-staff", veto.ID + 1000, reason, models.KindNotFound},
		{"no reason", "gzw-staff", veto.ID, "  不对 ", models.KindInvalid},
		{"a suspected finding", "gzw-staff", typo.ID, reason, models.KindConflict},
	}
	for _, r := range refusals {
		if _, _, err := a.s.FileAppeal(ctx, a.u[r.user], a.scope(r.user), r.id, r.reason, nil); models.ErrorKind(err) != r.want {
			t.Errorf("%s: %v, want kind %d", r.name, err, r.want)
		}
	}
	big := &models.AppealUpload{Name: "a.pdf", ContentType: "application/pdf", Data: make([]byte, models.MaxAppealFile+1)}
	if _, _, err := a.s.FileAppeal(ctx, staff, a.scope("gzw-staff"), veto.ID, reason, big); models.ErrorKind(err) != models.KindInvalid {
		t.Errorf("an oversized file: %v", err)
	}
	exe := &models.AppealUpload{Name: "a.exe", ContentType: "application/x-msdownload", Data: []byte("MZ")}
	if _, _, err := a.s.FileAppeal(ctx, staff, a.scope("gzw-staff"), veto.ID, reason, exe); models.ErrorKind(err) != models.KindInvalid {
		t.Errorf("a program: %v", err)
	}

	ap, events, err := a.s.FileAppeal(ctx, staff, a.scope("gzw-staff"), veto.ID, reason, pdf)
	if err != nil {
		t.Fatal(err)
	}
	if ap.Status != models.AppealFiled || len(events) != 1 || events[0].(models.AppealChanged).Status != models.AppealFiled {
		t.Fatalf("filed: %+v %v", ap, events)
	}
	if _, _, err := a.s.FileAppeal(ctx, a.u["gzw-reviewer"], a.scope("gzw-reviewer"), veto.ID, reason, nil); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("a second appeal of the finding: %v, want conflict", err)
	}
	// The unit sees its appeal and its document; another unit does not.
	if _, _, err := a.s.Appeal(ctx, a.scope("scgov-staff"), ap.ID); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("another unit reads the appeal: %v", err)
	}
	if name, ct, data, err := a.s.AppealFile(ctx, a.scope("gzw-staff"), ap.ID); err != nil || ct != "application/pdf" || string(data) != string(pdf.Data) || name == "说明.pdf" {
		t.Fatalf("the document: %q %q %q %v", name, ct, data, err)
	}

	deciders := []struct {
		name   string
		user   string
		accept bool
		note   string
		want   models.Kind
	}{
		{"another region's supervisor", "cd-supervisor", true, "", models.KindNotFound},
		{"the unit itself", "gzw-reviewer", true, "", models.KindForbidden},
		{"an administrator", "admin", true, "", models.KindForbidden},
		{"a refusal without a reason", "sc-supervisor", false, " ", models.KindInvalid},
	}
	for _, d := range deciders {
		if _, _, err := a.s.DecideAppeal(ctx, a.u[d.user], a.scope(d.user), ap.ID, d.accept, d.note, false); models.ErrorKind(err) != d.want {
			t.Errorf("%s: %v, want kind %d", d.name, err, d.want)
		}
	}
	got, events, err := a.s.DecideAppeal(ctx, sup, a.scope("sc-supervisor"), ap.ID, true, "情况属实", false)
	if err != nil || got.Status != models.AppealAccepted || len(events) != 1 {
		t.Fatalf("accept: %+v %v %v", got, events, err)
	}
	if _, _, err := a.s.DecideAppeal(ctx, sup, a.scope("sc-supervisor"), ap.ID, false, "再议", false); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("deciding a decided appeal again: %v, want conflict", err)
	}
	// The veto no longer counts: the site passes with the dead link's point off.
	after, findings, err := a.s.Result(ctx, a.scope("sc-supervisor"), row.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Verdict != indicator.Pass || after.Score != 99 || after.Vetoes != 0 {
		t.Fatalf("after the appeal: %s %.1f vetoes %d; want 合格 99", after.Verdict, after.Score, after.Vetoes)
	}
	for _, f := range findings {
		if f.ID == veto.ID && (f.Status != models.FindingReduced || f.Counts() || f.DecidedBy == nil || *f.DecidedBy != sup.ID) {
			t.Fatalf("the finding after the appeal: %+v", f)
		}
	}
	_, steps, err := a.s.Appeal(ctx, a.scope("gzw-staff"), ap.ID)
	if err != nil || len(steps) != 2 || steps[0].Status != models.AppealFiled || steps[1].Status != models.AppealAccepted ||
		*steps[1].ActorID != sup.ID || steps[1].Note != "情况属实" {
		t.Fatalf("the appeal's steps: %+v %v", steps, err)
	}
}

func TestAppealRefusedKeepsTheScore(t *testing.T) {
	a := newAppealStore(t)
	ctx := context.Background()
	row, fs := a.round(gzwDeadLink())
	ap, _, err := a.s.FileAppeal(ctx, a.u["gzw-staff"], a.scope("gzw-staff"), fs["dead_link:gone"].ID, "该页面检查时正在维护，现已恢复", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := a.s.DecideAppeal(ctx, a.u["sc-supervisor"], a.scope("sc-supervisor"), ap.ID, false, "检查时确实无法访问", false)
	if err != nil || got.Status != models.AppealRefused {
		t.Fatalf("refuse: %+v %v", got, err)
	}
	after, _, _ := a.s.Result(ctx, a.scope("sc-supervisor"), row.ID)
	if after.Score != 99 || after.Confirmed != 1 {
		t.Fatalf("after a refusal: %+v", after)
	}
	if _, _, err := a.s.DecideAppeal(ctx, a.u["sc-supervisor"], a.scope("sc-supervisor"), ap.ID, true, "", false); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("accepting a refused appeal: %v, want conflict", err)
	}
}

func TestAppealStepsAreToldToSupervisorsThenTheUnit(t *testing.T) {
	a := newAppealStore(t)
	ctx := context.Background()
	_, fs := a.round(hiddenLink())
	pass := func() {
		t.Helper()
		if _, _, err := a.s.WriteNotices(ctx); err != nil {
			t.Fatal(err)
		}
	}
	told := func(user string, kind string) int {
		t.Helper()
		ns, _, err := a.s.Notifications(ctx, a.u[user].ID, false, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, x := range ns {
			if x.Kind == kind {
				n++
			}
		}
		return n
	}
	pass()
	ap, _, err := a.s.FileAppeal(ctx, a.u["gzw-staff"], a.scope("gzw-staff"), fs["hidden_link:1"].ID, "合作媒体链接，并非暗链", nil)
	if err != nil {
		t.Fatal(err)
	}
	pass()
	if told("sc-supervisor", models.NoticeAppealFiled) != 1 || told("cd-supervisor", models.NoticeAppealFiled) != 0 {
		t.Fatalf("filed: the province's supervisor told %d, 成都's %d", told("sc-supervisor", models.NoticeAppealFiled), told("cd-supervisor", models.NoticeAppealFiled))
	}
	if _, _, err := a.s.DecideAppeal(ctx, a.u["sc-supervisor"], a.scope("sc-supervisor"), ap.ID, false, "确为暗链", false); err != nil {
		t.Fatal(err)
	}
	pass()
	pass() // told once
	if told("gzw-staff", models.NoticeAppealDecided) != 1 || told("gzw-reviewer", models.NoticeAppealDecided) != 1 ||
		told("scgov-staff", models.NoticeAppealDecided) != 0 || told("sc-supervisor", models.NoticeAppealDecided) != 0 {
		t.Fatal("the decision is told to the unit, once, and to nobody else")
	}
}

func TestExceptionsAcrossRounds(t *testing.T) {
	a := newAppealStore(t)
	ctx := context.Background()
	sup, sc := a.u["sc-supervisor"], a.scope("sc-supervisor")
	_, fs := a.round(gzwTypo("typo:name"), gzwDeadLink())
	name := fs["typo:name"]
	if _, err := a.s.RememberFinding(ctx, sup, sc, name.ID, "人名，不是错别字"); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("remembering a finding not yet dismissed: %v", err)
	}
	if _, err := a.s.DecideFinding(ctx, sup, sc, name.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.RememberFinding(ctx, a.u["gzw-staff"], a.scope("gzw-staff"), name.ID, "人名，不是错别字"); models.ErrorKind(err) != models.KindForbidden {
		t.Fatalf("the unit makes an exception: %v", err)
	}
	if _, err := a.s.RememberFinding(ctx, a.u["cd-supervisor"], a.scope("cd-supervisor"), name.ID, "人名，不是错别字"); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("another region's supervisor makes an exception: %v", err)
	}
	if _, err := a.s.RememberFinding(ctx, sup, sc, name.ID, ""); models.ErrorKind(err) != models.KindInvalid {
		t.Fatalf("an exception without a reason: %v", err)
	}
	ex, err := a.s.RememberFinding(ctx, sup, sc, name.ID, "人名，不是错别字")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.RememberFinding(ctx, sup, sc, name.ID, "再来一次"); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("the same exception twice: %v", err)
	}
	// The dead link, contested and accepted with "以后不再提示".
	ap, _, err := a.s.FileAppeal(ctx, a.u["gzw-staff"], a.scope("gzw-staff"), fs["dead_link:gone"].ID, "该链接仅内网可访问，属正常情况", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.s.DecideAppeal(ctx, sup, sc, ap.ID, true, "", true); err != nil {
		t.Fatal(err)
	}

	row, fs := a.round(gzwTypo("typo:name"), gzwDeadLink(), gzwTypo("typo:other"))
	if _, ok := fs["typo:name"]; ok {
		t.Fatal("the excepted typo was raised again")
	}
	if _, ok := fs["dead_link:gone"]; ok {
		t.Fatal("the dead link remembered with the appeal was raised again")
	}
	if _, ok := fs["typo:other"]; !ok || row.Score != 100 {
		t.Fatalf("the next round: %v, score %.1f", fs, row.Score)
	}
	list, err := a.s.SiteExceptions(ctx, sc, a.site)
	if err != nil || len(list) != 2 || list[1].ID != ex.ID || list[1].CreatedByName != sup.DisplayName || list[0].AppealID == nil {
		t.Fatalf("the site's exceptions: %+v %v", list, err)
	}
	if got, _ := a.s.SiteExceptions(ctx, a.scope("cd-supervisor"), a.site); len(got) != 0 {
		t.Fatalf("another region sees the site's exceptions: %+v", got)
	}

	if _, err := a.s.RevokeException(ctx, a.u["cd-supervisor"], a.scope("cd-supervisor"), ex.ID, "重新检查"); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("another region revokes: %v", err)
	}
	if _, err := a.s.RevokeException(ctx, sup, sc, ex.ID, "重新检查"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.RevokeException(ctx, sup, sc, ex.ID, "重新检查"); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("revoking twice: %v", err)
	}
	_, fs = a.round(gzwTypo("typo:name"), gzwDeadLink())
	if _, ok := fs["typo:name"]; !ok {
		t.Fatal("the revoked exception's finding was not raised again")
	}
	if _, ok := fs["dead_link:gone"]; ok {
		t.Fatal("the exception still in force was raised")
	}
	list, _ = a.s.SiteExceptions(ctx, sc, a.site)
	if len(list) != 2 || list[1].RevokedAt == nil || list[1].RevokedByName != sup.DisplayName || list[1].RevokeReason != "重新检查" {
		t.Fatalf("the list after the revocation: %+v", list)
	}
}

func TestFindingPrecisionsCountEachJudgementOnce(t *testing.T) {
	a := newAppealStore(t)
	ctx := context.Background()
	sup, sc := a.u["sc-supervisor"], a.scope("sc-supervisor")
	findings := func() []models.Finding {
		return []models.Finding{gzwTypo("typo:a"), gzwTypo("typo:b"), gzwTypo("typo:c"), gzwDeadLink(), hiddenLink()}
	}
	_, fs := a.round(findings()...)
	for key, confirm := range map[string]bool{"typo:a": false, "typo:b": true, "typo:c": false} {
		if _, err := a.s.DecideFinding(ctx, sup, sc, fs[key].ID, confirm); err != nil {
			t.Fatal(err)
		}
	}
	for key, accept := range map[string]bool{"dead_link:gone": true, "hidden_link:1": false} {
		ap, _, err := a.s.FileAppeal(ctx, a.u["gzw-staff"], a.scope("gzw-staff"), fs[key].ID, "检查结果有误，请核减", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.s.DecideAppeal(ctx, sup, sc, ap.ID, accept, "已核实", false); err != nil {
			t.Fatal(err)
		}
	}
	a.round(findings()...) // carries the typos' decisions over: no new judgement

	got, err := a.s.FindingPrecisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		decided, dismissed, reduced int64
		share                       string
	}{
		indicator.TypeDeadLink:   {1, 0, 1, "100.00%"},
		indicator.TypeTypo:       {3, 2, 0, "66.67%"},
		indicator.TypeHiddenLink: {1, 0, 0, "0.00%"},
	}
	if len(got) != len(want) {
		t.Fatalf("types: %+v", got)
	}
	for i, p := range got {
		w := want[p.Type]
		if p.Decided != w.decided || p.Dismissed != w.dismissed || p.Reduced != w.reduced || p.DismissedShare().Percent(2) != w.share {
			t.Errorf("%s: %+v %s, want %+v", p.Type, p, p.DismissedShare().Percent(2), w)
		}
		if i > 0 && got[i-1].DismissedShare().Value() < p.DismissedShare().Value() {
			t.Errorf("not worst first: %+v", got)
		}
	}
}

// A circular published before the appeal keeps its figures (frozen when published); a correction
// drafted afterwards counts without the finding taken off.
func TestAnAcceptedAppealLeavesAPublishedCircularAsPublished(t *testing.T) {
	a := newAppealStore(t)
	ctx := context.Background()
	sup, sc := a.u["sc-supervisor"], a.scope("sc-supervisor")
	_, fs := a.round(hiddenLink())
	src := models.InspectionTables{Store: a.s}
	rec, err := a.s.CreateCircular(ctx, sup, src, models.CircularRequest{Period: "2025Q1", Cutoff: "2025-03-25", DocNumber: "川办便函〔2025〕78号"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.s.PublishCircular(ctx, sup, sc, rec.ID); err != nil {
		t.Fatal(err)
	}
	problems := func(id int64) int64 {
		t.Helper()
		row, err := a.s.CircularByID(ctx, sc, id)
		if err != nil {
			t.Fatal(err)
		}
		c, err := row.Circular()
		if err != nil {
			t.Fatal(err)
		}
		return c.Figures.Websites.WithProblems
	}
	if got := problems(rec.ID); got != 1 {
		t.Fatalf("published with %d sites with problems, want 国资委's", got)
	}
	ap, _, err := a.s.FileAppeal(ctx, a.u["gzw-staff"], a.scope("gzw-staff"), fs["hidden_link:1"].ID, "合作媒体链接，并非暗链", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.s.DecideAppeal(ctx, sup, sc, ap.ID, true, "", false); err != nil {
		t.Fatal(err)
	}
	if got := problems(rec.ID); got != 1 {
		t.Fatalf("the published circular now says %d sites with problems", got)
	}
	draft, err := a.s.CorrectCircular(ctx, sup, sc, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if draft, err = a.s.RefreshCircular(ctx, sup, sc, src, draft.ID); err != nil {
		t.Fatal(err)
	}
	if got := problems(draft.ID); got != 0 {
		t.Fatalf("the correction drafted after the appeal says %d sites with problems", got)
	}
}
