package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// faultySite serves a small site with planted faults: a dead link, a hidden link to a gambling
// page, a typo, and no 找错 entry nor footer marks.
func faultySite(t *testing.T) *httptest.Server {
	t.Helper()
	pages := map[string]string{
		"/": `<html><head><title>示范县人民政府</title></head><body>
<ul class="nav"><li><a href="/news/">新闻动态</a></li></ul>
<p>各级攻府要落实责任。</p>
<a href="/gone.html">办事指南</a>
<div style="display:none"><a href="/bet/">百家乐 真人娱乐</a></div>
</body></html>`,
		"/news/":       `<html><body><ul><li><a href="/news/1.html">通知</a><span>2020-01-02</span></li></ul></body></html>`,
		"/news/1.html": `<html><body><p>通知正文。</p></body></html>`,
		"/bet/":        `<html><body>百家乐 时时彩</body></html>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestInspectCommandPrintsJSONPerSite(t *testing.T) {
	srv := faultySite(t)
	var out, errs bytes.Buffer
	code := inspectCommand(context.Background(), []string{"--json", "--allow-private", "127.0.0.0/8", srv.URL + "/", srv.URL + "/news/"}, &out, &errs)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	var sites []inspectSite
	for sc.Scan() {
		var s inspectSite
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		sites = append(sites, s)
	}
	if len(sites) != 2 || sites[0].URL != srv.URL+"/" {
		t.Fatalf("want one object per site, got %+v", sites)
	}
	home := sites[0]
	found := map[string]inspectFinding{}
	for _, f := range home.Findings {
		found[f.Type] = f
	}
	for _, typ := range []string{"dead_link", "hidden_link", "typo", "missing_badge", "missing_footer_mark"} {
		if _, ok := found[typ]; !ok {
			t.Errorf("planted %s not found; findings: %+v", typ, home.Findings)
		}
	}
	if f := found["dead_link"]; f.Target != srv.URL+"/gone.html" || f.Page == "" {
		t.Errorf("dead link: %+v", f)
	}
	if f := found["typo"]; !strings.Contains(f.Evidence, "攻府") {
		t.Errorf("typo evidence: %+v", f)
	}
	if home.Verdict != "不合格" || !found["hidden_link"].Veto {
		t.Errorf("a hidden gambling link is a veto: verdict %s, %+v", home.Verdict, found["hidden_link"])
	}
}

func TestInspectCommandPrintsTextAndRefusesBadArguments(t *testing.T) {
	srv := faultySite(t)
	var out bytes.Buffer
	if code := inspectCommand(context.Background(), []string{"--allow-private", "127.0.0.1", srv.URL + "/"}, &out, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{srv.URL + "/", "结论：不合格", "dead_link", "/gone.html", "单项否决"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, args := range [][]string{nil, {"ftp://example.gov.cn/"}, {"--json"}, {"--bogus", "https://x.gov.cn/"},
		{"--allow-private", "intranet", "https://x.gov.cn/"}} {
		if code := inspectCommand(context.Background(), args, io.Discard, io.Discard); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	// Through run, as `go run ./app inspect` is called: no settings needed.
	out.Reset()
	if code := run(context.Background(), []string{"inspect", "--json", "--allow-private", "127.0.0.0/8", srv.URL + "/"}, &out, io.Discard, func(string) string { return "" }); code != 0 || !strings.Contains(out.String(), `"verdict":"不合格"`) {
		t.Fatalf("run inspect: exit %d, %s", code, out.String())
	}
}

// The command fetches what its operator names, but not the server's own network unless the
// operator says which ranges: a site on loopback is reported unopened, and was never asked.
func TestInspectCommandRefusesPrivateAddressesUnlessAllowed(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	var out bytes.Buffer
	if code := inspectCommand(context.Background(), []string{"--json", srv.URL + "/"}, &out, io.Discard); code != 1 {
		t.Fatalf("exit %d, want 1: the site could not be inspected", code)
	}
	var site inspectSite
	if err := json.Unmarshal(out.Bytes(), &site); err != nil {
		t.Fatal(err)
	}
	if site.Error != "首页无法打开：不检查内网地址" || site.Verdict != "" || hits.Load() != 0 {
		t.Fatalf("a loopback site without --allow-private: %d requests, %+v", hits.Load(), site)
	}
}

// A site whose homepage refuses connections could not be inspected: the reason in error, no
// verdict, no score, exit 1, whatever the other sites of the command gave.
func TestInspectCommandDoesNotPassASiteItCouldNotOpen(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close() // nobody listens there from now on
	srv := faultySite(t)
	var out, errs bytes.Buffer
	code := inspectCommand(context.Background(), []string{"--json", "--allow-private", "127.0.0.0/8", closed, srv.URL + "/"}, &out, &errs)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per site:\n%s", out.String())
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &raw); err != nil {
		t.Fatal(err)
	}
	_, hasVerdict := raw["verdict"]
	_, hasScore := raw["score"]
	if raw["url"] != closed || hasVerdict || hasScore || raw["error"] != "首页无法打开：连接被拒绝" {
		t.Errorf("the refused site: %s", lines[0])
	}
	var open inspectSite
	if err := json.Unmarshal([]byte(lines[1]), &open); err != nil || open.Verdict != "不合格" || open.Score == nil || open.Error != "" {
		t.Errorf("the site that answered is still judged: %s (%v)", lines[1], err)
	}
	out.Reset()
	if code := inspectCommand(context.Background(), []string{"--allow-private", "127.0.0.0/8", closed}, &out, io.Discard); code != 1 ||
		!strings.Contains(out.String(), "无法检查：首页无法打开：连接被拒绝") || strings.Contains(out.String(), "合格") {
		t.Errorf("text: exit %d\n%s", code, out.String())
	}
}
