package inspector

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// phoneBody is an article body whose numbers are known: a mobile number, a postcode, a house
// number.
const phoneBody = `<p>示范市政务服务中心办事大厅自即日起延长周末服务时间，市民可通过政务服务热线或到现场咨询办理各类事项，` +
	`工作人员将提供帮办代办服务。</p><p>咨询电话：13812345678，邮政编码610041，办公地址为示范市人民南路二段18号。</p>`

var phoneFigures = []string{"13812345678", "610041", "18"}

// stateOf decodes the record of a URL's state.
func stateOf(t *testing.T, states []PageState, u string) (PageState, stateRecord) {
	t.Helper()
	for _, st := range states {
		if st.URL == u {
			var rec stateRecord
			if err := decodeRecord(st.Record, &rec); err != nil {
				t.Fatal(err)
			}
			return st, rec
		}
	}
	t.Fatalf("no state of %s", u)
	return PageState{}, stateRecord{}
}

// A page's state keeps its article's figures hashed under the Inspector's key: a mobile number
// in its body is nowhere in it. A state kept before figures were hashed (their numbers in clear
// under "fig") is read with them hashed alike, so that its article compares with fresh ones, and
// the next round writes it again, hashed.
func TestStatesKeepAnArticlesFiguresHashed(t *testing.T) {
	f := newFarm(t)
	pages := incrementalPages()
	path, title, date := incrementalArticlePath(0, 9), incrementalArticleTitle(0, 9), testNow.AddDate(0, 0, -9).Format(time.DateOnly)
	pages[path] = newsArticle(title, date, "示范市政务服务中心", phoneBody)
	f.handle(siteHost, &changingSite{pages: pages})
	f.ok(footerHosts...)
	site := Site{Name: "示范市人民政府", BaseURLs: []string{"http://" + siteHost + "/"}}
	key := []byte("the replicas' figure key")
	in := f.inspector(Config{FigureKey: key})
	u := "http://" + siteHost + path

	first := inspect(t, in, site)
	st, rec := stateOf(t, first.States, u)
	if strings.Contains(string(st.Record), "13812345678") {
		t.Fatalf("the state holds the mobile number: %s", st.Record)
	}
	want := packFigures(hashFigures(key, phoneFigures))
	if rec.Page == nil || rec.Page.Article == nil || !bytes.Equal(rec.Page.Article.Figures, want) {
		t.Fatalf("the article's figures: %+v, want %v", rec.Page, want)
	}

	// The state as it was kept before: the figures in clear.
	old := slices.Clone(first.States)
	for i := range old {
		if old[i].URL == u {
			rec.Page.Article.Figures, rec.Page.Article.ClearFigures = nil, phoneFigures
			old[i].Record, _ = json.Marshal(rec)
			if !strings.Contains(string(old[i].Record), `"fig":["13812345678"`) {
				t.Fatalf("not a state of before: %s", old[i].Record)
			}
		}
	}
	daily, err := in.InspectIncremental(t.Context(), site, old)
	if err != nil {
		t.Fatal(err)
	}
	st, rec = stateOf(t, daily.States, u)
	if st.Unchanged || strings.Contains(string(st.Record), "13812345678") ||
		rec.Page == nil || rec.Page.Article == nil || !bytes.Equal(rec.Page.Article.Figures, want) {
		t.Fatalf("the state of before, kept again: unchanged %v, %s; want its figures %v", st.Unchanged, st.Record, want)
	}
	sameFindings(t, "the round from states of before", daily, first)
}
