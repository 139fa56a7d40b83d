package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"zhaocuo/models"
)

// The administrator lists, adds and withdraws inspection rule entries; bad input is shown again
// with a Chinese message beside its field and the input kept; other roles are refused.
func TestAdminInspectionRulesPage(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	_, page := a.get("/admin/inspection/rules")
	d := doc(t, page)
	if d.Find(`nav.tabs a[href="/admin/inspection/rules"][aria-current="page"]`).Length() != 1 ||
		d.Find(`#add-inspection-rule select[name="kind"] option`).Length() != len(models.RuleKinds) || d.Find("#inspection-rules").Length() != 0 {
		t.Fatalf("the empty page: %s", d.Find("main").Text())
	}
	_, home := a.get("/admin")
	if doc(t, home).Find(`nav.tabs a[href="/admin/inspection/rules"]`).Length() != 1 {
		t.Fatalf("the admin tabs do not link the page")
	}

	resp, body := a.postFormFrom("/admin/inspection/rules", map[string]string{"kind": models.RuleWording, "phrase": "某某国",
		"correct": "某某地区", "serious": "true", "exceptions": "历史、古代"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/inspection/rules" {
		t.Fatalf("add: %d %s", resp.StatusCode, body)
	}
	_, page = a.get("/admin/inspection/rules")
	row := doc(t, page).Find("#inspection-rules tbody tr")
	if row.Length() != 1 || !strings.Contains(row.Text(), "禁用词和慎用词") || !strings.Contains(row.Text(), "某某地区") ||
		!strings.Contains(row.Text(), "严重表述错误") || !strings.Contains(row.Text(), "例外：历史|古代") || !strings.Contains(row.Text(), "在用") {
		t.Fatalf("the added rule: %q", row.Text())
	}
	if !strings.Contains(doc(t, page).Find(".flash").Text(), "已添加规则") {
		t.Errorf("no flash after adding")
	}
	id, _ := row.Attr("data-id")
	var actor int64
	if err := a.Store.SQLDB().QueryRow("SELECT actor_id FROM registry_events WHERE entity = ? AND entity_id = ? AND action = 'created'",
		models.RegistryInspectionRule, id).Scan(&actor); err != nil || actor == 0 {
		t.Fatalf("the addition is not in the audit trail: %v", err)
	}

	resp, body = a.postFormFrom("/admin/inspection/rules", map[string]string{"kind": models.RuleLeader, "phrase": "张三丰",
		"correct": "国务院副总理", "valid_from": "2026-02-30"}, nil, "same-origin")
	form := doc(t, body).Find("#add-inspection-rule")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(form.Find(".field-error").Text(), "任职起始日期") {
		t.Fatalf("a date that is no date: %d %q", resp.StatusCode, form.Find(".field-error").Text())
	}
	if v, _ := form.Find(`input[name="phrase"]`).Attr("value"); v != "张三丰" {
		t.Errorf("the input is not kept: %q", v)
	}
	if opt, _ := form.Find(`option[selected]`).Attr("value"); opt != models.RuleLeader {
		t.Errorf("the kind is not kept: %q", opt)
	}
	resp, _ = a.postFormFrom("/admin/inspection/rules", map[string]string{"kind": models.RuleWording, "phrase": "某某国",
		"correct": "某某地区"}, nil, "same-origin")
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("the same rule twice: %d", resp.StatusCode)
	}

	resp, body = a.postFormFrom("/admin/inspection/rules/"+id+"/disable", map[string]string{}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", resp.StatusCode, body)
	}
	_, page = a.get("/admin/inspection/rules")
	row = doc(t, page).Find("#inspection-rules tbody tr")
	if !strings.Contains(row.Text(), "已停用") || row.Find(`form[action$="/enable"]`).Length() != 1 {
		t.Fatalf("the withdrawn rule: %q", row.Text())
	}
	if resp, _ := a.postFormFrom("/admin/inspection/rules/"+id+"/delete", map[string]string{}, nil, "same-origin"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown action: %d", resp.StatusCode)
	}

	a.loginPage("sc-supervisor")
	if resp, _ := a.get("/admin/inspection/rules"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a supervisor reads the page: %d", resp.StatusCode)
	}
	resp, _ = a.postFormFrom("/admin/inspection/rules", map[string]string{"kind": models.RuleTypo, "phrase": "示范事", "correct": "示范市"}, nil, "same-origin")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a supervisor adds a rule: %d", resp.StatusCode)
	}
	if resp, _ := a.postFormFrom("/admin/inspection/rules/"+id+"/enable", map[string]string{}, nil, "same-origin"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a supervisor enables a rule: %d", resp.StatusCode)
	}
	var n int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM inspection_rules WHERE enabled = ?", true).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rules in force after the supervisor's tries", n)
	}
}
