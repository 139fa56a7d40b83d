package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// A backup restored into an empty database gives the same rates and the same circular, on the
// backend the tests run on (SQLite, or MariaDB through its dump and client tools).
func TestBackupAndRestoreKeepRatesAndCirculars(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		if _, err := exec.LookPath("mariadb-dump"); err != nil {
			if _, err := exec.LookPath("mysqldump"); err != nil {
				t.Skip("no mariadb-dump or mysqldump: the MySQL backup cannot be tested here")
			}
		}
	}
	ctx := context.Background()
	original := env(t, true, "DEMO_PASSWORD", "demo-backup-2025")
	if code := run(ctx, []string{"seed", "--demo"}, new(bytes.Buffer), new(bytes.Buffer), original); code != 0 {
		t.Fatalf("seed: exit %d", code)
	}
	// Some history: reports to three units and triage, one closed and rated.
	cfg, err := LoadConfig(original)
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(ctx, cfg, newLogger(cfg, new(bytes.Buffer)), models.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i, page := range []string{"https://gzw.sc.gov.cn/a.html", "https://www.sc.gov.cn/b.html", "https://www.chengdu.gov.cn/c.html", "https://unknown.example.cn/d.html"} {
		sub, err := store.SubmitReport(ctx, models.Report{PageURL: page, Category: "链接不可用", Description: "页面上的链接打不开了，请核实处理。"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = sub.Ticket.TicketNo
			staff, _ := store.Authenticate(ctx, "gzw-staff", "demo-backup-2025")
			reviewer, _ := store.Authenticate(ctx, "gzw-reviewer", "demo-backup-2025")
			if _, err := store.Act(ctx, staff, first, models.Action{Kind: models.ActReply, Text: "已修复该链接，感谢反馈。", Confirmed: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := store.Act(ctx, reviewer, first, models.Action{Kind: models.ActApprove}); err != nil {
				t.Fatal(err)
			}
			if _, err := store.RateReport(ctx, first, sub.QueryCode, models.CitizenRating{Rating: models.RatingSatisfied}); err != nil {
				t.Fatal(err)
			}
		}
	}
	store.Close()
	asOf := time.Now().Add(time.Minute)
	figures := func(getenv func(string) string) (rates, circular string) {
		t.Helper()
		cfg, err := LoadConfig(getenv)
		if err != nil {
			t.Fatal(err)
		}
		store, err := openStore(ctx, cfg, newLogger(cfg, new(bytes.Buffer)), models.SystemClock{})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		p, _ := models.ParsePeriod("year", "", "", asOf)
		var tables []*models.StatsTable
		for _, g := range []string{"region", "unit", "category"} {
			tab, err := store.CompletionTable(ctx, models.StatsQuery{Scope: models.Scope{All: true}, Period: p, AsOf: asOf}, g, "/")
			if err != nil {
				t.Fatal(err)
			}
			tables = append(tables, tab)
		}
		b, _ := json.Marshal(tables)
		var out, stderr bytes.Buffer
		if code := run(ctx, []string{"circular", "--region", "四川省", "--period", p.From.In(models.Shanghai).Format("2006") + "Q4",
			"--format", "json", "--issue-date", "2026-12-31"}, &out, &stderr, getenv); code != 0 {
			t.Fatalf("circular: exit %d: %s", code, stderr.String())
		}
		var c struct {
			Figures json.RawMessage `json:"figures"`
			Text    json.RawMessage `json:"text"`
		}
		if err := json.Unmarshal(out.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		// The moments the figures were drafted are the only thing allowed to differ.
		drafted := regexp.MustCompile(`"(as_of|refreshed_at)":\s*"[^"]*"`)
		return string(b), drafted.ReplaceAllString(string(c.Figures)+string(c.Text), `"$1":""`)
	}
	wantRates, wantCircular := figures(original)
	if !strings.Contains(wantRates, `"Received":4`) {
		t.Fatalf("the history is not in the rates: %s", wantRates)
	}

	file := filepath.Join(t.TempDir(), "backup")
	var stderr bytes.Buffer
	if code := run(ctx, []string{"backup", "--out", file}, new(bytes.Buffer), &stderr, original); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, stderr.String())
	}
	if code := run(ctx, []string{"backup", "--out", file}, new(bytes.Buffer), new(bytes.Buffer), original); code != 2 {
		t.Fatalf("a backup over an existing file: exit %d, want 2", code)
	}
	// Restored down a pipe, as from `ssh host cat backup | … restore --in /dev/stdin`.
	restored := env(t, true)
	if code := run(ctx, []string{"restore", "--in", pipeOf(t, file)}, new(bytes.Buffer), &stderr, restored); code != 0 {
		t.Fatalf("restore: exit %d: %s", code, stderr.String())
	}
	if code := run(ctx, []string{"restore", "--in", file}, new(bytes.Buffer), new(bytes.Buffer), restored); code != 2 {
		t.Fatalf("a restore over a database with data: exit %d, want 2", code)
	}
	gotRates, gotCircular := figures(restored)
	if gotRates != wantRates {
		t.Errorf("rates after restore:\n%s\nbefore:\n%s", gotRates, wantRates)
	}
	if gotCircular != wantCircular {
		t.Errorf("circular after restore:\n%s\nbefore:\n%s", gotCircular, wantCircular)
	}
}

// A backup of the other backend's kind is refused before anything is written: no database file
// appears for SQLite, no table for MariaDB.
func TestRestoreRefusesTheOtherBackendsBackup(t *testing.T) {
	ctx := context.Background()
	getenv := env(t, true)
	cfg, err := LoadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "backup")
	other := []byte(sqliteHeader + "pages of a database")
	if cfg.dialect == models.DialectSQLite {
		other = []byte("-- MariaDB dump\nCREATE TABLE t (id INT);\n")
	}
	if err := os.WriteFile(file, other, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := run(ctx, []string{"restore", "--in", file}, new(bytes.Buffer), &stderr, getenv); code != 2 {
		t.Fatalf("restore of the other kind: exit %d, want 2 (%s)", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "SQLite backup") {
		t.Errorf("the error does not say what is wrong: %s", stderr.String())
	}
	if cfg.dialect == models.DialectSQLite {
		if _, err := os.Stat(sqlitePath(cfg.dsn)); !os.IsNotExist(err) {
			t.Errorf("a database file was written: %v", err)
		}
	} else {
		store, err := models.Open(ctx, cfg.dialect, cfg.dsn, models.SystemClock{}, models.Options{Events: &storetest.Events{}})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		tables, err := store.CountTables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("%d tables after a refused restore", tables)
		}
	}
}

// pipeOf is a named pipe that gives file's contents to the one reader that opens it.
func pipeOf(t *testing.T, file string) string {
	t.Helper()
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		r, err := os.Open(file)
		if err != nil {
			return
		}
		defer r.Close()
		io.Copy(w, r)
	}()
	return fifo
}
