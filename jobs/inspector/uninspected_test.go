package inspector

import (
	"net/http"
	"strings"
	"testing"

	"zhaocuo/models/indicator"
)

// A round that could not read the homepage saw nothing: no verdict, no score, the reason; and,
// when the homepage failed to answer, the unreachable warning (the veto is the week of probes'
// to give). A homepage that answered with no page, or that the round did not ask for
// (robots.txt), gets no such warning: the site is up.
func TestSiteWithoutEvidenceIsNotInspected(t *testing.T) {
	f := newFarm(t)
	f.handle("error.shifan.gov.cn", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "维护中", http.StatusServiceUnavailable)
	}))
	f.handle("missing.shifan.gov.cn", http.NotFoundHandler())
	f.handle("pdf.shifan.gov.cn", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4 首页"))
	}))
	f.static("robots.shifan.gov.cn", map[string]string{
		"/robots.txt": "User-agent: *\nDisallow: /\n",
		"/":           htmlPage("示范县人民政府", "<p>欢迎</p>"),
	})
	f.handle("slow.shifan.gov.cn", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers only when the crawler gives up
	}))
	in := f.inspector(Config{Timeout: 300 * 1e6})
	for _, tt := range []struct {
		name, home, reason string
		down               bool // the homepage failed to answer: the warning
	}{
		{name: "connection refused", home: "http://refused.test/", reason: "连接被拒绝", down: true},
		{name: "server error", home: "http://error.shifan.gov.cn/", reason: "503", down: true},
		{name: "not found", home: "http://missing.shifan.gov.cn/", reason: "404", down: true},
		{name: "not HTML", home: "http://pdf.shifan.gov.cn/", reason: "HTML"},
		{name: "robots.txt disallows", home: "http://robots.shifan.gov.cn/", reason: "robots.txt"},
		{name: "timeout", home: "http://slow.shifan.gov.cn/", reason: "超时", down: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := inspect(t, in, Site{Name: tt.name, BaseURLs: []string{tt.home}})
			if !strings.Contains(res.Uninspected, tt.reason) {
				t.Errorf("Uninspected = %q, want the reason %q", res.Uninspected, tt.reason)
			}
			if res.Verdict != "" || res.Score != 0 || res.IPv6 != nil {
				t.Errorf("a site nobody could read has verdict %q, score %g, IPv6 %+v", res.Verdict, res.Score, res.IPv6)
			}
			got := findingsOf(res, indicator.TypeUnreachable)
			switch {
			case tt.down && (len(got) != 1 || !got[0].Warning || got[0].Veto || !strings.Contains(got[0].Evidence, res.Uninspected)):
				t.Errorf("want the unreachable warning with the reason:%s", dump(res))
			case !tt.down && len(res.Findings) > 0:
				t.Errorf("a homepage that answers is no finding:%s", dump(res))
			}
		})
	}
	// The same farm's readable site is inspected.
	res := inspect(t, in, f.serveSite(goodSite()))
	if res.Uninspected != "" || res.Verdict != indicator.Pass {
		t.Fatalf("a readable site: uninspected %q, verdict %q:%s", res.Uninspected, res.Verdict, dump(res))
	}
}
