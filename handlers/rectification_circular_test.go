package handlers_test

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// A unit named in a published circular reads it from its rectification item (as the 公文 and as
// Word), though the circulars themselves are the supervisors'; a unit the circular does not name
// cannot reach it through another unit's item.
func TestAUnitReadsThePublishedCircularThatNamesIt(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	sc := a.apiLogin("sc-supervisor")
	_, body := a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q1","cutoff":"2025-03-20","doc_number":"川办便函〔2025〕78号"}`)
	id := jsonNumber(body["id"])
	if resp, body := a.api("POST", "/api/v1/circulars/"+id+"/publish", sc, ""); resp.StatusCode != 200 {
		t.Fatalf("publish: %d %v", resp.StatusCode, body)
	}

	a.loginPage("gzw-staff")
	_, list := a.get("/staff/rectifications")
	item := doc(t, list).Find("#rectifications tbody a").AttrOr("href", "")
	if item == "" {
		t.Fatal("国资委 has no rectification item")
	}
	_, page := a.get(item)
	href := doc(t, page).Find("#circular-link").AttrOr("href", "")
	if href == "" {
		t.Fatal("the rectification item does not link its circular")
	}
	resp, circular := a.get(href)
	if resp.StatusCode != http.StatusOK || !strings.Contains(circular, "国有资产监督管理委员会") || !strings.Contains(circular, "通报") {
		t.Fatalf("the circular from the item: %d %.200s", resp.StatusCode, circular)
	}
	if resp, _ := a.get(href + "?format=docx"); resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "wordprocessingml") {
		t.Fatalf("the circular as Word: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("cd-supervisor") // 成都's: neither named in it nor above the province
	if resp, _ := a.get(href); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another region reads the circular through 国资委's item: %d", resp.StatusCode)
	}
}
