package handlers_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The supervisor's ticket list filters by unit with the typeahead picker, not a select of every
// unit in the region; the picker gives the unit's name, the rates' links its id.
func TestTicketListUnitFilterIsAPicker(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	a.loginPage("sc-supervisor")
	resp, body := a.get("/staff/tickets")
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || d.Find("select#f-unit, select[name=unit]").Length() != 0 ||
		d.Find(`[data-picker="/staff/picks/unit"] input[name="unit"]`).Length() != 1 {
		t.Fatalf("list: %d, the unit filter is not the picker", resp.StatusCode)
	}
	for name, want := range map[string]bool{"四川省政府国有资产监督管理委员会": true, "成都市教育局": false, "没有这个单位": false} {
		resp, body := a.get("/staff/tickets?unit=" + url.QueryEscape(name))
		if resp.StatusCode != http.StatusOK || strings.Contains(body, no) != want {
			t.Errorf("unit=%s: %d, lists the ticket %v", name, resp.StatusCode, !want)
		}
		if v, _ := doc(t, body).Find(`input[name="unit"]`).Attr("value"); v != name {
			t.Errorf("unit=%s: the picker shows %q", name, v)
		}
	}
}

// No page offers a select fed with every unit, site or user: those are typeahead pickers.
func TestNoTemplateSelectsEveryUnitSiteOrUser(t *testing.T) {
	files, _ := filepath.Glob("../templates/*/*.html")
	long := regexp.MustCompile(`(?s)<select[^>]*>(?:[^<]|<option[^>]*>[^<]*</option>|\{\{[^}]*\}\})*?\{\{range \$c\.(Units|Websites|Users|Sites)\}\}`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := long.Find(b); m != nil {
			t.Errorf("%s: %s", f, m)
		}
	}
	if len(files) == 0 {
		t.Fatal("no templates found")
	}
}
