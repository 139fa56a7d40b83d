package models_test

import (
	"context"
	"regexp"
	"sync"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

func seededStore(t *testing.T, clock models.Clock) *models.Store {
	t.Helper()
	s := storetest.Open(t, clock)
	if _, err := s.LoadRegistry(context.Background(), models.DemoRegistry()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSubmitReportRoutesToTheSitesUnit(t *testing.T) {
	t.Logf("backend: %s", storetest.Backend())
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := seededStore(t, clock)
	ctx := context.Background()
	tests := []struct {
		name, url, unit string
		triage          bool
	}{
		{"provincial portal", "https://www.sc.gov.cn/10462/index.shtml", "四川省人民政府办公厅", false},
		{"portal without www", "http://SC.gov.cn./a", "四川省人民政府办公厅", false},
		{"国资委", "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml", "四川省政府国有资产监督管理委员会", false},
		{"city portal", "https://www.chengdu.gov.cn/", "成都市人民政府办公室", false},
		{"longest path prefix wins", "https://www.chengdu.gov.cn/cdsjyj/c1/a.shtml", "成都市教育局", false},
		{"prefix on whole segments only", "https://www.chengdu.gov.cn/cdsjyjx/a.shtml", "成都市人民政府办公室", false},
		{"second base of a site", "https://edu.chengdu.gov.cn/x", "成都市教育局", false},
		{"unknown host goes to triage", "https://example.com/a", "", true},
		{"a query naming a site routes nowhere", "http://evil.com/?www.sc.gov.cn", "", true},
		{"a subdomain is another host", "https://fake.gzw.sc.gov.cn/", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validReport()
			r.PageURL = tt.url
			sub, err := s.SubmitReport(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			tk := sub.Ticket
			if tt.triage {
				if tk.Status != models.StatusTriage || tk.UnitID != nil || tk.Deadline != nil || sub.UnitName != "" {
					t.Fatalf("want triage, got status %s unit %q deadline %v", tk.Status, sub.UnitName, tk.Deadline)
				}
				// Forward deadline: 1 working day, 2025-03-26.
				if got := tk.TriageDeadline.In(models.Shanghai).Format("2006-01-02 15:04:05"); got != "2025-03-26 23:59:59" {
					t.Fatalf("triage deadline %s", got)
				}
				return
			}
			if tk.Status != models.StatusAssigned || sub.UnitName != tt.unit {
				t.Fatalf("got status %s unit %q, want assigned to %q", tk.Status, sub.UnitName, tt.unit)
			}
			// Reply deadline: 3 working days, 2025-03-28 end of day.
			if got := tk.Deadline.In(models.Shanghai).Format("2006-01-02 15:04:05"); got != "2025-03-28 23:59:59" {
				t.Fatalf("deadline %s", got)
			}
		})
	}
}

func TestSubmitReportWritesTicketEventAndScreenshotTogether(t *testing.T) {
	clock := storetest.NewClock("2025-01-24 16:30:00")
	s := seededStore(t, clock)
	ctx := context.Background()
	r := validReport()
	r.Screenshot = &models.Screenshot{ContentType: "image/png", Data: []byte("\x89PNG fake but checked upstream")}
	sub, err := s.SubmitReport(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^ZC20250124\d{6}$`).MatchString(sub.Ticket.TicketNo) {
		t.Fatalf("ticket number %q", sub.Ticket.TicketNo)
	}
	if !regexp.MustCompile(`^[2-9A-HJ-NP-Z]{8}$`).MatchString(sub.QueryCode) {
		t.Fatalf("query code %q", sub.QueryCode)
	}
	if sub.Ticket.QueryCodeHash == sub.QueryCode || len(sub.Ticket.QueryCodeHash) != 64 {
		t.Fatal("the query code must be stored only as a hash")
	}
	events, err := s.TicketEvents(ctx, sub.Ticket.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Kind != models.EventReceived || events[0].ToStatus != models.StatusAssigned ||
		events[0].UnitID == nil || *events[0].UnitID != *sub.Ticket.UnitID || !events[0].Deadline.Equal(*sub.Ticket.Deadline) {
		t.Fatalf("events %+v", events)
	}
	// Across the Spring Festival: the 调休 Sunday 01-26, 01-27, then 02-05.
	if got := models.DateOf(*sub.Ticket.Deadline).String(); got != "2025-02-05" {
		t.Fatalf("deadline %s, want 2025-02-05", got)
	}
	shot, err := s.Screenshot(ctx, sub.Ticket.TicketNo, sub.QueryCode)
	if err != nil || string(shot.Data) != string(r.Screenshot.Data) || shot.ContentType != "image/png" {
		t.Fatalf("screenshot %v %v", shot, err)
	}
}

func TestSubmitReportRefusesAndWritesNothing(t *testing.T) {
	s := seededStore(t, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	r := validReport()
	r.Category = "不存在的类型"
	if _, err := s.SubmitReport(ctx, r); models.ErrorField(err) != "category" {
		t.Fatalf("unknown category: %v", err)
	}
	r = validReport()
	r.Description = "太短"
	if _, err := s.SubmitReport(ctx, r); models.ErrorField(err) != "description" {
		t.Fatalf("short description: %v", err)
	}
	if n, err := s.CountTickets(ctx); err != nil || n != 0 {
		t.Fatalf("tickets after refusals: %d %v", n, err)
	}
}

func TestCategoryByIDOrName(t *testing.T) {
	s := seededStore(t, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	cats, err := s.Categories(ctx)
	if err != nil || len(cats) != 9 || cats[0].Name != "链接不可用" || cats[8].Name != "其他" {
		t.Fatalf("categories %v %v", cats, err)
	}
	r := validReport()
	r.Category = "4" // 内容不准确 by id
	if _, err := s.SubmitReport(ctx, r); err != nil {
		t.Fatal(err)
	}
}

func TestRoutingTurnedOffSendsEverythingToTriage(t *testing.T) {
	s := seededStore(t, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	set, _ := s.Settings(ctx)
	set.RoutingEnabled = false
	if err := s.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	sub, err := s.SubmitReport(ctx, validReport())
	if err != nil {
		t.Fatal(err)
	}
	if sub.Ticket.Status != models.StatusTriage {
		t.Fatalf("status %s", sub.Ticket.Status)
	}
}

func TestFindReportNeedsTheRightCode(t *testing.T) {
	s := seededStore(t, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	sub, err := s.SubmitReport(ctx, validReport())
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.FindReport(ctx, sub.Ticket.TicketNo, sub.QueryCode)
	if err != nil || got.UnitName != "四川省人民政府办公厅" || got.Category != "链接不可用" || got.Status != models.StatusAssigned {
		t.Fatalf("find: %+v %v", got, err)
	}
	// Lower case and spaces are forgiven.
	if _, err := s.FindReport(ctx, " "+sub.Ticket.TicketNo+" ", " "+toLower(sub.QueryCode)); err != nil {
		t.Fatalf("lower-case code: %v", err)
	}
	_, wrongCode := s.FindReport(ctx, sub.Ticket.TicketNo, "AAAAAAAA")
	_, unknown := s.FindReport(ctx, "ZC20250325999999", sub.QueryCode)
	if models.ErrorKind(wrongCode) != models.KindNotFound || models.ErrorKind(unknown) != models.KindNotFound ||
		wrongCode.Error() != unknown.Error() {
		t.Fatalf("wrong code %v, unknown ticket %v: must be the same not-found", wrongCode, unknown)
	}
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// Two stores on one database stand for two replicas: their ticket numbers never collide.
func TestTicketNumbersAreUniqueAcrossReplicas(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	url := storetest.URL(t)
	dialect, dsn, _ := models.ParseDatabaseURL(url)
	ctx := context.Background()
	var stores []*models.Store
	for i := 0; i < 2; i++ {
		st, err := models.Open(ctx, dialect, dsn, clock, models.Options{Events: &storetest.Events{}})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		stores = append(stores, st)
	}
	if err := migrateAndSeed(ctx, stores[0]); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(st *models.Store) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				sub, err := st.SubmitReport(ctx, validReport())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[sub.Ticket.TicketNo] {
					t.Errorf("ticket number %s handed out twice", sub.Ticket.TicketNo)
				}
				seen[sub.Ticket.TicketNo] = true
				mu.Unlock()
			}
		}(stores[w%2])
	}
	wg.Wait()
	if n, _ := stores[1].CountTickets(ctx); n != 320 || len(seen) != 320 {
		t.Fatalf("tickets %d, numbers %d, want 320", n, len(seen))
	}
}
