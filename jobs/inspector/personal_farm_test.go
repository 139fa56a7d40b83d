package inspector

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"zhaocuo/models/indicator"
)

// TestPersonalDataOnSite: a page and three attachments of the site hold made-up personal data;
// each is one finding with its kinds and counts and masked examples, and no clear value is
// anywhere in the result. A broken PDF is a note, an old DOC is counted in one note, and an
// attachment on another host is not read.
func TestPersonalDataOnSite(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 9))
	var ids, phones []string
	for i := 0; i < 6; i++ {
		ids = append(ids, madeUpID("510104", fmt.Sprintf("19%02d0%d1%d", 60+i, 1+i, i), 100+i))
		phones = append(phones, fmt.Sprintf("1%d9%08d", 3+i, rng.IntN(1e8)))
	}
	card := madeUpCard("622848", 19, rng)
	pages := goodSite()
	pages["/notice/n2.html"] = articlePage("关于2025年低保对象的公示", "2025-01-20", 5,
		`<table><tr><td>姓名</td><td>身份证号</td><td>联系电话</td></tr>`+
			`<tr><td>张伟</td><td>`+ids[0]+`</td><td>`+phones[0]+`</td></tr>`+
			`<tr><td>李娜</td><td>`+ids[1]+`</td><td>`+phones[1]+`</td></tr>`+
			`<tr><td>王芳</td><td>510104********1230</td><td>139****5678</td></tr></table>`+
			`<p>咨询电话：028-12345678</p>`+
			`<p><a href="/files/list.pdf">附件1</a> <a href="/files/list.docx">附件2</a> <a href="/files/list.xlsx">附件3</a>`+
			` <a href="/files/broken.pdf">附件4</a> <a href="/files/old.doc">附件5</a> <a href="http://www.sc.gov.cn/files/other.pdf">上级文件</a></p>`)
	pages["/files/list.pdf"] = string(makePDF(true, "Annex", "Zhang "+ids[2]+" "+phones[2]))
	pages["/files/list.docx"] = string(makeDOCX("名单", [][]string{{"刘洋", ids[3], "开户账号" + card}}))
	pages["/files/list.xlsx"] = string(makeXLSX([][]string{{"姓名", "邮箱", "手机"},
		{"陈静", "cj" + phones[4][:6] + "@example.com", phones[4]}, {"杨磊", "yl" + phones[5][:6] + "@example.com", phones[5]}}))
	pages["/files/broken.pdf"] = "%PDF-1.4\n1 0 obj"
	pages["/files/old.doc"] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
	f := newFarm(t)
	site := f.serveSite(pages)
	res := inspect(t, f.inspector(Config{}), site)

	base := "http://" + siteHost
	want := map[string]string{
		base + "/notice/n2.html":  "页面疑似公开个人信息：身份证号2个、手机号2个",
		base + "/files/list.pdf":  "附件疑似公开个人信息：身份证号1个、手机号1个",
		base + "/files/list.docx": "附件疑似公开个人信息：身份证号1个、银行卡号1个",
		base + "/files/list.xlsx": "附件疑似公开个人信息：手机号2个、电子邮箱2个",
	}
	got := findingsOf(res, indicator.TypePersonalData)
	if len(got) != len(want) {
		t.Fatalf("want %d personal_data findings, got %d:%s", len(want), len(got), dump(res))
	}
	for _, fd := range got {
		w, ok := want[fd.Target]
		if !ok || !strings.HasPrefix(fd.Evidence, w) {
			t.Errorf("%s: evidence %q, want it to start with %q", fd.Target, fd.Evidence, w)
		}
		if !fd.Veto || !fd.Suspected || fd.Indicator != indicator.Security {
			t.Errorf("%s: want a suspected veto under %s, got %+v", fd.Target, indicator.Security, fd)
		}
		if strings.HasPrefix(fd.Target, base+"/files/") && fd.Page != base+"/notice/n2.html" {
			t.Errorf("%s: page %s, want the page linking to it", fd.Target, fd.Page)
		}
	}
	if !strings.Contains(dump(res), "5101**********"+ids[0][14:]) {
		t.Errorf("no masked ID among the examples:%s", dump(res))
	}
	all := fmt.Sprintf("%+v", res)
	for _, clear := range append(append(ids, phones...), card, "cj"+phones[4][:6]) {
		if strings.Contains(all, clear) {
			t.Errorf("%s is in clear in the result", clear)
		}
	}
	var notes []string
	for _, fd := range findingsOf(res, indicator.TypeUnjudged) {
		notes = append(notes, fd.Target+" "+fd.Evidence)
	}
	wantNotes := []string{base + "/ 1个附件未检查个人信息：旧版DOC/XLS格式1个", base + "/files/broken.pdf 附件无法读取：PDF结构错误"}
	if fmt.Sprint(notes) != fmt.Sprint(wantNotes) {
		t.Errorf("notes %q, want %q", notes, wantNotes)
	}
	// An attachment on another host is checked as an outbound link (a GET that reads only an
	// HTML body), never read as an attachment.
	if strings.Contains(dump(res), "other.pdf") {
		t.Errorf("an attachment on another host was read:%s", dump(res))
	}
}

// TestPersonalDataInTemplate: a mobile in the template of every page is one finding, on the
// homepage, with the number of pages, not one per page.
func TestPersonalDataInTemplate(t *testing.T) {
	pages := goodSite()
	for p, body := range pages {
		if strings.HasSuffix(p, "/") || strings.HasSuffix(p, ".html") {
			pages[p] = strings.Replace(body, "</body>", "<p>网站维护：刘工 13612345678</p></body>", 1)
		}
	}
	f := newFarm(t)
	res := inspect(t, f.inspector(Config{}), f.serveSite(pages))
	got := findingsOf(res, indicator.TypePersonalData)
	if len(got) != 1 || got[0].Page != "http://"+siteHost+"/" ||
		got[0].Evidence != "页面疑似公开个人信息：手机号1个（示例：136****5678）（出现在10个页面）" {
		t.Errorf("want one finding on the homepage for 10 pages, got:%s", dump(res))
	}
}
