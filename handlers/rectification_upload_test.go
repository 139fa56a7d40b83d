package handlers_test

import (
	"mime"
	"net/http"
	"path"
	"strings"
	"testing"
)

// A report uploaded under a dangerous name (.hta, which Windows runs with mshta) is stored and
// served under a name of the app's choosing, 整改报告-<id>.<the checked type's extension>, with
// the checked content type, as an attachment, never sniffed; the uploader's name is kept only as
// text to read, escaped and without the characters that turn it around (U+202E).
func TestRectificationReportIsServedUnderItsOwnName(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	item := publishForRectification(t, a)
	id := path.Base(item)
	gzw, sc := a.apiLogin("gzw-staff"), a.apiLogin("sc-supervisor")

	hta := []byte(`<html><head><hta:application id="x"/><script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script></head></html>`)
	if resp, body := a.apiUpload(item+"/report", gzw, "整改报告.hta", hta); resp.StatusCode != 400 || body["field"] != "report" {
		t.Fatalf("an HTA application: %d %v", resp.StatusCode, body)
	}

	pdf := []byte("%PDF-1.4\n整改情况报告\n%%EOF")
	uploaded := "<img src=x onerror=alert(1)>整改\u202eatp.hta"
	resp, body := a.apiUpload(item+"/report", gzw, uploaded, pdf)
	report, _ := body["report"].(map[string]any)
	want := "整改报告-" + id + ".pdf"
	if resp.StatusCode != 200 || report["name"] != want || report["original_name"] != "<img src=x onerror=alert(1)>整改atp.hta" || report["content_type"] != "application/pdf" {
		t.Fatalf("report: %d %v", resp.StatusCode, body)
	}

	req, _ := http.NewRequest("GET", a.URL+item+"/report", nil)
	req.Header.Set("Authorization", "Bearer "+sc)
	resp, raw := a.do(req)
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if resp.StatusCode != 200 || raw != string(pdf) || err != nil {
		t.Fatalf("download: %d %v", resp.StatusCode, err)
	}
	disposition := resp.Header.Get("Content-Disposition")
	if !strings.HasPrefix(disposition, "attachment;") || params["filename"] != want || strings.Contains(strings.ToLower(disposition), "hta") {
		t.Errorf("Content-Disposition %q (file name %q), want an attachment named %q", disposition, params["filename"], want)
	}
	if resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("Content-Type %q, X-Content-Type-Options %q", resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"))
	}

	a.loginPage("sc-supervisor")
	_, page := a.get("/staff/rectifications/" + id)
	link := doc(t, page).Find(`a[href$="/report"]`)
	if strings.TrimSpace(link.Text()) != want || strings.Contains(page, "<img src=x") || strings.Contains(page, "\u202e") ||
		!strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;整改atp.hta") {
		t.Errorf("the page shows the report as %q:\n%s", link.Text(), page)
	}
}
