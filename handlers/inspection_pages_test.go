package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
)

// A supervisor starts a full or an incremental round; the list says which. A mode the system
// does not know is refused with a message, not a 500.
func TestStartingAnIncrementalRound(t *testing.T) {
	a := newTestApp(t, withQueue(&recordingQueue{}))
	a.loginPage("cd-supervisor")
	resp, body := a.postFormFrom("/staff/inspection/rounds", map[string]string{"mode": "incremental"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d %s", resp.StatusCode, body)
	}
	_, body = a.get("/staff/inspection")
	if row := doc(t, body).Find("#rounds tbody tr").First().Text(); !strings.Contains(row, "增量") {
		t.Fatalf("rounds list: %q", row)
	}
	resp, body = a.postFormFrom("/staff/inspection/rounds", map[string]string{"mode": "daily"}, nil, "same-origin")
	if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "未知的检查方式") {
		t.Fatalf("unknown mode: %d", resp.StatusCode)
	}
}

// A site's result lists its pages as the rounds keep them, a page of 50 at a time, with when
// each was last fetched and changed, and the counts.
func TestSiteResultListsItsPages(t *testing.T) {
	a := newTestApp(t)
	resultID, _ := finishedRound(t, a, "cd-supervisor")
	ctx := context.Background()
	res, _, err := a.Store.Result(ctx, models.Scope{All: true}, resultID)
	if err != nil {
		t.Fatal(err)
	}
	now := a.Clock.Now()
	states := make([]models.PageState, 60)
	for i := range states {
		states[i] = models.PageState{URL: fmt.Sprintf("https://www.sc.gov.cn/news/%d.html", i), IsPage: true, Record: []byte("{}"),
			FetchedAt: now.Add(-48 * time.Hour), ChangedAt: now.Add(-72 * time.Hour)}
	}
	states[3].FetchedAt, states[3].ChangedAt = now.Add(-time.Hour), now.Add(-time.Hour)
	if err := a.Store.SavePageStates(ctx, res.RoundID, res.WebsiteID, states); err != nil {
		t.Fatal(err)
	}
	a.loginPage("cd-supervisor")
	_, body := a.get(fmt.Sprintf("/staff/inspection/results/%d", resultID))
	d := doc(t, body)
	rows := d.Find("#site-pages tbody tr")
	if rows.Length() != 50 || !strings.Contains(rows.First().Text(), "news/3.html") {
		t.Fatalf("pages: %d rows, first %q", rows.Length(), rows.First().Text())
	}
	if h := d.Find("#pages h2").Text(); !strings.Contains(h, "共 60 个") || !strings.Contains(h, "变化 1 个") {
		t.Fatalf("pages heading: %q", h)
	}
	_, body = a.get(fmt.Sprintf("/staff/inspection/results/%d?pages=2", resultID))
	if n := doc(t, body).Find("#site-pages tbody tr").Length(); n != 10 {
		t.Fatalf("second page: %d rows", n)
	}
	resp, _ := a.get(fmt.Sprintf("/staff/inspection/results/%d?pages=x", resultID))
	if resp.StatusCode >= 500 || resp.StatusCode < 400 {
		t.Fatalf("bad page number: %d", resp.StatusCode)
	}
}
