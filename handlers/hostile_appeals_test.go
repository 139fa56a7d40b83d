package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhaocuo/models"
)

// Section 26 of the hostile suite: appeals (核减) and the sites' exceptions (issue 20). Forged
// finding, appeal and exception ids; another unit's finding contested, through the page and the
// API; a unit, or another region's supervisor, deciding; an oversized document and a program
// named .pdf. Each is refused with a Chinese 4xx, and no appeal, step or exception is written.

// appealTargets are the section's findings and appeal, made the first time an attack needs them:
// 国资委's dead link (contestable), 省政府办公厅's (another unit's), and an appeal 国资委 filed on
// a second round's dead link.
type appealTargets struct {
	own, foreign, appeal string
	before               [3]int
}

func (p *appealTargets) ready(w *hostileWorld) {
	if p.own != "" {
		return
	}
	_, own := finishedRound(w.t, w.testApp, "gzw-staff")
	_, foreign := finishedRound(w.t, w.testApp, "scgov-staff")
	_, filed := finishedRound(w.t, w.testApp, "gzw-staff")
	p.own, p.foreign = strconv.FormatInt(own["dead_link"], 10), strconv.FormatInt(foreign["dead_link"], 10)
	ctx := context.Background()
	u, err := w.Store.Authenticate(ctx, "gzw-reviewer", demoPassword)
	if err != nil {
		w.t.Fatal(err)
	}
	sc, _ := w.Store.ScopeOf(ctx, u)
	a, _, err := w.Store.FileAppeal(ctx, u, sc, filed["dead_link"], "该链接为内网系统入口，外网不可访问", nil)
	if err != nil {
		w.t.Fatal(err)
	}
	p.appeal = strconv.FormatInt(a.ID, 10)
}

// rows counts the appeals, their steps and the exceptions.
func (p *appealTargets) rows(w *hostileWorld) [3]int {
	var n [3]int
	for i, table := range []string{"finding_appeals", "appeal_events", "finding_exceptions"} {
		n[i] = w.countRows("SELECT COUNT(*) FROM " + table)
	}
	return n
}

// multipartRequest is the appeal form: fields and an optional document.
func (w *hostileWorld) appealForm(path string, fields map[string]string, name string, data []byte, token, site string) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if site != "" {
		req.Header.Set("Sec-Fetch-Site", site)
	}
	return req
}

func appealAttacks() []attack {
	p := &appealTargets{}
	var list []attack
	// add wraps an attack: the targets made and the rows counted before it, and after it a
	// Chinese refusal of the status wanted (0: any 4xx) with nothing written.
	add := func(name string, status int, send func(w *hostileWorld) (*http.Response, string)) {
		list = append(list, attack{name: "appeals: " + name, refuse: true,
			send: func(w *hostileWorld) (*http.Response, string) {
				p.ready(w)
				p.before = p.rows(w)
				return send(w)
			},
			check: func(w *hostileWorld, resp *http.Response, body string) error {
				if status != 0 && resp.StatusCode != status {
					return fmt.Errorf("status %d, want %d: %.300s", resp.StatusCode, status, body)
				}
				if !hasHanText(body) {
					return fmt.Errorf("the refusal says nothing in Chinese: %.300s", body)
				}
				if after := p.rows(w); after != p.before {
					return fmt.Errorf("appeals, steps, exceptions %v → %v", p.before, after)
				}
				return nil
			}})
	}
	reason := map[string]string{"reason": "检查结果有误，申请核减"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{"reason": reason["reason"]}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, id := range []string{"0", "-1", "99999999", "1e3", "1 OR 1=1", "", strings.Repeat("9", 40), "1'--"} {
		add("forged finding id "+strconv.Quote(id)+" on the page", http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.staffPages, w.appealForm("/staff/inspection/appeals", with("finding_id", id), "", nil, "", "same-origin"))
		})
		add("forged finding id "+strconv.Quote(id)+" through the API", http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.appealForm("/api/v1/inspection/appeals", with("finding_id", id), "", nil, w.staffToken, ""))
		})
	}
	add("another unit's finding on the page", http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.staffPages, w.appealForm("/staff/inspection/appeals", with("finding_id", p.foreign), "", nil, "", "same-origin"))
	})
	add("another unit's finding through the API", http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.appealForm("/api/v1/inspection/appeals", with("finding_id", p.foreign), "", nil, w.staffToken, ""))
	})
	add("a cross-site appeal", http.StatusForbidden, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.staffPages, w.appealForm("/staff/inspection/appeals", with("finding_id", p.own), "", nil, "", "cross-site"))
	})
	add("an oversized document", 0, func(w *hostileWorld) (*http.Response, string) {
		big := append([]byte("%PDF-1.4 "), make([]byte, models.MaxAppealFile)...)
		return w.send(w.anon, w.appealForm("/api/v1/inspection/appeals", with("finding_id", p.own), "big.pdf", big, w.staffToken, ""))
	})
	add("a program named .pdf", http.StatusBadRequest, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.appealForm("/api/v1/inspection/appeals", with("finding_id", p.own), "说明.pdf", []byte("MZ\x90\x00\x03program"), w.staffToken, ""))
	})
	add("an HTML page as the document", http.StatusBadRequest, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.staffPages, w.appealForm("/staff/inspection/appeals", with("finding_id", p.own), "a.pdf",
			[]byte(`<html><script>alert("zc-xss-26")</script>`), "", "same-origin"))
	})
	add("the unit decides its own appeal", http.StatusForbidden, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/inspection/appeals/"+p.appeal+"/accept", w.staffToken, `{}`))
	})
	add("another region's supervisor decides", http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/inspection/appeals/"+p.appeal+"/accept", w.roleToken("cd-supervisor"), `{"remember":true}`))
	})
	add("another unit reads the document", http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("GET", "/api/v1/inspection/appeals/"+p.appeal+"/file", w.roleToken("scgov-staff"), ""))
	})
	add("an unknown decision", http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/inspection/appeals/"+p.appeal+"/approve", w.supToken, `{}`))
	})
	add("a decision with unknown fields", http.StatusBadRequest, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/inspection/appeals/"+p.appeal+"/accept", w.supToken, `{"status":"accepted"}`))
	})
	for _, id := range []string{"0", "-1", "99999999", "1%20OR%201=1", strings.Repeat("9", 40)} {
		add("a decision on forged appeal "+id, http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/inspection/appeals/"+id+"/accept", w.supToken, `{}`))
		})
		add("a revocation of forged exception "+id, http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/inspection/exceptions/"+id+"/revoke", w.supToken, `{"reason":"撤销"}`))
		})
	}
	add("the unit makes an exception of its finding", http.StatusForbidden, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.staffPages, w.formRequest("POST", "/staff/inspection/exceptions",
			url.Values{"finding_id": {p.own}, "reason": {"不想再看到"}}, "same-origin"))
	})
	add("an exception of a finding that still counts", http.StatusConflict, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/inspection/exceptions", w.supToken, `{"finding_id":`+p.own+`,"reason":"误报"}`))
	})
	add("another region's supervisor makes an exception", http.StatusNotFound, func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/inspection/exceptions", w.roleToken("cd-supervisor"),
			`{"finding_id":`+p.own+`,"reason":"误报","dismiss":true}`))
	})
	return list
}
