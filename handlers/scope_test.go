package handlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// Issue 16: 成都's supervisor imported a sheet of another city's and the province's 新媒体
// accounts, turned the province's 新媒体 合格率 from 100% to 0% in its circular, and its
// publishing opened rectifications; 成都's own view of the import said 0 accounts. Now the rows
// outside 成都's scope are refused and listed as such to 成都, with the reason, and nothing of
// those accounts changes: no result, no finding, no account state, no circular figure.
func TestAccountImportOutsideTheScopeChangesNothingThere(t *testing.T) {
	q := &taskQueue{}
	a := newTestApp(t, withQueue(q))
	today := a.Clock.Now().Format("2006-01-02")
	sc := a.apiLogin("sc-supervisor")
	// The province imports every account of its registry, each updated today and answering:
	// 新媒体 合格率 100%.
	var sheet strings.Builder
	sheet.WriteString("账号名称,平台,最后更新日期,互动功能,实际运行\n")
	rows, err := a.Store.SQLDB().Query("SELECT name, platform FROM media_accounts ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, platform string
		rows.Scan(&name, &platform)
		fmt.Fprintf(&sheet, "%s,%s,%s,有,在线\n", name, platform, today)
	}
	rows.Close()
	if resp, body := a.upload("/api/v1/inspection/accounts/import", sc, "全省.csv", []byte(sheet.String())); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("the province's import: %d %s", resp.StatusCode, body)
	}
	q.runAll(t, a)
	_, draft := a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q1","doc_number":"川办便函〔2025〕78号"}`)
	id := jsonNumber(draft["id"])
	accounts := func() map[string]any {
		t.Helper()
		if resp, body := a.api("POST", "/api/v1/circulars/"+id+"/refresh", sc, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("refresh: %d %v", resp.StatusCode, body)
		}
		_, c := a.api("GET", "/api/v1/circulars/"+id, sc, "")
		return c["figures"].(map[string]any)["accounts"].(map[string]any)
	}
	before := accounts()
	if before["pass_rate"] != "100%" || before["with_problems"] != float64(0) || before["checked"] != float64(28) {
		t.Fatalf("before: %v", before)
	}
	state := func() string {
		t.Helper()
		var out strings.Builder
		rows, err := a.Store.SQLDB().Query(`SELECT a.id, a.status, (SELECT COUNT(*) FROM media_account_results r WHERE r.account_id = a.id),
			(SELECT COUNT(*) FROM inspection_findings f WHERE f.account_id = a.id), (SELECT COUNT(*) FROM media_account_events e WHERE e.account_id = a.id)
			FROM media_accounts a JOIN units u ON u.id = a.unit_id WHERE u.name IN ('绵阳市人民政府办公室', '四川省人民政府办公厅') ORDER BY a.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, results, findings, events int64
			var status string
			rows.Scan(&id, &status, &results, &findings, &events)
			fmt.Fprintf(&out, "%d %s %d %d %d; ", id, status, results, findings, events)
		}
		return out.String()
	}
	untouched := state()

	// 成都's supervisor imports 绵阳's and the province's accounts, stale and without
	// interaction (单项否决 both), beside its own.
	a.loginPage("cd-supervisor")
	attack := "账号名称,平台,最后更新日期,互动功能,实际运行\n" +
		"绵阳发布,微信,2024-01-01,无,在线\n" +
		"四川发布,微信,2024-01-01,无,在线\n" +
		"成都发布,微信," + today + ",有,在线\n"
	resp, _ := a.upload("/staff/inspection/accounts/import", "", "results.csv", []byte(attack))
	page := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(page, "/staff/inspection/imports/") {
		t.Fatalf("成都's import: %d %q", resp.StatusCode, page)
	}
	q.runAll(t, a)

	if after := accounts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the province's 新媒体 figures moved: %v → %v", before, after)
	}
	if got := state(); got != untouched {
		t.Errorf("绵阳's and the province's accounts changed: %s → %s", untouched, got)
	}
	if resp, body := a.api("POST", "/api/v1/circulars/"+id+"/publish", sc, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("publish: %d %v", resp.StatusCode, body)
	}
	var rectifications int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM rectifications").Scan(&rectifications)
	if rectifications != 0 {
		t.Errorf("publishing opened %d rectifications", rectifications)
	}

	// 成都 sees its sheet whole: its own account checked, the two others listed as not imported.
	_, body := a.get(page)
	d := doc(t, body)
	var refused []string
	d.Find("#results li[data-refused]").Each(func(_ int, s *goquery.Selection) { refused = append(refused, s.Text()) })
	if d.Find("#results li").Length() != 3 || len(refused) != 2 || !strings.Contains(refused[0], "绵阳发布") ||
		!strings.Contains(refused[0], "不在您的管辖范围内，未导入") || !strings.Contains(d.Find("#import-refused").Text(), "其中 2 个账号不在您的管辖范围内") {
		t.Fatalf("成都's import page: %q", d.Find("main").Text())
	}
	cd := a.apiLogin("cd-supervisor")
	_, imp := a.api("GET", "/api/v1"+strings.TrimPrefix(page, "/staff"), cd, "")
	results := imp["results"].([]any)
	if i := imp["import"].(map[string]any); i["accounts"] != float64(3) || i["refused"] != float64(2) || len(results) != 3 ||
		results[0].(map[string]any)["refused"] == nil || results[0].(map[string]any)["account_id"] != nil {
		t.Fatalf("成都's import through the API: %v", imp)
	}

	// A sheet of nothing but other regions' accounts is refused whole: 403, nothing stored.
	var imports int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM media_account_imports").Scan(&imports)
	resp, body = a.upload("/api/v1/inspection/accounts/import", cd, "他市.csv", []byte("账号名称,平台\n绵阳发布,微信\n四川发布,微信\n"))
	var now int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM media_account_imports").Scan(&now)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "都不在您的管辖范围内") || now != imports {
		t.Fatalf("a sheet of other regions' accounts: %d %s, %d imports stored", resp.StatusCode, body, now-imports)
	}
}

// scopeWorld is the app with the demo registry and, beside 成都's supervisor, the people of a
// sibling city (绵阳) and of the province who own the objects 成都's people try to write, each
// signed in for pages (a browser) and for the API (a token).
type scopeWorld struct {
	*testApp
	browsers map[string]*http.Client
	tokens   map[string]string
	units    map[string]int64  // by name
	codes    map[string]string // the query code of each ticket filed, by its number
	pages    map[string]string // the page each ticket filed is about, by its number
	made     int               // tickets filed, for a new page each
	periods  int               // circular periods handed out: one draft per region and period
}

// scopeRegions are where the objects lie: a sibling city of 成都, and the province above it.
var scopeRegions = []string{"绵阳", "四川省"}

func newScopeWorld(t *testing.T) *scopeWorld {
	q := &taskQueue{}
	return scopeWorldOn(t, newTestApp(t, withQueue(q)))
}

// scopeWorldOn is a scopeWorld made on an app with the demo registry.
func scopeWorldOn(t testing.TB, a *testApp) *scopeWorld {
	t.Helper()
	w := &scopeWorld{testApp: a, browsers: map[string]*http.Client{}, tokens: map[string]string{}, units: map[string]int64{}, codes: map[string]string{}, pages: map[string]string{}}
	addScopePeople(t, w.Store)
	rows, err := w.Store.SQLDB().Query("SELECT id, name FROM units")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var name string
		rows.Scan(&id, &name)
		w.units[name] = id
	}
	rows.Close()
	for _, u := range []string{"cd-supervisor", "cd-staff", "cd-reviewer", "my-supervisor", "my-staff", "my-reviewer",
		"sc-supervisor", "scgov-staff", "scgov-reviewer", "admin"} {
		w.tokens[u] = w.apiLogin(u)
		w.browsers[u] = signIn(t, w.testApp, u)
	}
	return w
}

// addScopePeople adds the people the demo lacks: 成都市人民政府办公室's staff and reviewer, 绵阳's
// supervisor, staff and reviewer, and a second unit of 绵阳 to reassign a ticket to.
func addScopePeople(t testing.TB, s *models.Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.LoadRegistry(ctx, models.RegistrySpec{Units: []models.UnitSpec{{Name: "绵阳市教育局", RegionCode: "510700", Kind: models.UnitDepartment}}}); err != nil {
		t.Fatal(err)
	}
	hash, _ := models.HashPassword(demoPassword)
	for _, u := range []models.UserSpec{
		{Username: "cd-staff", DisplayName: "成都市政府办公室经办人", Role: models.RoleUnitStaff, Unit: "成都市人民政府办公室"},
		{Username: "cd-reviewer", DisplayName: "成都市政府办公室审核人", Role: models.RoleUnitReviewer, Unit: "成都市人民政府办公室"},
		{Username: "my-supervisor", DisplayName: "绵阳市政府办公室监管员", Role: models.RoleSupervisor, RegionCode: "510700"},
		{Username: "my-staff", DisplayName: "绵阳市政府办公室经办人", Role: models.RoleUnitStaff, Unit: "绵阳市人民政府办公室"},
		{Username: "my-reviewer", DisplayName: "绵阳市政府办公室审核人", Role: models.RoleUnitReviewer, Unit: "绵阳市人民政府办公室"},
	} {
		if _, err := s.EnsureUser(ctx, u, hash); err != nil {
			t.Fatal(err)
		}
	}
}

// signIn is a browser signed in as username through the form.
func signIn(t testing.TB, a *testApp, username string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: noRedirects}
	form := url.Values{"username": {username}, "password": {demoPassword}, "next": {"/staff"}}
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %v %v", username, resp, err)
	}
	resp.Body.Close()
	return c
}

// owner is who writes the objects of a region in a role: 绵阳's or the province's people.
func owner(region, role string) string {
	if region == "绵阳" {
		return map[string]string{"supervisor": "my-supervisor", "staff": "my-staff", "reviewer": "my-reviewer"}[role]
	}
	return map[string]string{"supervisor": "sc-supervisor", "staff": "scgov-staff", "reviewer": "scgov-reviewer"}[role]
}

// site and unit are a region's portal and the unit that runs it; account its 发布 account.
func site(region string) string {
	return map[string]string{"绵阳": "https://www.my.gov.cn/", "四川省": "https://www.sc.gov.cn/", "成都": "https://www.chengdu.gov.cn/"}[region]
}
func unit(region string) string {
	return map[string]string{"绵阳": "绵阳市人民政府办公室", "四川省": "四川省人民政府办公厅", "成都": "成都市人民政府办公室"}[region]
}
func account(region string) string {
	return map[string]string{"绵阳": "绵阳发布", "四川省": "四川发布", "成都": "成都发布"}[region]
}

// otherUnit is a second unit of the region, to reassign a ticket to.
func otherUnit(region string) string {
	return map[string]string{"绵阳": "绵阳市教育局", "四川省": "四川省教育厅"}[region]
}

// write is one request: a form for the page, or JSON (or a file) for the API.
type write struct {
	path  string
	form  url.Values        // a form post (a page), or the fields beside a file
	json  string            // a JSON body (the API)
	file  *formFile         // a multipart upload, under fileField
	field string            // the file's field name
	extra map[string]string // headers
}

// send makes the write as who: with their browser for a page (a form or an upload from the
// app's own page), with their token for the API (under /api/).
func (w *scopeWorld) send(who string, wr write) (*http.Response, string) {
	w.t.Helper()
	var body io.Reader
	ctype := ""
	switch {
	case wr.file != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range wr.form {
			mw.WriteField(k, vs[0])
		}
		fw, _ := mw.CreateFormFile(wr.field, wr.file.name)
		fw.Write(wr.file.data)
		mw.Close()
		body, ctype = &buf, mw.FormDataContentType()
	case wr.json != "":
		body, ctype = strings.NewReader(wr.json), "application/json"
	default:
		body, ctype = strings.NewReader(wr.form.Encode()), "application/x-www-form-urlencoded"
	}
	req, _ := http.NewRequest(http.MethodPost, w.URL+wr.path, body)
	req.Header.Set("Content-Type", ctype)
	client := w.browsers[who]
	if strings.HasPrefix(wr.path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+w.tokens[who])
		client = &http.Client{CheckRedirect: noRedirects}
	} else {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range wr.extra {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// ok sends a write that must succeed (a fixture's or the owner's), and returns the answer.
func (w *scopeWorld) ok(who string, wr write) string {
	w.t.Helper()
	resp, body := w.send(who, wr)
	if resp.StatusCode >= 400 {
		w.t.Fatalf("%s POST %s: %d %.300s", who, wr.path, resp.StatusCode, body)
	}
	return body
}

// api is a JSON write to the API.
func api(path, body string) write { return write{path: path, json: body} }

// page is a form post to a page.
func page(path string, kv ...string) write {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return write{path: path, form: v}
}

// ticket files a citizen's report on the region's portal: assigned to its unit at once.
func (w *scopeWorld) ticket(region string) string {
	w.made++
	page := site(region) + fmt.Sprintf("p%d.html", w.made)
	no, code := w.submitTo(page)
	w.codes[no], w.pages[no] = code, page
	return no
}

// twin is a second ticket of the region about the same page as of, in its category, standing
// alone: one that a link to of may join (a link needs the same page and category). Filed, it is
// merged into of at once; the region's supervisor takes it out again.
func (w *scopeWorld) twin(region, of string) string {
	no, code := w.submitTo(w.pages[of])
	w.codes[no], w.pages[no] = code, w.pages[of]
	w.ok(owner(region, "supervisor"), api("/api/v1/tickets/"+no+"/unlink", `{"text":"单独办理"}`))
	return no
}

// ticketAt is a ticket of the region taken to the state a write needs, by the region's people.
func (w *scopeWorld) ticketAt(region, state string) string {
	no := w.ticket(region)
	staff, reviewer := owner(region, "staff"), owner(region, "reviewer")
	act := func(who, action, body string) { w.ok(who, api("/api/v1/tickets/"+no+"/"+action, body)) }
	switch state {
	case "assigned":
	case "pending": // an extension asked for
		act(staff, "accept", "")
		act(staff, "extension", `{"days":3,"text":"需要协调技术单位处理"}`)
	case "reviewing":
		act(staff, "accept", "")
		act(staff, "reply", `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`)
	case "unhappy": // closed, and its citizen not satisfied
		act(staff, "accept", "")
		act(staff, "reply", `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`)
		act(reviewer, "approve", `{"public":true}`)
		if resp, body := w.postJSON("/api/v1/reports/"+no+"/rating", `{"code":"`+w.codes[no]+`","rating":"unsatisfied"}`); resp.StatusCode != http.StatusOK {
			w.t.Fatalf("rating: %d %v", resp.StatusCode, body)
		}
	case "linked": // a duplicate of another of the unit's tickets
		act(staff, "link", `{"primary":"`+w.twin(region, no)+`"}`)
	}
	return no
}

// finding is a finding of the region's portal from a round of its sites: "suspected" (a typo
// waiting for a person) or "confirmed" (a dead link, counted). Each is a finding of its own
// (keys are new), so no earlier decision carries over to it.
func (w *scopeWorld) finding(region, status string) string {
	w.t.Helper()
	ctx := context.Background()
	u, err := w.Store.Authenticate(ctx, owner(region, "staff"), demoPassword)
	if err != nil {
		w.t.Fatal(err)
	}
	sc, _ := w.Store.ScopeOf(ctx, u)
	round, ids, err := storetest.StartRound(ctx, w.Store, models.RoundOnDemand, sc, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	w.made++
	now, key := w.Clock.Now(), strconv.Itoa(w.made)
	f := models.Finding{Type: "dead_link", Indicator: "首页链接不可用", URL: site(region), Page: site(region), Target: site(region) + "gone" + key,
		Evidence: "HTTP 404", Points: 1, FindingKey: "dead_link:" + key, SeenAt: now}
	if status == "suspected" {
		f = models.Finding{Type: "typo", Indicator: "内容准确性", URL: site(region), Page: site(region) + "news/" + key + ".html",
			Target: "攻府", Evidence: "疑似错敏字「攻府」", Suspected: true, FindingKey: "typo:" + key, SeenAt: now}
	}
	out := models.SiteOutcome{Pages: 1, Links: 1, StartedAt: now, FinishedAt: now, Findings: []models.Finding{f}}
	if err := w.Store.FinishSite(ctx, round.ID, ids[0], out); err != nil {
		w.t.Fatal(err)
	}
	var id string
	w.Store.SQLDB().QueryRow("SELECT id FROM inspection_findings WHERE finding_key = ? AND round_id = ?", f.FindingKey, round.ID).Scan(&id)
	return id
}

// accountID is the id of the region's 发布 account on 微信.
func (w *scopeWorld) accountID(region string) string {
	var id string
	w.Store.SQLDB().QueryRow("SELECT id FROM media_accounts WHERE platform = '微信' AND name = ?", account(region)).Scan(&id)
	return id
}

// circular is a circular of the region for a period of its own, drafted by its supervisor and,
// with published, published.
func (w *scopeWorld) circular(region string, published bool) string {
	w.t.Helper()
	w.periods++
	period := fmt.Sprintf("%dQ%d", 2024-w.periods/4, 1+w.periods%4)
	var m map[string]any
	json.Unmarshal([]byte(w.ok(owner(region, "supervisor"), api("/api/v1/circulars", `{"period":"`+period+`","doc_number":"测试〔2025〕1号"}`))), &m)
	id := jsonNumber(m["id"])
	if published {
		w.ok(owner(region, "supervisor"), api("/api/v1/circulars/"+id+"/publish", ""))
	}
	return id
}

// rectification is the region's unit's rectification of a published circular of the region,
// open or with its report submitted.
func (w *scopeWorld) rectification(region, status string) string {
	w.t.Helper()
	c := w.circular(region, true)
	var regionID int64
	w.Store.SQLDB().QueryRow("SELECT region_id FROM circulars WHERE id = ?", c).Scan(&regionID)
	now := w.Clock.Now().UTC()
	res, err := w.Store.SQLDB().Exec(`INSERT INTO rectifications (circular_id, region_id, unit_id, kind, subject, problems, due_on, due_at, status,
		report_name, report_type, report_data, submitted_at, note, created_at, updated_at) VALUES (?, ?, ?, 'website', ?, '栏目更新不及时', '2025-04-30', ?, ?, ?, ?, ?, ?, '', ?, ?)`,
		c, regionID, w.units[unit(region)], unit(region), now.AddDate(0, 1, 0), status,
		map[bool]string{true: "整改报告.pdf"}[status == "submitted"], map[bool]string{true: "application/pdf"}[status == "submitted"],
		[]byte("%PDF-1.4\n%%EOF"), map[bool]any{true: now, false: nil}[status == "submitted"], now, now)
	if err != nil {
		w.t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return strconv.FormatInt(id, 10)
}

// fingerprint is every row of the tables a write of these could touch, hashed: equal
// fingerprints, nothing written.
func (w *scopeWorld) fingerprint() string {
	w.t.Helper()
	return dataFingerprint(w.t, w.Store.SQLDB())
}

// dataFingerprint hashes every row of the tables a staff member's write could touch.
func dataFingerprint(t testing.TB, db *sql.DB) string {
	t.Helper()
	h := sha256.New()
	for _, table := range []string{"tickets", "ticket_events", "attachments", "deliveries", "notifications", "circulars",
		"circular_templates", "rectifications", "inspection_rounds", "inspection_results", "inspection_findings", "media_accounts",
		"media_account_events", "media_account_imports", "media_account_uploads", "media_account_results"} {
		rows, err := db.Query("SELECT * FROM " + table + " ORDER BY 1")
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s%v\n", table, vals)
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// A scoped write: what 成都's people try on an object of 绵阳 and of the province.
type scopedWrite struct {
	name  string
	actor string                                    // 成都's: cd-supervisor, cd-staff or cd-reviewer
	role  string                                    // the owner's role in the object's region, for the control
	setup func(w *scopeWorld, region string) string // the object, in its region, ready for the write
	page  func(obj, region string) write            // the write from its page; nil where there is none
	api   func(obj, region string) write            // the write through the API; nil where there is none
	want  int                                       // the refusal: 404 (not in scope), 403, or 400 for a target named in a form field
	// control, when set, is the owner's write instead of the same write: it must succeed.
	control func(w *scopeWorld, obj, region string) (string, write)
}

// scopedWrites lists every write a supervisor, a unit's staff member or a reviewer makes (the
// POST routes of routes.go that act on an object), each on an object outside 成都.
func scopedWrites(w *scopeWorld) []scopedWrite {
	ticketAction := func(action, body string, form ...string) (func(string, string) write, func(string, string) write) {
		return func(no, _ string) write { return page("/staff/tickets/"+no+"/"+action, form...) },
			func(no, _ string) write { return api("/api/v1/tickets/"+no+"/"+action, body) }
	}
	ticketAt := func(state string) func(*scopeWorld, string) string {
		return func(w *scopeWorld, region string) string { return w.ticketAt(region, state) }
	}
	var list []scopedWrite
	add := func(name, actor, role string, setup func(*scopeWorld, string) string, pg, ap func(string, string) write, want int) *scopedWrite {
		list = append(list, scopedWrite{name: name, actor: actor, role: role, setup: setup, page: pg, api: ap, want: want})
		return &list[len(list)-1]
	}
	cdUnit := strconv.FormatInt(w.units["成都市人民政府办公室"], 10)

	// Tickets: a supervisor's actions.
	pg, ap := ticketAction("assign", `{"unit_id":`+cdUnit+`}`, "unit_id", cdUnit)
	add("assign another region's ticket (to a unit of 成都)", "cd-supervisor", "supervisor", ticketAt("assigned"), pg, ap, 404).control =
		func(w *scopeWorld, no, region string) (string, write) {
			id := strconv.FormatInt(w.units[otherUnit(region)], 10)
			return owner(region, "supervisor"), api("/api/v1/tickets/"+no+"/assign", `{"unit_id":`+id+`}`)
		}
	pg, ap = ticketAction("invalidate", `{"text":"非本地区留言，作无效处理"}`, "text", "非本地区留言，作无效处理")
	add("invalidate", "cd-supervisor", "supervisor", ticketAt("assigned"), pg, ap, 404)
	pg, ap = ticketAction("urge", `{"text":"请尽快办理"}`, "text", "请尽快办理")
	add("urge", "cd-supervisor", "supervisor", ticketAt("assigned"), pg, ap, 404)
	pg, ap = ticketAction("decide", `{"decision":"approve"}`, "decision", "approve")
	add("decide an extension", "cd-supervisor", "supervisor", ticketAt("pending"), pg, ap, 404)
	pg, ap = ticketAction("reopen", `{"text":"留言人不满意，请重新核实"}`, "text", "留言人不满意，请重新核实")
	add("reopen after 不满意", "cd-supervisor", "supervisor", ticketAt("unhappy"), pg, ap, 404)
	pg, ap = ticketAction("unlink", `{"text":"不是重复留言"}`, "text", "不是重复留言")
	add("unlink a duplicate", "cd-supervisor", "supervisor", ticketAt("linked"), pg, ap, 404)
	// 成都's own ticket, given to a unit of another region: refused on the form's unit field.
	add("assign 成都's ticket to another region's unit", "cd-supervisor", "supervisor",
		func(w *scopeWorld, region string) string { return w.ticket("成都") },
		func(no, region string) write {
			return page("/staff/tickets/"+no+"/assign", "unit_id", strconv.FormatInt(w.units[unit(region)], 10))
		},
		func(no, region string) write {
			return api("/api/v1/tickets/"+no+"/assign", `{"unit_id":`+strconv.FormatInt(w.units[unit(region)], 10)+`}`)
		}, 400).control = func(w *scopeWorld, no, region string) (string, write) {
		return "sc-supervisor", api("/api/v1/tickets/"+no+"/assign", `{"unit_id":`+strconv.FormatInt(w.units[unit(region)], 10)+`}`)
	}

	// Tickets: a unit's staff and reviewer.
	pg, ap = ticketAction("accept", "")
	add("accept", "cd-staff", "staff", ticketAt("assigned"), pg, ap, 404)
	pg, ap = ticketAction("reply", `{"text":"已经处理，感谢反馈。","confirmed":true}`, "text", "已经处理，感谢反馈。", "confirmed", "1")
	add("reply", "cd-staff", "staff", ticketAt("assigned"), pg, ap, 404)
	pg, ap = ticketAction("return", `{"text":"不属于本单位职责"}`, "text", "不属于本单位职责")
	add("ask to return", "cd-staff", "staff", ticketAt("assigned"), pg, ap, 404)
	pg, ap = ticketAction("extension", `{"days":3,"text":"需要协调"}`, "days", "3", "text", "需要协调")
	add("ask for an extension", "cd-staff", "staff", ticketAt("assigned"), pg, ap, 404)
	add("link another region's ticket", "cd-staff", "staff",
		func(w *scopeWorld, region string) string {
			no := w.ticketAt(region, "assigned")
			return no + " " + w.twin(region, no)
		},
		func(obj, _ string) write {
			no, primary, _ := strings.Cut(obj, " ")
			return page("/staff/tickets/"+no+"/link", "primary", primary)
		},
		func(obj, _ string) write {
			no, primary, _ := strings.Cut(obj, " ")
			return api("/api/v1/tickets/"+no+"/link", `{"primary":"`+primary+`"}`)
		}, 404).control = func(w *scopeWorld, obj, region string) (string, write) {
		no, primary, _ := strings.Cut(obj, " ")
		return owner(region, "staff"), api("/api/v1/tickets/"+no+"/link", `{"primary":"`+primary+`"}`)
	}
	// 成都's own ticket, linked to another region's as its primary: refused on the form's field.
	add("link 成都's ticket to another region's", "cd-staff", "staff",
		func(w *scopeWorld, region string) string { return w.ticket("成都") + " " + w.ticket(region) },
		func(obj, _ string) write {
			no, primary, _ := strings.Cut(obj, " ")
			return page("/staff/tickets/"+no+"/link", "primary", primary)
		},
		func(obj, _ string) write {
			no, primary, _ := strings.Cut(obj, " ")
			return api("/api/v1/tickets/"+no+"/link", `{"primary":"`+primary+`"}`)
		}, 400).control = func(w *scopeWorld, obj, region string) (string, write) {
		no := strings.Fields(obj)[0]
		return "cd-staff", api("/api/v1/tickets/"+no+"/link", `{"primary":"`+w.twin("成都", no)+`"}`)
	}
	pg, ap = ticketAction("approve", `{"public":true}`, "public", "1")
	add("approve a reply", "cd-reviewer", "reviewer", ticketAt("reviewing"), pg, ap, 404)
	pg, ap = ticketAction("reject", `{"text":"答复不完整，请补充"}`, "text", "答复不完整，请补充")
	add("send a reply back", "cd-reviewer", "reviewer", ticketAt("reviewing"), pg, ap, 404)

	// The inspection: findings, account filings, imports.
	for _, action := range []string{"confirm", "dismiss", "ticket"} {
		status := "suspected"
		if action == "ticket" {
			status = "confirmed"
		}
		add("finding "+action, "cd-supervisor", "supervisor",
			func(w *scopeWorld, region string) string { return w.finding(region, status) },
			func(id, _ string) write { return page("/staff/inspection/findings/" + id + "/" + action) },
			func(id, _ string) write { return api("/api/v1/inspection/findings/"+id+"/"+action, "") }, 404)
	}
	for _, who := range []string{"cd-supervisor", "cd-staff"} {
		role := map[string]string{"cd-supervisor": "supervisor", "cd-staff": "staff"}[who]
		add("file an account's 关停 as "+who, who, role,
			func(w *scopeWorld, region string) string { return w.accountID(region) },
			func(id, _ string) write {
				return page("/staff/inspection/accounts/"+id+"/events", "kind", "suspend", "filed_on", "2025-03-20", "note", "停止运营")
			},
			func(id, _ string) write {
				return api("/api/v1/inspection/accounts/"+id+"/events", `{"kind":"suspend","filed_on":"2025-03-20","note":"停止运营"}`)
			}, 404)
	}
	sheet := func(_, region string) *formFile {
		return &formFile{"results.csv", []byte("账号名称,平台,最后更新日期,互动功能,实际运行\n" + account(region) + ",微信,2024-01-01,无,在线\n")}
	}
	add("import another region's account results", "cd-supervisor", "supervisor",
		func(*scopeWorld, string) string { return "" },
		func(obj, region string) write {
			return write{path: "/staff/inspection/accounts/import", file: sheet(obj, region), field: "file"}
		},
		func(obj, region string) write {
			return write{path: "/api/v1/inspection/accounts/import", file: sheet(obj, region), field: "file"}
		}, 403)

	// Circulars and their template.
	text := `{"title":"关于2025年第一季度检查情况的通报","issuer":"成都市人民政府办公室","issue_date":"2025-03-25"}`
	add("edit another region's circular", "cd-supervisor", "supervisor",
		func(w *scopeWorld, region string) string { return w.circular(region, false) },
		func(id, _ string) write {
			return page("/staff/circulars/"+id, "title", "关于2025年第一季度检查情况的通报", "issuer", "成都市人民政府办公室", "issue_date", "2025-03-25")
		},
		func(id, _ string) write { return api("/api/v1/circulars/"+id+"/text", text) }, 404)
	for _, action := range []string{"refresh", "publish", "correct"} {
		add(action+" another region's circular", "cd-supervisor", "supervisor",
			func(w *scopeWorld, region string) string { return w.circular(region, action == "correct") },
			func(id, _ string) write { return page("/staff/circulars/" + id + "/" + action) },
			func(id, _ string) write { return api("/api/v1/circulars/"+id+"/"+action, "") }, 404)
	}
	add("save another region's 下步要求 template", "cd-supervisor", "supervisor",
		func(w *scopeWorld, region string) string {
			return map[string]string{"绵阳": "510700", "四川省": "510000"}[region]
		},
		func(code, _ string) write {
			return page("/staff/circulars/template", "region", code, "requirements", "各地要在规定时间内完成整改。")
		}, nil, 403).control = func(w *scopeWorld, code, region string) (string, write) {
		return owner(region, "supervisor"), page("/staff/circulars/template", "region", code, "requirements", "各地要在规定时间内完成整改。")
	}

	// Rectifications.
	for _, action := range []string{"accept", "return"} {
		add(action+" another region's rectification report", "cd-supervisor", "supervisor",
			func(w *scopeWorld, region string) string { return w.rectification(region, "submitted") },
			func(id, _ string) write {
				return page("/staff/rectifications/"+id+"/"+action, "note", "请补充整改前后的截图")
			},
			func(id, _ string) write {
				return api("/api/v1/rectifications/"+id+"/"+action, `{"note":"请补充整改前后的截图"}`)
			}, 404)
	}
	report := &formFile{"整改报告.pdf", []byte("%PDF-1.4\n整改情况报告\n%%EOF")}
	add("upload a rectification report for another region's unit", "cd-staff", "staff",
		func(w *scopeWorld, region string) string { return w.rectification(region, "open") },
		func(id, _ string) write {
			return write{path: "/staff/rectifications/" + id + "/report", file: report, field: "report"}
		},
		func(id, _ string) write {
			return write{path: "/api/v1/rectifications/" + id + "/report", file: report, field: "report"}
		}, 404)
	return list
}

// Every write of 成都's people (supervisor, unit staff, reviewer) on an object of a sibling city
// (绵阳) or of the province is refused, from its page and through the API, and writes nothing
// anywhere; the object's own people then make the same write (or the one the control names),
// so the refusal was the scope's, not the object's state.
func TestEveryWriteKeepsToTheActorsScope(t *testing.T) {
	w := newScopeWorld(t)
	for _, sw := range scopedWrites(w) {
		for _, region := range scopeRegions {
			t.Run(sw.name+" of "+region, func(t *testing.T) {
				w.t = t
				obj := sw.setup(w, region)
				for _, channel := range []func(string, string) write{sw.page, sw.api} {
					if channel == nil {
						continue
					}
					wr := channel(obj, region)
					w.Clock.Advance(time.Minute) // a write now would stamp a new time
					before := w.fingerprint()
					resp, body := w.send(sw.actor, wr)
					if resp.StatusCode != sw.want {
						t.Errorf("%s POST %s: %d %.200s, want %d", sw.actor, wr.path, resp.StatusCode, body, sw.want)
					}
					if strings.HasPrefix(wr.path, "/api/") && !strings.Contains(body, `"error"`) {
						t.Errorf("POST %s: %.200s, want {\"error\": ...}", wr.path, body)
					}
					if w.fingerprint() != before {
						t.Errorf("%s POST %s was refused, yet wrote", sw.actor, wr.path)
					}
				}
				who, wr := owner(region, sw.role), sw.api
				var control write
				if sw.control != nil {
					who, control = sw.control(w, obj, region)
				} else if wr != nil {
					control = wr(obj, region)
				} else {
					control = sw.page(obj, region)
				}
				w.Clock.Advance(time.Minute)
				before := w.fingerprint()
				if resp, body := w.send(who, control); resp.StatusCode >= 400 {
					t.Fatalf("the control, %s POST %s: %d %.300s", who, control.path, resp.StatusCode, body)
				}
				if w.fingerprint() == before {
					t.Fatalf("the control, %s POST %s, wrote nothing", who, control.path)
				}
			})
		}
	}
}

// The writes whose object is the actor's own scope (a round of its sites, a circular of its
// region, its notifications) do what they do there and nothing elsewhere, whatever the request
// names: a round of 成都 covers only 成都's sites, a circular drafted by 成都 is 成都's, and another
// person's notification stays as it was.
func TestScopedWritesStayInTheActorsScope(t *testing.T) {
	w := newScopeWorld(t)
	db := w.Store.SQLDB()
	outside := func() string { // the rows of everything outside 成都
		var out strings.Builder
		for _, q := range []string{
			`SELECT COUNT(*) FROM inspection_results ir JOIN websites s ON s.id = ir.website_id JOIN units u ON u.id = s.unit_id
				JOIN regions g ON g.id = u.region_id WHERE g.code <> '510100'`, // the demo has no region below 成都
			`SELECT COUNT(*) FROM circulars c JOIN regions g ON g.id = c.region_id WHERE g.code <> '510100'`,
			`SELECT COUNT(*) FROM notifications WHERE read_at IS NULL AND user_id = (SELECT id FROM users WHERE username = 'my-supervisor')`,
		} {
			var n int
			if err := db.QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "%d ", n)
		}
		return out.String()
	}
	var mySite string
	db.QueryRow("SELECT s.id FROM websites s JOIN units u ON u.id = s.unit_id WHERE u.name = '绵阳市人民政府办公室'").Scan(&mySite)
	now := w.Clock.Now().UTC()
	res, err := db.Exec(`INSERT INTO notifications (user_id, kind, title, body, link, created_at) SELECT id, 'overdue', '留言超期', '绵阳的留言已超期', '/staff', ? FROM users WHERE username = 'my-supervisor'`, now)
	if err != nil {
		t.Fatal(err)
	}
	notice, _ := res.LastInsertId()
	before := outside()

	// A round, asked for 绵阳's site and region: 成都's sites only.
	for _, wr := range []write{page("/staff/inspection/rounds", "region", "510700", "website_id", mySite),
		api("/api/v1/inspection/rounds", `{"region":"510700","website_ids":[`+mySite+`]}`)} {
		resp, body := w.send("cd-supervisor", wr)
		if resp.StatusCode >= 400 {
			t.Fatalf("POST %s: %d %.200s", wr.path, resp.StatusCode, body)
		}
	}
	var rounds, foreign int
	db.QueryRow("SELECT COUNT(*) FROM inspection_rounds WHERE region_id = (SELECT id FROM regions WHERE code = '510100')").Scan(&rounds)
	db.QueryRow(`SELECT COUNT(*) FROM inspection_results ir JOIN websites s ON s.id = ir.website_id JOIN units u ON u.id = s.unit_id
		JOIN regions g ON g.id = u.region_id WHERE g.code <> '510100'`).Scan(&foreign)
	if rounds != 2 || foreign != 0 {
		t.Fatalf("%d rounds of 成都, %d results of sites outside it", rounds, foreign)
	}

	// A circular, asked for 绵阳 and for the province: 成都's, or refused.
	resp, _ := w.send("cd-supervisor", page("/staff/circulars", "period", "2025Q1", "region", "510700", "region_id", "1"))
	var region string
	db.QueryRow("SELECT g.code FROM circulars c JOIN regions g ON g.id = c.region_id ORDER BY c.id DESC").Scan(&region)
	if resp.StatusCode != http.StatusSeeOther || region != "510100" {
		t.Fatalf("the circular drafted from the page: %d, of region %s", resp.StatusCode, region)
	}
	if resp, body := w.send("cd-supervisor", api("/api/v1/circulars", `{"period":"2024Q4","region":"510000"}`)); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a circular asked through the API for the province: %d %.200s", resp.StatusCode, body)
	}

	// Another person's notification: marked read by no one but them.
	if resp, body := w.send("cd-supervisor", api("/api/v1/notifications/read", fmt.Sprintf(`{"ids":[%d]}`, notice))); resp.StatusCode >= 400 {
		t.Fatalf("POST /api/v1/notifications/read: %d %.200s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodGet, w.URL+fmt.Sprintf("/notifications/%d", notice), nil)
	if resp, err := w.browsers["cd-supervisor"].Do(req); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("opening another person's notification: %v %v", resp, err)
	}

	if after := outside(); after != before {
		t.Fatalf("outside 成都: %s → %s", before, after)
	}
}
