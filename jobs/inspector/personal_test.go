package inspector

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

var personalNow = time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)

// madeUpID builds an 18-digit ID with a valid check character from a region, a birth date
// and a sequence number: the numbers of no real person are needed to test this.
// It skips the sequence numbers that make it read as a 统一社会信用代码 too (one in 31).
func madeUpID(region, birth string, seq int) string {
	for ; ; seq++ {
		if id := rawID(region, birth, seq); !creditCodeCheck(id) {
			return id
		}
	}
}

func rawID(region, birth string, seq int) string {
	first := fmt.Sprintf("%s%s%03d", region, birth, seq%1000)
	return first + string(idCheckChar(first))
}

// wrongCheck returns id with another check character.
func wrongCheck(id string) string {
	c := id[17]
	for _, d := range "0123456789X" {
		if byte(d) != c {
			return id[:17] + string(d)
		}
	}
	return id
}

// madeUpCard builds a Luhn-valid card number from a prefix and a length.
func madeUpCard(prefix string, n int, rng *rand.Rand) string {
	b := []byte(prefix)
	for len(b) < n-1 {
		b = append(b, byte('0'+rng.IntN(10)))
	}
	for d := byte('0'); d <= '9'; d++ {
		if luhn(string(append(b, d))) {
			return string(append(b, d))
		}
	}
	panic("unreachable")
}

func TestScanPersonal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	id := madeUpID("510104", "19900307", 123)
	idX := ""
	for seq := 0; idX == ""; seq++ {
		if s := madeUpID("440305", "19851120", seq); s[17] == 'X' {
			idX = s
		}
	}
	card := madeUpCard("622202", 19, rng)
	visa := madeUpCard("4367", 16, rng)
	cases := []struct {
		name string
		text string
		want map[string]int
	}{
		{"id", "张三，身份证号：" + id + "，住址略", map[string]int{kindID: 1}},
		{"id with X, lower case", "证件号码 " + strings.ToLower(idX), map[string]int{kindID: 1}},
		{"id counted once", id + "、" + id, map[string]int{kindID: 1}},
		{"wrong check digit", "身份证号：" + wrongCheck(id), nil},
		{"bad birth date", "身份证号：" + madeUpID("510104", "19901307", 1), nil},
		{"future birth date", "身份证号：" + madeUpID("510104", "20300101", 1), nil},
		{"no such region", "编码" + madeUpID("990104", "19900307", 1), nil},
		{"masked id", "身份证号：510104********1230、5101**********1230", nil},
		{"old id", "身份证 510104850307123", map[string]int{kindID: 1}},
		{"old business licence number", "注册号：510104850307123；510100000123456", nil},
		{"full-width digits", "身份证号：" + toFullWidth(id) + "，手机：１３９１２３４５６７８", map[string]int{kindID: 1, kindPhone: 1}},
		{"mobile", "联系人：李四 13912345678；王五 139-8765-4321；+8615812345678", map[string]int{kindPhone: 3}},
		{"masked mobile", "联系电话139****5678", nil},
		{"landline and hotline", "咨询电话：028-12345678，0816-2345678，(028)86123456，热线12345，12315", nil},
		{"longer number", "订单139123456789012", nil},
		{"bank card", "开户行：某银行，账号 " + card, map[string]int{kindCard: 1}},
		{"bank card in groups", "卡号：" + card[:4] + " " + card[4:8] + " " + card[8:12] + " " + card[12:16] + " " + card[16:], map[string]int{kindCard: 1}},
		{"visa only beside a card word", "信用卡号" + visa + "；编号" + visa[:15] + "1", map[string]int{kindCard: 1}},
		{"visa-like number without card word", "项目" + visa, nil},
		{"masked card", "6222 **** **** 1234；6222***********1234", nil},
		{"credit code", "统一社会信用代码：91510100MA61R2XX3K，11510000" + "0088888" + "88X；" + "12510000" + "MB1234567T", nil},
		{"credit code with digits only", "统一社会信用代码：" + id, nil},
		{"document number", "川府发〔2023〕12号、川办函〔2024〕156号", nil},
		{"long order number", "订单号：" + card + "；流水号" + madeUpCard("62", 16, rng) + "；2023031512345678901234", nil},
		{"url digits", "http://www.example.gov.cn/art/2023/" + id + ".html", nil},
		{"emails of people in a list", "姓名\t邮箱\n张伟\tzw1990@example.com\n李娜\tlina@example.com\n", map[string]int{kindEmail: 2}},
		{"office e-mail", "办公室邮箱：bgs@example.gov.cn；信访邮箱：xf@example.gov.cn", nil},
		{"one person's e-mail", "联系人张伟 zw1990@example.com", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := scanPersonal(c.text, personalNow)
			var got map[string]int
			if s != nil {
				got = s.Counts
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("scanPersonal(%q) = %v, want %v", c.text, got, c.want)
			}
			if s != nil {
				assertMasked(t, c.text, s.summary()+strings.Join(s.Samples, " "))
			}
		})
	}
}

