package models_test

import (
	"context"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// In January, every unit with a site whose work report for last year is not published hears of
// it once per reminder day, through its notifications; a unit that published hears nothing, and
// nobody is reminded outside January.
func TestAnnualRemindersInJanuary(t *testing.T) {
	clock := storetest.NewClock("2025-12-20 10:00:00")
	s := storetest.Open(t, clock)
	users := demoUsers(t, s)
	ctx := context.Background()
	staff := users["gzw-staff"]
	gzw := siteID(t, s, "gzw.sc.gov.cn")
	if _, err := s.SaveAnnual(ctx, staff, scopeOf(t, s, staff), models.AnnualWork, gzw, 2025, map[string]string{"visits": "1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishAnnual(ctx, staff, scopeOf(t, s, staff), models.RegistryInspection{Store: s}, models.AnnualWork, gzw, 2025); err != nil {
		t.Fatal(err)
	}
	unread := func(username string) []models.Notification {
		t.Helper()
		n, _, err := s.Notifications(ctx, users[username].ID, true, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, at := range []string{"2025-12-20 10:00", "2026-01-14 10:00", "2026-01-15 08:00"} {
		clock.Set(storetest.At(at))
		if n, _, err := s.RemindAnnualReports(ctx); err != nil || n != 0 {
			t.Fatalf("%s: %d reminders, %v", at, n, err)
		}
	}
	clock.Set(storetest.At("2026-01-15 10:00"))
	n, events, err := s.RemindAnnualReports(ctx)
	if err != nil || n == 0 || len(events) != n {
		t.Fatalf("15 January: %d reminders, %d events, %v", n, len(events), err)
	}
	got := unread("scgov-staff")
	if len(got) != 1 || !strings.Contains(got[0].Title, "2025年度政府网站工作年度报表") || !strings.Contains(got[0].Body, "四川省人民政府") {
		t.Fatalf("scgov-staff: %+v", got)
	}
	if got := unread("gzw-staff"); len(got) != 0 {
		t.Errorf("the unit that published was reminded: %+v", got)
	}
	if again, _, err := s.RemindAnnualReports(ctx); err != nil || again != 0 {
		t.Errorf("the same day again: %d, %v", again, err)
	}
	clock.Set(storetest.At("2026-01-25 09:30"))
	if again, _, err := s.RemindAnnualReports(ctx); err != nil || again != n {
		t.Errorf("25 January: %d reminders, want %d, %v", again, n, err)
	}
}
