package models_test

import (
	"context"
	"strings"
	"testing"

	"zhaocuo/models"
)

// A circular's way: drafted by the region's supervisor, edited with placeholders, refreshed when
// the data changes, published and frozen, corrected as a new version.
func TestCircularDraftEditRefreshPublishCorrect(t *testing.T) {
	r := newRates(t, "2025-03-03 10:00:00")
	ctx := context.Background()
	s, sup := r.s, r.u["sc-supervisor"]
	src := models.RegistryInspection{Store: s}
	sc, _ := s.ScopeOf(ctx, sup)
	first := r.report("https://gzw.sc.gov.cn/1.html")
	r.close(first, true)
	r.at("2025-03-25 10:00")

	if _, err := s.CreateCircular(ctx, r.u["cd-supervisor"], src, models.CircularRequest{Period: "2025Q1"}); err != nil {
		t.Fatalf("成都 drafts its own: %v", err)
	}
	if _, err := s.CreateCircular(ctx, r.u["gzw-staff"], src, models.CircularRequest{Period: "2025Q1"}); models.ErrorKind(err) != models.KindForbidden {
		t.Fatalf("unit staff drafting: %v", err)
	}
	rec, err := s.CreateCircular(ctx, sup, src, models.CircularRequest{Period: "2025Q1", Cutoff: "2025-03-20"})
	if err != nil || rec.Version != 1 || rec.Status != models.CircularDraftStatus {
		t.Fatalf("create: %+v %v", rec, err)
	}
	if _, err := s.CreateCircular(ctx, sup, src, models.CircularRequest{Period: "2025Q1"}); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("a second draft: %v", err)
	}
	cdScope, _ := s.ScopeOf(ctx, r.u["cd-supervisor"])
	if _, err := s.CircularByID(ctx, cdScope, rec.ID); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("成都's supervisor sees the province's circular: %v", err)
	}

	text := rec.Text()
	text.Overview = "本季度共收到留言{{找错留言数}}条。"
	text.DocNumber = "川办便函〔2025〕78号"
	text.Requirements = "（一）本省的要求。按期办结率须保持{{按期办结率}}。"
	bad := text
	bad.Problems = "{{不存在的数}}"
	if _, err := s.SaveCircularText(ctx, sup, sc, rec.ID, bad); models.ErrorField(err) != "problems" {
		t.Fatalf("unknown placeholder: %v", err)
	}
	if _, err := s.SaveCircularText(ctx, r.u["cd-supervisor"], cdScope, rec.ID, text); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("another region's supervisor editing: %v", err)
	}
	if rec, err = s.SaveCircularText(ctx, sup, sc, rec.ID, text); err != nil {
		t.Fatal(err)
	}
	shown := func(rec *models.CircularRecord) string {
		c, err := rec.Circular()
		if err != nil {
			t.Fatal(err)
		}
		return c.Filled().Overview
	}
	if got := shown(rec); got != "本季度共收到留言1条。" {
		t.Fatalf("filled: %q", got)
	}

	// A ticket received before the cutoff but recorded late shows after a refresh.
	r.at("2025-03-10 10:00")
	r.report("https://gzw.sc.gov.cn/2.html")
	r.at("2025-03-25 11:00")
	if rec, err = s.RefreshCircular(ctx, sup, sc, src, rec.ID); err != nil {
		t.Fatal(err)
	}
	if got := shown(rec); got != "本季度共收到留言2条。" {
		t.Fatalf("after refresh: %q", got)
	}

	if _, _, err := s.PublishCircular(ctx, r.u["gzw-staff"], sc, rec.ID); models.ErrorKind(err) != models.KindForbidden {
		t.Fatalf("unit staff publishing: %v", err)
	}
	if rec, _, err = s.PublishCircular(ctx, sup, sc, rec.ID); err != nil || !rec.Published() || rec.PublishedAt == nil {
		t.Fatalf("publish: %+v %v", rec, err)
	}
	if strings.Contains(rec.Overview, "{{") || rec.Overview != "本季度共收到留言2条。" {
		t.Fatalf("published text keeps placeholders: %q", rec.Overview)
	}
	frozen := rec.Figures
	r.report("https://gzw.sc.gov.cn/3.html")
	if _, err := s.RefreshCircular(ctx, sup, sc, src, rec.ID); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("refreshing a published circular: %v", err)
	}
	if _, err := s.SaveCircularText(ctx, sup, sc, rec.ID, text); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("editing a published circular: %v", err)
	}
	again, _ := s.CircularByID(ctx, sc, rec.ID)
	if again.Figures != frozen || again.Overview != rec.Overview {
		t.Fatal("a published circular changed")
	}

	// The next draft's 下步要求 starts from the published one's.
	q2, err := s.DraftCircular(ctx, src, models.CircularRequest{Region: mustRegion(t, s, "510000"), Period: "2025-03"})
	if err != nil {
		t.Fatal(err)
	}
	if q2.Text.Requirements != rec.Requirements || !strings.HasPrefix(rec.Requirements, "（一）本省的要求。") {
		t.Fatalf("requirements carried over: %q from %q (%v)", q2.Text.Requirements, rec.Requirements, err)
	}

	fix, err := s.CorrectCircular(ctx, sup, sc, rec.ID)
	if err != nil || fix.Version != 2 || fix.Status != models.CircularDraftStatus || fix.Overview != rec.Overview {
		t.Fatalf("correction: %+v %v", fix, err)
	}
	if _, err := s.CorrectCircular(ctx, sup, sc, rec.ID); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("a second correction while one is a draft: %v", err)
	}
	list, err := s.Circulars(ctx, sc)
	if err != nil || len(list) != 3 { // 四川 v1, v2 and 成都's, which the province sees
		t.Fatalf("list: %d %v", len(list), err)
	}
}

