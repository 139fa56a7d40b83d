package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var appealPDF = []byte("%PDF-1.4 情况说明：该链接为内网系统入口")

// appealRequest is the result page's appeal form (multipart, with an optional document) as a
// browser sends it from a page of site; token, when set, makes it an API client's request.
func (a *testApp) appealRequest(path string, fields map[string]string, fileName string, file []byte, site, token string) (*http.Response, string) {
	a.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := w.CreateFormFile("file", fileName)
		fw.Write(file)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, a.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if site != "" {
		req.Header.Set("Sec-Fetch-Site", site)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return a.do(req)
}

func hasHanText(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestAppealThroughThePages(t *testing.T) {
	a := newTestApp(t)
	resultID, findings := finishedRound(t, a, "gzw-staff")
	result := "/staff/inspection/results/" + strconv.FormatInt(resultID, 10)
	dead, typo := strconv.FormatInt(findings["dead_link"], 10), strconv.FormatInt(findings["typo"], 10)
	a.dispatched()

	// The unit sees its findings and may contest the one that counts; not the suspected one.
	a.loginPage("gzw-staff")
	_, body := a.get(result)
	d := doc(t, body)
	if d.Find("#finding-"+dead+" .appeal-form").Length() != 1 || d.Find("#finding-"+typo+" .appeal-form").Length() != 0 ||
		d.Find(".except-form").Length() != 0 || d.Find("#exceptions").Length() != 1 {
		t.Fatalf("the unit's result page offers the wrong forms: %s", d.Find("#finding-"+dead).Text())
	}
	fields := map[string]string{"finding_id": dead, "reason": "该链接为内网系统入口，外网不可访问属正常"}
	if resp, body := a.appealRequest("/staff/inspection/appeals", fields, "说明.pdf", appealPDF, "cross-site", ""); resp.StatusCode != http.StatusForbidden || !hasHanText(body) {
		t.Fatalf("a cross-site appeal: %d %q", resp.StatusCode, body)
	}
	short := map[string]string{"finding_id": dead, "reason": "不对"}
	if resp, body := a.appealRequest("/staff/inspection/appeals", short, "", nil, "same-origin", ""); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "请说明申请核减的理由") {
		t.Fatalf("an appeal without a reason: %d", resp.StatusCode)
	}
	if resp, body := a.appealRequest("/staff/inspection/appeals", fields, "a.html", []byte("<html><script>alert(1)</script>"), "same-origin", ""); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "附件只能是") {
		t.Fatalf("an appeal with a page as its document: %d", resp.StatusCode)
	}
	if got := a.dispatched(); len(got) != 0 {
		t.Fatalf("refused appeals dispatched %v", got)
	}
	resp, _ := a.appealRequest("/staff/inspection/appeals", fields, "说明.pdf", appealPDF, "same-origin", "")
	appeal := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(appeal, "/staff/inspection/appeals/") {
		t.Fatalf("file: %d %s", resp.StatusCode, appeal)
	}
	if got := a.dispatched(); !slices.Equal(got, []string{"appeal_changed"}) {
		t.Fatalf("filing dispatched %v", got)
	}
	if resp, body := a.appealRequest("/staff/inspection/appeals", fields, "", nil, "same-origin", ""); resp.StatusCode != http.StatusConflict ||
		!strings.Contains(body, "每个问题每轮只能申请一次") {
		t.Fatalf("a second appeal: %d", resp.StatusCode)
	}
	_, body = a.get(appeal)
	if d := doc(t, body); d.Find("#status").Text() != "待审核" || d.Find("#decide-form").Length() != 0 {
		t.Fatalf("the unit's view of its appeal: %q", d.Find("#status").Text())
	}
	resp, file := a.get(appeal + "/file")
	if resp.StatusCode != 200 || file != string(appealPDF) || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the document: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := a.postValues(appeal+"/accept", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the unit accepts its own appeal: %d", resp.StatusCode)
	}

	// Another region's supervisor neither sees nor decides it.
	a.loginPage("cd-supervisor")
	if resp, body := a.get(appeal); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "不在您的管辖范围内") {
		t.Fatalf("成都 reads the appeal: %d", resp.StatusCode)
	}
	if resp, _ := a.postValues(appeal+"/accept", url.Values{"note": {"同意"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("成都 accepts the appeal: %d", resp.StatusCode)
	}

	// The province's supervisor: a refusal needs a reason (the form comes back with it), then
	// accepts with 以后不再提示.
	a.loginPage("sc-supervisor")
	resp, body = a.postValues(appeal+"/refuse", url.Values{"note": {" "}})
	if resp.StatusCode != http.StatusBadRequest || doc(t, body).Find("#decide-form .has-error").Length() != 1 {
		t.Fatalf("a refusal without a reason: %d", resp.StatusCode)
	}
	if resp, _ := a.postValues(appeal+"/accept", url.Values{"note": {"情况属实"}, "remember": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	if got := a.dispatched(); !slices.Equal(got, []string{"appeal_changed"}) {
		t.Fatalf("deciding dispatched %v", got)
	}
	if resp, body := a.postValues(appeal+"/refuse", url.Values{"note": {"再议"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "不能再次审核") {
		t.Fatalf("deciding again: %d", resp.StatusCode)
	}
	_, body = a.get(result)
	d = doc(t, body)
	if v := d.Find("#verdict").Text(); !strings.Contains(v, "100.0 分") {
		t.Fatalf("the verdict after the appeal: %q", v)
	}
	if st := d.Find("#finding-"+dead).AttrOr("data-status", ""); st != "reduced" {
		t.Fatalf("the finding after the appeal: %q", st)
	}
	row := d.Find("#exceptions tr.exception[data-active=true]")
	if row.Length() != 1 || row.AttrOr("data-key", "") != "dead_link:a" || !strings.Contains(row.Text(), "同意核减") || row.Find("form").Length() != 1 {
		t.Fatalf("the site's exceptions: %q", d.Find("#exceptions").Text())
	}

	// The suspected typo: dismissed and remembered in one go; a reason is needed.
	if resp, body := a.postValues("/staff/inspection/exceptions", url.Values{"finding_id": {typo}, "dismiss": {"1"}, "reason": {""}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请说明理由") {
		t.Fatalf("an exception without a reason: %d", resp.StatusCode)
	}
	resp, _ = a.postValues("/staff/inspection/exceptions", url.Values{"finding_id": {typo}, "dismiss": {"1"}, "reason": {"专有名词"}, "result_id": {strconv.FormatInt(resultID, 10)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != result+"#exceptions" {
		t.Fatalf("dismiss and remember: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = a.get(result)
	d = doc(t, body)
	if d.Find("#finding-"+typo).AttrOr("data-status", "") != "dismissed" || d.Find("#exceptions tr.exception").Length() != 2 {
		t.Fatalf("after dismiss and remember: %q", d.Find("#exceptions").Text())
	}
	id := d.Find("#exceptions tr.exception[data-key='typo:a'] form").AttrOr("action", "")
	if resp, _ := a.postValues(id, url.Values{"reason": {"重新检查"}, "result_id": {strconv.FormatInt(resultID, 10)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke %q: %d", id, resp.StatusCode)
	}
	_, body = a.get(result)
	if d := doc(t, body); d.Find("#exceptions tr.exception[data-active=false]").Length() != 1 ||
		!strings.Contains(d.Find("#exceptions tr.exception[data-active=false]").Text(), "重新检查") {
		t.Fatalf("after the revocation: %q", d.Find("#exceptions").Text())
	}

	// The administrators' figures: one dead link judged and taken off, one typo dismissed.
	if resp, _ := a.get("/admin/inspection/precision"); resp.StatusCode == http.StatusOK {
		t.Fatal("a supervisor reads the administrators' figures")
	}
	a.loginPage("admin")
	_, body = a.get("/admin/inspection/precision")
	d = doc(t, body)
	for typ, want := range map[string]string{"dead_link": "100.00%", "typo": "100.00%"} {
		if got := d.Find("#precision tr[data-type=" + typ + "] .share").Text(); got != want {
			t.Errorf("%s: %q, want %q", typ, got, want)
		}
	}
}

func TestAppealThroughTheAPI(t *testing.T) {
	a := newTestApp(t)
	_, findings := finishedRound(t, a, "gzw-staff")
	dead := strconv.FormatInt(findings["dead_link"], 10)
	staff, other, sup := a.apiLogin("gzw-staff"), a.apiLogin("scgov-staff"), a.apiLogin("sc-supervisor")
	fields := map[string]string{"finding_id": dead, "reason": "该页面检查时在维护，现已恢复"}
	if resp, body := a.appealRequest("/api/v1/inspection/appeals", fields, "", nil, "", other); resp.StatusCode != http.StatusNotFound || !hasHanText(body) {
		t.Fatalf("another unit contests: %d %s", resp.StatusCode, body)
	}
	big := append(append([]byte{}, appealPDF...), make([]byte, 10<<20)...)
	if resp, body := a.appealRequest("/api/v1/inspection/appeals", fields, "big.pdf", big, "", staff); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "不能超过 10 MB") {
		t.Fatalf("an oversized document: %d %s", resp.StatusCode, body)
	}
	resp, body := a.appealRequest("/api/v1/inspection/appeals", fields, "图.pdf", appealPDF, "", staff)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"status":"filed"`) || !strings.Contains(body, "/file") {
		t.Fatalf("file through the API: %d %s", resp.StatusCode, body)
	}
	_, list := a.api("GET", "/api/v1/inspection/appeals?status=filed", sup, "")
	appeals := list["appeals"].([]any)
	if len(appeals) != 1 {
		t.Fatalf("the supervisor's list: %v", list)
	}
	id := strconv.FormatInt(int64(appeals[0].(map[string]any)["id"].(float64)), 10)
	if resp, m := a.api("POST", "/api/v1/inspection/appeals/"+id+"/accept", staff, `{}`); resp.StatusCode != http.StatusForbidden || !hasHanText(m["error"].(string)) {
		t.Fatalf("the unit decides through the API: %d %v", resp.StatusCode, m)
	}
	if resp, m := a.api("POST", "/api/v1/inspection/appeals/"+id+"/refuse", sup, `{"note":""}`); resp.StatusCode != http.StatusBadRequest || m["field"] != "note" {
		t.Fatalf("a refusal without a reason: %d %v", resp.StatusCode, m)
	}
	if resp, m := a.api("POST", "/api/v1/inspection/appeals/"+id+"/accept", sup, `{"note":"同意","remember":true}`); resp.StatusCode != 200 || m["status"] != "accepted" {
		t.Fatalf("accept through the API: %d %v", resp.StatusCode, m)
	}
	if resp, m := a.api("POST", "/api/v1/inspection/appeals/"+id+"/refuse", sup, `{"note":"再议"}`); resp.StatusCode != http.StatusConflict || !hasHanText(m["error"].(string)) {
		t.Fatalf("decided again: %d %v", resp.StatusCode, m)
	}
	_, site := a.api("GET", "/api/v1/inspection/appeals/"+id, sup, "")
	if site["status_label"] != "同意核减" {
		t.Fatalf("the appeal: %v", site)
	}
	_, m := a.api("GET", "/api/v1/admin/inspection/precision", a.apiLogin("admin"), "")
	types := m["types"].([]any)
	if len(types) != 1 || types[0].(map[string]any)["dismissed_share"] != "100.00%" {
		t.Fatalf("precision through the API: %v", m)
	}
}
