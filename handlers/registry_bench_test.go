package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"zhaocuo/models/storetest"
)

// A province's registry at its real size (5,000 units, 1,100 websites with a base each, 5,000
// 新媒体 accounts, 8,357 users: storetest.SeedProvince), then each list page and the typeahead picks as the administrator
// sees them, over HTTP through the whole web side: the first page, a page deep in the list, and a
// search. The target is 300 ms at the 95th percentile for every one.
//
//	go test ./handlers -run '^$' -bench RegistryPages -benchtime 1x                # SQLite
//	TEST_DATABASE_URL=mysql://root@127.0.0.1:3306/test go test ./handlers -run '^$' -bench RegistryPages -benchtime 1x
//
// (docs/bench/registry.sh runs both.) Each page is asked registryRequests times; p95-ms and
// p50-ms are reported per page.
func BenchmarkRegistryPages(b *testing.B) {
	a := newTestApp(b)
	start := time.Now()
	storetest.SeedProvince(b, a.Store, storetest.Province{Units: 5000, Websites: 1100, Accounts: 5000})
	b.Logf("seeded the registry on %s in %s", a.Store.Dialect(), time.Since(start).Round(time.Millisecond))
	a.loginPage("admin")
	pages := []struct{ name, path string }{
		{"units", "/admin/registry/units"},
		{"units-page-60", "/admin/registry/units?page=60"},
		{"units-search", "/admin/registry/units?q=" + url.QueryEscape("单位0421")},
		{"websites", "/admin/registry/websites"},
		{"websites-page-20", "/admin/registry/websites?page=20"},
		{"websites-search-host", "/admin/registry/websites?q=site0777.bench"},
		{"accounts", "/admin/registry/accounts"},
		{"accounts-page-90", "/admin/registry/accounts?page=90"},
		{"accounts-search", "/admin/registry/accounts?q=bench-4321"},
		{"users", "/admin/registry/users"},
		{"users-page-110", "/admin/registry/users?page=110"},
		{"users-search", "/admin/registry/users?q=bench05555"},
		{"api-websites", ""}, // the API's list, with its bases, by token
		{"picks-unit", "/staff/picks/unit?q=" + url.QueryEscape("单位04")},
		{"picks-unit-empty", "/staff/picks/unit"},
		{"picks-user", "/staff/picks/user?q=bench01"},
	}
	token := a.apiLogin("admin")
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				times := make([]time.Duration, 0, registryRequests)
				for range registryRequests {
					var req *http.Request
					if p.path == "" {
						req, _ = http.NewRequest("GET", a.URL+"/api/v1/admin/websites?page=3&size=50", nil)
						req.Header.Set("Authorization", "Bearer "+token)
					} else {
						req, _ = http.NewRequest("GET", a.URL+p.path, nil)
					}
					t0 := time.Now()
					resp, body := a.do(req)
					times = append(times, time.Since(t0))
					if resp.StatusCode != 200 || len(body) < 200 {
						b.Fatalf("%s: %d %.200s", p.name, resp.StatusCode, body)
					}
				}
				slices.Sort(times)
				p95, p50 := times[len(times)*95/100], times[len(times)/2]
				b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
				b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
				if p95 > 300*time.Millisecond {
					b.Errorf("%s: p95 %s, want under 300 ms", p.name, p95)
				}
			}
		})
	}
}

const registryRequests = 40