// Publishing with an empty 文号 is refused until the office says the circular has none; the 版记's
// fields are stored with the text and frozen with it.
func TestCircularPublishNeedsDocNumberOrItsAbsence(t *testing.T) {
	r := newRates(t, "2025-03-25 10:00:00")
	ctx := context.Background()
	s, sup := r.s, r.u["sc-supervisor"]
	sc, _ := s.ScopeOf(ctx, sup)
	rec, err := s.CreateCircular(ctx, sup, models.RegistryInspection{Store: s}, models.CircularRequest{Period: "2025Q1", Cutoff: "2025-03-20"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.PrintOffice != rec.Issuer || rec.PrintDate != rec.IssueDate {
		t.Errorf("the draft's 印发 line: %q %q, want the issuer on the issue date", rec.PrintOffice, rec.PrintDate)
	}
	if _, _, err := s.PublishCircular(ctx, sup, sc, rec.ID); models.ErrorField(err) != "doc_number" {
		t.Fatalf("publishing without a 文号: %v", err)
	}
	text := rec.Text()
	text.NoDocNumber, text.DocNumber = true, "川办便函〔2025〕78号"
	if _, err := s.SaveCircularText(ctx, sup, sc, rec.ID, text); models.ErrorField(err) != "doc_number" {
		t.Fatalf("a 文号 and 无文号 at once: %v", err)
	}
	text.DocNumber, text.PrintDate = "", ""
	if _, err := s.SaveCircularText(ctx, sup, sc, rec.ID, text); models.ErrorField(err) != "print_office" {
		t.Fatalf("印发机关 without 印发日期: %v", err)
	}
	text.CC, text.PrintDate = "省委办公厅，省人大常委会办公厅。", "2025-03-26"
	if _, err := s.SaveCircularText(ctx, sup, sc, rec.ID, text); err != nil {
		t.Fatal(err)
	}
	rec, _, err = s.PublishCircular(ctx, sup, sc, rec.ID)
	if err != nil {
		t.Fatalf("publishing a circular declared without 文号: %v", err)
	}
	if got := rec.Text(); !got.NoDocNumber || got.CC != text.CC || got.PrintDate != "2025-03-26" {
		t.Errorf("published text: %+v", got)
	}
}
