package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// A ticket published before 留言选登 kept its masked description (migration 0019) gets it at the
// next start: `migrate` (and every start of the server) fills it, once.
func TestMigrateFillsPublishedDescriptions(t *testing.T) {
	getenv := env(t, true)
	migrate := func() string {
		t.Helper()
		var out bytes.Buffer
		if code := run(context.Background(), []string{"migrate"}, &out, io.Discard, getenv); code != 0 {
			t.Fatalf("migrate: exit %d", code)
		}
		return out.String()
	}
	migrate()
	cfg, err := LoadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := models.Open(ctx, cfg.dialect, cfg.dsn, models.SystemClock{}, models.Options{Events: &storetest.Events{}})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.SeedDemo(ctx, "demo-pass-123"); err != nil {
		t.Fatal(err)
	}
	sub, err := store.SubmitReport(ctx, models.Report{PageURL: "https://gzw.sc.gov.cn/a.html", Category: "内容不准确",
		Description: "页面上的电话13800138000打不通，请核实。"})
	if err != nil {
		t.Fatal(err)
	}
	no := sub.Ticket.TicketNo
	for _, step := range []struct {
		user string
		a    models.Action
	}{
		{"gzw-staff", models.Action{Kind: models.ActReply, Text: "已核实并修复，感谢反馈。", Confirmed: true}},
		{"gzw-reviewer", models.Action{Kind: models.ActApprove, Public: true}},
	} {
		u, err := store.Authenticate(ctx, step.user, "demo-pass-123")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Act(ctx, u, no, step.a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.SQLDB().Exec("UPDATE tickets SET description_public = NULL WHERE ticket_no = ?", no); err != nil {
		t.Fatal(err)
	}

	if out := migrate(); !strings.Contains(out, "published descriptions masked for 留言选登: 1") {
		t.Fatalf("migrate said:\n%s", out)
	}
	var d sql.NullString
	store.SQLDB().QueryRow("SELECT description_public FROM tickets WHERE ticket_no = ?", no).Scan(&d)
	if d.String != "页面上的电话138****8000打不通，请核实。" {
		t.Fatalf("published description %+v", d)
	}
	if out := migrate(); strings.Contains(out, "published descriptions") {
		t.Fatalf("filled again:\n%s", out)
	}
}
