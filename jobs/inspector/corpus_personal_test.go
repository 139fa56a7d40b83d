package inspector

import (
	"fmt"
	"math/rand/v2"

	"zhaocuo/models/indicator"
)

// corpusPersonalSites are the corpus's sites for personal data (个人信息泄露): lists that expose
// ID, mobile and bank card numbers or people's e-mail addresses on pages and in attachments, and
// the long numbers of government text that only look like them. Every ID is made up here with
// a valid check digit; none is a person's.
func corpusPersonalSites() []*cSite {
	rng := rand.New(rand.NewPCG(31, 35))
	phone := func() string { return fmt.Sprintf("1%d%d%08d", 3+rng.IntN(7), rng.IntN(10), rng.IntN(1e8)) }
	id := func(seq int) string {
		return madeUpID(fmt.Sprintf("51%04d", 100+rng.IntN(900)), fmt.Sprintf("19%02d%02d%02d", 40+rng.IntN(60), 1+rng.IntN(12), 1+rng.IntN(28)), seq)
	}
	row := func(cells ...string) string {
		h := "<tr>"
		for _, c := range cells {
			h += "<td>" + c + "</td>"
		}
		return h + "</tr>"
	}
	var sites []*cSite
	site := func(n int, name string, plant func(s *cSite)) {
		s := newCSite(n, name, false)
		plant(s)
		sites = append(sites, s)
	}
	site(31, "示范市民政局", func(s *cSite) {
		// A 低保 list with whole ID and mobile numbers; another list masked as it should be.
		s.extra("/notice/n1.html", "<table>"+row("姓名", "身份证号", "联系电话")+row("张伟", id(1), phone())+
			row("李娜", id(2), phone())+row("王强", id(3), phone())+"</table>")
		s.extra("/notice/n2.html", "<table>"+row("姓名", "身份证号", "联系电话")+row("刘敏", "5101**********1230", "139****5678")+
			row("陈杰", "510104********123X", "158****0001")+"</table>")
		s.faults = []label{{indicator.TypePersonalData, "/notice/n1.html"}}
		s.traps = []trap{{indicator.TypePersonalData, "/notice/n2.html", "a 低保 list whose ID and mobile numbers are masked"}}
	})
	site(32, "示范市市场监督管理局", func(s *cSite) {
		// Long numbers that are codes: credit codes (one all digits, its check holding as an
		// ID's too), 注册号, 文号, order and case numbers, landlines and hotlines.
		s.extra("/notice/n1.html", "<table>"+row("企业名称", "统一社会信用代码", "注册号")+
			row("示范市某某有限公司", "91510100MA61R2XX3K", "510100000123456")+
			row("示范市某某事业单位", creditCodeLikeID(), registrationLikeOldID())+"</table>"+
			"<p>依据川市监发〔2024〕15号文件，案件编号202403151234567890，订单号6228480402564890018。</p>"+
			"<p>投诉举报电话：12315，028-86123456，0816-2345678，400-800-1234。</p>")
		s.traps = []trap{{indicator.TypePersonalData, "/notice/n1.html", "credit codes, 注册号, 文号, case and order numbers, landlines"}}
	})
	site(33, "示范县人力资源和社会保障局", func(s *cSite) {
		// 招录 公示: a spreadsheet of names, mobile numbers and e-mail addresses; a DOCX of the
		// same list masked; an office address on the page.
		rows := [][]string{{"姓名", "报考岗位", "手机号码", "电子邮箱"}}
		for i, name := range []string{"赵磊", "孙丽", "周杰", "吴芳"} {
			rows = append(rows, []string{name, "综合管理", phone(), fmt.Sprintf("applicant%d@example.com", i+1)})
		}
		s.pages["/files/lq.xlsx"] = string(makeXLSX(rows))
		s.pages["/files/ms.docx"] = string(makeDOCX("面试名单", [][]string{{"赵磊", "139****5678", "z***@example.com"}, {"孙丽", "158****1234", "s***@example.com"}}))
		s.extra("/notice/n1.html", `<p>拟录用人员名单见附件：<a href="/files/lq.xlsx">拟录用人员名单.xlsx</a> <a href="/files/ms.docx">面试名单.docx</a></p>`+
			"<p>监督电话：028-12345678，邮箱：rsj@example.gov.cn</p>")
		s.faults = []label{{indicator.TypePersonalData, "/files/lq.xlsx"}}
		s.traps = []trap{
			{indicator.TypePersonalData, "/files/ms.docx", "the interview list masked"},
			{indicator.TypePersonalData, "/notice/n1.html", "an office's telephone and e-mail address"},
		}
	})
	site(34, "示范市财政局", func(s *cSite) {
		// 补贴发放: a PDF with bank card numbers; the page gives the bureau's own account and the
		// bank's hotline.
		rng2 := rand.New(rand.NewPCG(34, 1))
		s.pages["/files/bt.pdf"] = string(makePDF(true, "Annex 1", "Zhao Lei "+madeUpCard("622202", 19, rng2)+" 1200.00",
			"Sun Li "+madeUpCard("621700", 19, rng2)+" 800.00"))
		s.extra("/policy/p1.html", `<p>发放明细：<a href="/files/bt.pdf">补贴发放明细.pdf</a></p>`+
			"<p>收款单位：示范市财政局，对公账户：51001234567890123456，开户行客服电话95588。</p>")
		s.faults = []label{{indicator.TypePersonalData, "/files/bt.pdf"}}
		s.traps = []trap{{indicator.TypePersonalData, "/policy/p1.html", "a bureau's own account number and a bank's hotline"}}
	})
	site(35, "示范市公安局", func(s *cSite) {
		// A 挂失 notice whose number fails its check digit, URLs with long numbers, and a
		// contact mobile of a person in a notice.
		bad := id(7)
		bad = bad[:17] + string("0123456789X"[(indexOf("0123456789X", bad[17])+1)%11])
		inURL := "/news/" + id(8) + ".html"
		s.pages[inURL] = s.page("详情", "", "<p>详情见公告。</p>")
		s.extra("/notice/n1.html", "<p>证件号码"+bad+"的居民身份证已声明作废。</p>"+
			`<p><a href="`+inURL+`">详情</a></p>`)
		s.extra("/notice/n2.html", "<p>联系人：王警官，手机"+phone()+"。</p>")
		s.faults = []label{{indicator.TypePersonalData, "/notice/n2.html"}}
		s.traps = []trap{{indicator.TypePersonalData, "/notice/n1.html", "a number failing its check digit, and one in a URL"}}
	})
	return sites
}

func indexOf(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
