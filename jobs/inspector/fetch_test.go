package inspector

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// A page fetched outside a crawl must look to the site like the crawler (operators allow it by
// its User-Agent) and must not read more than asked, whatever the site sends.
func TestGetAsksLikeTheCrawlerAndStopsAtTheLimit(t *testing.T) {
	f := newFarm(t)
	asked := make(chan *http.Request, 1)
	f.handle("page.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r
		w.Write([]byte(strings.Repeat("页", 100)))
	}))
	status, body, err := Get(context.Background(), f.client(), "http://page.test/", 30)
	if err != nil || status != 200 || len(body) != 30 {
		t.Fatalf("Get = %d, %d bytes, %v", status, len(body), err)
	}
	if r := <-asked; r.UserAgent() != DefaultUserAgent || !strings.Contains(r.Header.Get("Accept"), "text/html") {
		t.Fatalf("asked as %q accepting %q", r.UserAgent(), r.Header.Get("Accept"))
	}

	status, _, err = Get(context.Background(), f.client(), "::", 30)
	if status != 0 || !errors.Is(err, ErrInvalidURL) || DescribeError(err) != "地址无效" {
		t.Fatalf("bad address: %d, %v", status, err)
	}
}
