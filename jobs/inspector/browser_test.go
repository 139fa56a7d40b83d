package inspector

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zhaocuo/jobs/egress"
)

// The browser reaches nothing the crawl may not: a page that asks for an address the egress
// guard refuses, by script, frame, image, stylesheet or preconnect, gets nothing from it, while
// what the guard allows comes through the crawl's client.
func TestBrowserFetchesThroughTheEgressGuard(t *testing.T) {
	browser := testBrowser(t)
	var secretHits atomic.Int64
	l, err := net.Listen("tcp", "127.0.0.2:0") // loopback, but outside the range the guard allows
	if err != nil {
		t.Fatalf("listen on 127.0.0.2: %v", err)
	}
	secret := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secretHits.Add(1)
		fmt.Fprint(w, `[{"url":"/secret.html","title":"内部资料","date":"2025-03-18"}]`)
	}))
	secret.Listener.Close()
	secret.Listener = l
	secret.Start()
	t.Cleanup(secret.Close)

	var allowedHits atomic.Int64
	s := "http://" + l.Addr().String()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><link rel="preconnect" href="`+s+`"><link rel="stylesheet" href="`+s+`/a.css"></head><body>
<ul id="list"></ul><iframe src="`+s+`/frame.html"></iframe><img src="`+s+`/pixel.gif">
<script>
fetch("/api/ok.json").then(function(r){return r.json()}).then(function(){
  return fetch("`+s+`/secret.json")}).then(function(r){return r.json()}).then(function(d){
  document.getElementById("list").innerHTML='<li><a href="'+d[0].url+'">'+d[0].title+'</a> '+d[0].date+'</li>'}).catch(function(){});
new Image().src="`+s+`/beacon";
</script></body></html>`)
		case "/api/ok.json":
			allowedHits.Add(1)
			fmt.Fprint(w, `{}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)

	in := New(Config{Egress: egress.Allow(netip.MustParsePrefix("127.0.0.1/32")), Browser: browser,
		Timeout: 2 * time.Second, Now: func() time.Time { return testNow }})
	t.Cleanup(in.Close)
	r := crawlOnly(t, in, Site{Name: "本机", BaseURLs: []string{site.URL + "/"}})
	home := r.pages[site.URL+"/"]
	if home == nil {
		t.Fatalf("homepage not read: %+v", r.visits[site.URL+"/"].res)
	}
	if allowedHits.Load() == 0 {
		t.Fatal("the page was not rendered: its script's allowed request never came")
	}
	if n := secretHits.Load(); n > 0 {
		t.Fatalf("the refused address got %d requests from the browser", n)
	}
	if home.Unjudged != "" || len(home.Items) > 0 || strings.Contains(fmt.Sprint(home.Links), "secret") {
		t.Fatalf("rendered page = %+v: want the list empty as the browser saw it", home)
	}
}
