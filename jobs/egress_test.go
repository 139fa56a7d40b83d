package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/jobs/accountsheet"
	"zhaocuo/jobs/egress"
	"zhaocuo/jobs/egress/egresstest"
	"zhaocuo/models"
)

// guarded registers the real handlers again with every fetch under g, as production builds them
// from FETCH_ALLOW_PRIVATE: the default inspector, probes, page checks and the webhook sender.
func (w *world) guarded(g egress.Guard) {
	w.deps.Egress, w.deps.PageChecks, w.deps.Inspector = g, true, nil
	w.deps.Sender = &jobs.Sender{Egress: g}
	w.mux = asynq.NewServeMux()
	jobs.Register(w.mux, w.deps)
}

// Every fetch the worker makes on someone's word refuses the server's own network: a citizen's
// reported page, a registered site's availability probe and crawl, the menu links of an imported
// account sheet, an administrator's webhook. Each names the refusal in the same words, and
// nothing connected to any target.
func TestEveryFetchRefusesTheServersOwnNetwork(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00")
	r := egresstest.NewRefused(t)
	r.NeedGateway(t)
	w.guarded(r.Guard)
	ctx := context.Background()
	words := egresstest.Words

	t.Run("a citizen's page", func(t *testing.T) {
		for _, tg := range r.Targets {
			tk := w.submit(tg.URL)
			arrival, _, err := w.store.PageChecks(ctx, tk.ID)
			if err != nil || arrival == nil || arrival.OK || arrival.Error != "无法打开："+words {
				t.Errorf("%s (%s): %+v %v", tg.Name, tg.URL, arrival, err)
			}
		}
	})

	// A registered site on each target, and one on the allowed gateway whose homepage links to
	// every target.
	spec := models.RegistrySpec{Units: []models.UnitSpec{{Name: "示范局", RegionCode: "510000", Kind: models.UnitDepartment}}}
	for i, tg := range append([]egresstest.Target{{Name: "gateway", URL: r.Gateway}}, r.Targets...) {
		spec.Websites = append(spec.Websites, models.WebsiteSpec{Name: fmt.Sprintf("示范网站%d", i), Unit: "示范局",
			Kind: models.SiteDepartment, Bases: []string{tg.URL}})
	}
	if _, err := w.store.LoadRegistry(ctx, spec); err != nil {
		t.Fatal(err)
	}
	sites := map[string]int64{} // home URL → website id
	rows, err := w.store.SQLDB().Query("SELECT id, home_url FROM websites WHERE name LIKE '示范网站%'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var home string
		rows.Scan(&id, &home)
		sites[home] = id
	}
	rows.Close()

	t.Run("an availability probe", func(t *testing.T) {
		slot := w.clock.Now().Truncate(jobs.ProbeEvery)
		for _, tg := range r.Targets {
			task, _ := jobs.NewProbeSiteTask(sites[tg.URL], slot)
			if err := w.mux.ProcessTask(ctx, task); err != nil {
				t.Fatal(err)
			}
			probes, err := w.store.Probes(ctx, sites[tg.URL], slot)
			if err != nil || len(probes) != 1 || probes[0].OK || probes[0].Error != words {
				t.Errorf("%s (%s): %+v %v", tg.Name, tg.URL, probes, err)
			}
		}
	})

	t.Run("a site's crawl", func(t *testing.T) {
		round, _, err := w.store.StartRound(ctx, models.RoundOnDemand, models.Scope{All: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		evidence := func(home string) []string {
			task, _ := jobs.NewInspectSiteTask(round.ID, sites[home])
			if err := w.mux.ProcessTask(ctx, task); err != nil {
				t.Fatal(err)
			}
			res, err := w.store.SiteResult(ctx, round.ID, sites[home])
			if err != nil {
				t.Fatal(err)
			}
			_, found, err := w.store.Result(ctx, models.Scope{All: true}, res.ID)
			if err != nil {
				t.Fatal(err)
			}
			var ev []string
			for _, f := range found {
				ev = append(ev, f.Evidence)
			}
			return ev
		}
		gateway := strings.Join(evidence(r.Gateway), "\n")
		for _, tg := range r.Targets {
			if !strings.Contains(gateway, words+"；链接文字「"+tg.Name+"」") {
				t.Errorf("the gateway's link to %s (%s) is not a broken link in the refusal's words:\n%s", tg.Name, tg.URL, gateway)
			}
			if ev := evidence(tg.URL); !strings.Contains(strings.Join(ev, "\n"), "本轮检查首页无法打开："+words) {
				t.Errorf("a homepage at %s (%s): %q", tg.Name, tg.URL, ev)
			}
		}
	})

	t.Run("an imported account sheet's menu links", func(t *testing.T) {
		// A link without a dot in its host (localhost, an IPv6 address) is refused with the sheet,
		// as not a web address; the others are checked, and refused there.
		today := w.clock.Now().In(models.Shanghai).Format(time.DateOnly)
		var rows []models.UploadedAccount
		for i, tg := range r.Targets {
			sheet := "账号名称,平台,最后更新日期,互动功能,菜单链接,近期发文,实际运行\n" +
				fmt.Sprintf("示范号%d,微信,%s,有,%s,,在线\n", i, today, tg.URL)
			row, err := accountsheet.Read(strings.NewReader(sheet), "results.csv")
			if err != nil {
				if !strings.Contains(err.Error(), "不是有效的网址") {
					t.Errorf("%s (%s): %v", tg.Name, tg.URL, err)
				}
				continue
			}
			rows = append(rows, row...)
		}
		if len(rows) < len(r.Targets)/2 {
			t.Fatalf("only %d of %d targets get past the sheet's reader", len(rows), len(r.Targets))
		}
		imp := w.startImport(w.queue, w.users["sc-supervisor"], "results.csv", rows)
		w.queue.runDue(t, w.mux, w.clock.Now())
		done, results, err := w.store.ImportResults(ctx, models.Scope{All: true}, 0, imp.ID)
		if err != nil || done.Status != models.ImportDone || len(results) != len(rows) {
			t.Fatalf("import: %+v, %d results, %v", done, len(results), err)
		}
		for _, res := range results {
			var ev []string
			for _, f := range res.Findings {
				ev = append(ev, f.Evidence)
			}
			if !strings.Contains(strings.Join(ev, "\n"), "菜单链接不可用："+words) {
				t.Errorf("%s (%s): %q", res.Name, res.MenuLinks, ev)
			}
		}
	})

	t.Run("a webhook", func(t *testing.T) {
		var gzw int64
		w.store.SQLDB().QueryRow("SELECT id FROM units WHERE name = '四川省政府国有资产监督管理委员会'").Scan(&gzw)
		for _, tg := range r.Targets {
			if err := w.store.AddWebhook(ctx, gzw, 0, tg.URL); err != nil {
				t.Fatal(err)
			}
		}
		w.submit("https://gzw.sc.gov.cn/a.html")
		w.at("2025-03-28 09:00") // the due-soon reminder, to the unit and its webhooks
		rows, err := w.store.SQLDB().Query("SELECT target, status, COALESCE(last_error, '') FROM deliveries WHERE channel = 'webhook'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var target, status, lastErr string
			rows.Scan(&target, &status, &lastErr)
			n++
			if status != models.DeliveryFailed || !strings.HasPrefix(lastErr, "webhook: "+words+": ") {
				t.Errorf("webhook %s: %s %q", target, status, lastErr)
			}
		}
		if n != len(r.Targets) {
			t.Fatalf("%d webhook deliveries, want %d", n, len(r.Targets))
		}
	})

	if n := r.Connections(); n != 0 {
		t.Fatalf("%d connections reached the server's own network", n)
	}
}