// assertMasked fails when out holds any run of 7 or more digits of text, or an e-mail address
// of it in clear.
func assertMasked(t *testing.T, text, out string) {
	t.Helper()
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r < '0' || r > '9' }) {
		if len(f) >= 7 && strings.Contains(out, f) {
			t.Errorf("%q is in clear in %q", f, out)
		}
	}
	for _, f := range strings.Fields(text) {
		if strings.Contains(f, "@") && strings.Contains(out, f) {
			t.Errorf("%q is in clear in %q", f, out)
		}
	}
}

// creditCodeLikeID is an all-digit 统一社会信用代码 whose check character also makes it a valid
// ID (of 天津, born 1985): the look-alike the GB 32100 check tells apart.
func creditCodeLikeID() string {
	for seq := 0; seq < 1000; seq++ {
		id := rawID("125101", "19850312", seq)
		if creditCodeCheck(id) {
			return id
		}
	}
	panic("none")
}

// registrationLikeOldID is a 15-digit 注册号 with its MOD 11,10 check digit that also reads as an
// old ID (region 510104, born 1965-03-12).
func registrationLikeOldID() string {
	for d := 0; d < 1000; d++ {
		n := fmt.Sprintf("510104650312%03d", d)
		if registrationCheck(n) {
			return n
		}
	}
	panic("none")
}

func TestCodeLookAlikes(t *testing.T) {
	for _, text := range []string{
		"机关名单：某某局 " + creditCodeLikeID(),
		"企业名单：某某有限公司 " + registrationLikeOldID(),
	} {
		if s := scanPersonal(text, personalNow); s != nil {
			t.Errorf("%q: %v, want nothing", text, s.Counts)
		}
	}
}

func TestMaskedSamples(t *testing.T) {
	id := madeUpID("510104", "19900307", 123)
	s := scanPersonal("身份证号"+id+" 手机13912345678", personalNow)
	want := []string{"5101**********" + id[14:], "139****5678"}
	if fmt.Sprint(s.Samples) != fmt.Sprint(want) || s.summary() != "身份证号1个、手机号1个" {
		t.Errorf("samples %v, summary %q", s.Samples, s.summary())
	}
}

func toFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == 'X' || r == '@' {
			return r - '0' + '０'
		}
		return r
	}, s)
}

// A sentence quoted as a typo's or a wording's evidence carries no personal data in clear.
func TestEvidenceIsMasked(t *testing.T) {
	w := compileWords(DefaultRules())
	const text = "申请人张三身份证号510104199001011234手机13912345678邮箱zhangsan@example.com按照部暑要求办理，北朝鲜籍人员除外。"
	var quoted []string
	for _, h := range w.findTypos(text) {
		quoted = append(quoted, h.Snippet)
	}
	for _, h := range w.findWording(text) {
		quoted = append(quoted, h.Sentence)
	}
	if len(quoted) < 2 {
		t.Fatalf("want a typo and a wording quoted, got %q", quoted)
	}
	for _, q := range quoted {
		for _, clear := range []string{"510104199001011234", "13912345678", "zhangsan"} {
			if strings.Contains(q, clear) {
				t.Errorf("evidence %q holds %s in clear", q, clear)
			}
		}
	}
}
