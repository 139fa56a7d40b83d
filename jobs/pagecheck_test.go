package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhaocuo/jobs"
	"zhaocuo/jobs/egress"
	"zhaocuo/jobs/egress/egresstest"
	"zhaocuo/jobs/inspector"
	"zhaocuo/models"
)

// A citizen's report of a stale column: the page is fetched when the report arrives; after the
// unit's reply it is fetched again, and the reviewer sees whether it changed.
func TestReportedPageIsCheckedOnArrivalAndAfterTheReply(t *testing.T) {
	w := newInspectionWorld(t)
	ctx := context.Background()
	var mu sync.Mutex
	news := "2020-01-02 通知"
	site := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(rw, "<html><body><script>var t=%q</script><p>%s</p></body></html>", r.RemoteAddr, news)
	}))
	defer site.Close()
	if _, err := w.store.LoadRegistry(ctx, models.RegistrySpec{
		Units:    []models.UnitSpec{{Name: "示范局", RegionCode: "440000", Kind: models.UnitDepartment}},
		Websites: []models.WebsiteSpec{{Name: "示范局网站", Unit: "示范局", Kind: models.SiteDepartment, Bases: []string{site.URL + "/"}}},
	}); err != nil {
		t.Fatal(err)
	}
	hash, _ := models.HashPassword("insp-pass-2025")
	staff, err := w.store.EnsureUser(ctx, models.UserSpec{Username: "staff", Role: models.RoleUnitStaff, Unit: "示范局"}, hash)
	if err != nil {
		t.Fatal(err)
	}
	w.deps.PageChecks = true
	w.workers(t, 1)

	report := func(path string) *models.Ticket {
		sub, err := w.store.SubmitReport(ctx, models.Report{PageURL: site.URL + path, Category: "信息不更新",
			Description: "通知公告栏目很久没有更新了，请核实。"})
		if err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the arrival check", func() bool {
			a, _, _ := w.store.PageChecks(ctx, sub.Ticket.ID)
			return a != nil
		})
		return sub.Ticket
	}
	reply := func(tk *models.Ticket) string {
		if _, err := w.store.Act(ctx, staff, tk.TicketNo, models.Action{Kind: models.ActAccept}); err != nil {
			t.Fatal(err)
		}
		done, err := w.store.Perform(ctx, staff, tk.TicketNo, models.Action{Kind: models.ActReply, Text: "栏目已经更新，感谢您的反馈。"})
		if err != nil {
			t.Fatal(err)
		}
		w.events.Dispatch(ctx, done.Events...)
		waitUntil(t, "the recheck", func() bool {
			_, r, _ := w.store.PageChecks(ctx, tk.ID)
			return r != nil
		})
		d, err := w.store.TicketDetail(ctx, models.Scope{All: true}, tk.TicketNo)
		if err != nil {
			t.Fatal(err)
		}
		if !d.PageArrival.OK || d.PageArrival.Status != 200 || len(d.PageArrival.TextHash) != 64 {
			t.Fatalf("arrival evidence: %+v", d.PageArrival)
		}
		return d.PageVerdict
	}

	// The unit replies without changing the page (the script differs, the text does not).
	unchanged := report("/news/")
	if v := reply(unchanged); !strings.Contains(v, "相同") {
		t.Fatalf("unchanged page: %q", v)
	}
	// The unit updates the column, then replies.
	changed := report("/notice/")
	mu.Lock()
	news = "2025-03-24 新通知"
	mu.Unlock()
	if v := reply(changed); !strings.Contains(v, "已有变化") {
		t.Fatalf("changed page: %q", v)
	}
}

// Citizens type any address: the production client does not fetch the server's own network.
func TestPageClientRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { fmt.Fprint(rw, "内部页面") }))
	defer srv.Close()
	pc := jobs.FetchPage(context.Background(), jobs.NewPageClient(egress.Guard{}), srv.URL+"/admin")
	if pc.OK || pc.Error != "无法打开：不检查内网地址" {
		t.Fatalf("loopback fetched: %+v", pc)
	}
}

// Staff read why a page did not open both for a citizen's page and for a site the inspector
// probed: the same failure must read the same way in both.
func TestPageCheckNamesFailuresInTheInspectorsWords(t *testing.T) {
	// No name server is asked: every lookup fails at once, as for a name under .invalid.
	offline := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no name servers in tests")
	}}
	// Loopback is allowed here; only the private-address row uses the production guard.
	dialer := egresstest.Loopback.Dialer(time.Second)
	dialer.Resolver = offline
	plain := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + closed.Addr().String() + "/"
	closed.Close()
	// A listener that never accepts: the kernel completes the handshake and the request waits.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	own := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { fmt.Fprint(rw, "内部页面") }))
	defer own.Close()

	tests := []struct {
		name   string
		client *http.Client
		url    string
		want   string
	}{
		{"unresolvable host", plain, "http://no-such-host.invalid/", "域名解析失败"},
		{"refused connection", plain, refusedURL, "连接被拒绝"},
		{"no answer in time", plain, "http://" + silent.Addr().String() + "/", "超时"},
		{"the server's own network", jobs.NewPageClient(egress.Guard{}), own.URL + "/admin", "不检查内网地址"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			pc := jobs.FetchPage(ctx, tt.client, tt.url)
			probe := inspector.Probe(context.Background(), tt.client, tt.url, 200*time.Millisecond)
			if probe.Err != tt.want {
				t.Errorf("inspector's probe says %q, want %q", probe.Err, tt.want)
			}
			if pc.OK || pc.Error != "无法打开："+probe.Err {
				t.Errorf("page check says %q, inspector's probe %q", pc.Error, probe.Err)
			}
		})
	}
	// An address that cannot be asked for at all: nothing was opened, so no "无法打开".
	if pc := jobs.FetchPage(context.Background(), plain, "::"); pc.OK || pc.Error != "地址无效" {
		t.Errorf("a bad address: %q", pc.Error)
	}
}

func TestPageVerdicts(t *testing.T) {
	ok := func(hash string) *models.PageCheck { return &models.PageCheck{OK: true, Status: 200, TextHash: hash} }
	down := &models.PageCheck{Error: "HTTP 404"}
	tests := []struct {
		name, category   string
		arrival, recheck *models.PageCheck
		want             string
	}{
		{"no recheck", "错别字", ok("a"), nil, ""},
		{"a category a fetch cannot judge", "咨询留言不回复", ok("a"), ok("b"), ""},
		{"still down", "内容无法访问", down, down, "仍无法打开"},
		{"up again", "内容无法访问", down, ok("a"), "现在可以打开"},
		{"same text", "信息不更新", ok("a"), ok("a"), "相同"},
		{"new text", "错别字", ok("a"), ok("b"), "已有变化"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.PageVerdict(tt.category, tt.arrival, tt.recheck); tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
