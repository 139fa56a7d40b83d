package models_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// The published description is written when the reviewer publishes (masked), not when the reply
// is kept private, and goes with a reopening; tickets published before the column existed get
// theirs at start-up, and until then no search reads their description.
func TestPublishedDescriptionIsTheMaskedOneAndTheOnlyOneSearched(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	publish := func(description string, public bool) string {
		t.Helper()
		r := validReport()
		r.PageURL, r.Description = "https://gzw.sc.gov.cn/list.html?d="+description, description
		sub, err := s.SubmitReport(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		no := sub.Ticket.TicketNo
		for _, step := range []struct {
			user string
			a    models.Action
		}{
			{"gzw-staff", models.Action{Kind: models.ActReply, Text: "已核实并修复，感谢反馈。", Confirmed: true}},
			{"gzw-reviewer", models.Action{Kind: models.ActApprove, Public: public}},
		} {
			if _, err := s.Act(ctx, u[step.user], no, step.a); err != nil {
				t.Fatal(err)
			}
		}
		return no
	}
	stored := func(no string) sql.NullString {
		t.Helper()
		var d sql.NullString
		if err := s.SQLDB().QueryRow("SELECT description_public FROM tickets WHERE ticket_no = ?", no).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	found := func(q string) int64 {
		t.Helper()
		_, total, err := s.PublicReplies(ctx, q, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		return total
	}

	published := publish("页面电话13800138000无法接通，请核实。", true)
	private := publish("页面电话13900139000无法接通，请核实。", false)
	if d := stored(published); d.String != "页面电话138****8000无法接通，请核实。" {
		t.Fatalf("published: %+v", d)
	}
	if d := stored(private); d.Valid {
		t.Fatalf("a reply kept private has a published description: %q", d.String)
	}
	if found("1380013") != 0 || found("138****8000") != 1 {
		t.Fatal("the search does not read the published description alone")
	}

	// A ticket published before migration 0019: no published description yet.
	if _, err := s.SQLDB().Exec("UPDATE tickets SET description_public = NULL WHERE ticket_no = ?", published); err != nil {
		t.Fatal(err)
	}
	if found("138") != 0 || found("1380013") != 0 {
		t.Fatal("a description not yet masked is searched")
	}
	replies, _, err := s.PublicReplies(ctx, "", 1, 10)
	if err != nil || len(replies) != 1 || replies[0].Description != "页面电话138****8000无法接通，请核实。" {
		t.Fatalf("shown before it is filled: %+v %v", replies, err)
	}
	if strings.Contains(replies[0].PageURL, "13800138000") || !strings.Contains(replies[0].PageURL, "138****8000") {
		t.Fatalf("the page's address is shown as %q", replies[0].PageURL)
	}
	if n, err := s.FillPublishedDescriptions(ctx); err != nil || n != 1 {
		t.Fatalf("filled %d: %v", n, err)
	}
	if d := stored(published); d.String != "页面电话138****8000无法接通，请核实。" || found("138") != 1 {
		t.Fatalf("after the fill: %+v", d)
	}
	if n, err := s.FillPublishedDescriptions(ctx); err != nil || n != 0 {
		t.Fatalf("filled again %d: %v", n, err)
	}

	// Rated unhappy and reopened: no longer published, and no published description left.
	if _, err := s.SQLDB().Exec("UPDATE tickets SET rating = ? WHERE ticket_no = ?", models.RatingUnhappy, published); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Act(ctx, u["sc-supervisor"], published, models.Action{Kind: models.ActReopen, Text: "留言人不满意，请重新核实"}); err != nil {
		t.Fatal(err)
	}
	if d := stored(published); d.Valid || found("138") != 0 {
		t.Fatalf("reopened: %+v", d)
	}
}
