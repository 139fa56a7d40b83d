package models_test

import (
	"strings"
	"testing"

	"zhaocuo/models"
)

func TestMaskPersonalData(t *testing.T) {
	tests := []struct {
		name, in, want string
		kinds          []string
	}{
		{"mobile", "请拨打13800138000联系", "请拨打138****8000联系", []string{"phone"}},
		{"mobile with spaces", "电话 138 0013 8000。", "电话 138 **** 8000。", []string{"phone"}},
		{"mobile with +86", "+8613800138000", "+86138****8000", []string{"phone"}},
		{"landline", "咨询电话028-86601234", "咨询电话028-****1234", []string{"phone"}},
		{"ID card with valid check digit", "身份证11010519491231002X已核实", "身份证110105********002X已核实", []string{"id_card"}},
		{"ID card with a wrong check digit: masked, not called an ID card", "编号110105194912310021", "编号110105********0021", []string{"id_like"}},
		{"18 digits without a birth date are no ID", "单号110105004912310021", "单号110105004912310021", nil},
		{"e-mail", "请发至zhang.san@example.com.cn。", "请发至z***@example.com.cn。", []string{"email"}},
		{"several", "电话13800138000，邮箱a@b.cn", "电话138****8000，邮箱a***@b.cn", []string{"phone", "email"}},
		{"a longer number is not a phone", "文号20250325138001380001", "文号20250325138001380001", nil},
		{"nothing personal", "网站首页的链接已修复。", "网站首页的链接已修复。", nil},
		{"full-width mobile", "电话１３８００１３８０００", "电话１３８****８０００", []string{"phone"}},
		{"full-width, grouped by ideographic spaces", "电话１３８　００１３　８０００。", "电话１３８　****　８０００。", []string{"phone"}},
		{"mobile with dashes", "电话138-0013-8000", "电话138-****-8000", []string{"phone"}},
		{"mobile with dots", "电话138.0013.8000", "电话138.****.8000", []string{"phone"}},
		{"mobile with spaced dashes", "电话138 - 0013 - 8000", "电话138 - **** - 8000", []string{"phone"}},
		{"mobile with 0086", "0086 138 0013 8000", "0086 138 **** 8000", []string{"phone"}},
		{"mobile with (+86) and a full-width dash", "（+86）138－0013－8000", "（+86）138－****－8000", []string{"phone"}},
		{"mobile after a number and a space", "第2页 13800138000", "第2页 138****8000", []string{"phone"}},
		{"an IP address is no phone", "服务器 139.196.10.12 无法访问", "服务器 139.196.10.12 无法访问", nil},
		{"landline with a dash inside", "电话0755-8660-1234", "电话0755-****-1234", []string{"phone"}},
		{"landline in brackets", "电话(028)86601234", "电话(028)****1234", []string{"phone"}},
		{"landline in full-width brackets", "电话（０２８）８６６０１２３４", "电话（０２８）****１２３４", []string{"phone"}},
		{"ID card in groups of four", "身份证5101 0419 9001 0112 30", "身份证5101 04** **** **12 30", []string{"id_card"}},
		{"ID card in groups, valid", "身份证1101 0519 4912 3100 2X", "身份证1101 05** **** **00 2X", []string{"id_card"}},
		{"ID card 6-8-4 with dashes", "身份证110105-19491231-002X", "身份证110105-********-002X", []string{"id_card"}},
		{"full-width ID card", "身份证１１０１０５１９４９１２３１００２Ｘ", "身份证１１０１０５********００２Ｘ", []string{"id_card"}},
		{"full-width e-mail", "邮箱ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "邮箱ｚ***＠ｅｘａｍｐｌｅ．ｃｏｍ", []string{"email"}},
		{"an ID card after a digit and a space", "第2 110105 19491231 002X号", "第2 110105 ******** 002X号", []string{"id_card"}},
		{"a phone number as an e-mail's name", "邮箱13800138000@qq.com", "邮箱1***@qq.com", []string{"email"}},
		{"invalid UTF-8 around a number", "\xff13800138000\xfe", "\xff138****8000\xfe", []string{"phone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.MaskPersonalData(tt.in); got != tt.want {
				t.Errorf("masked %q, want %q", got, tt.want)
			}
			var kinds []string
			for _, f := range models.FindPersonalData(tt.in) {
				kinds = append(kinds, f.Kind)
			}
			if strings.Join(kinds, ",") != strings.Join(tt.kinds, ",") {
				t.Errorf("found %v, want %v", kinds, tt.kinds)
			}
		})
	}
}

func FuzzMaskPersonalData(f *testing.F) {
	for _, s := range []string{"13800138000", "11010519491231002X", "a@b.cn", "028-86601234", "电话138 0013 8000",
		"１３８００１３８０００", "5101 0419 9001 0112 30", "（０２８）８６６０１２３４", "ｚｈａｎｇ＠ｑｑ．ｃｏｍ", "+86 138-0013-8000",
		"110105194912310021", "139.196.10.12", "1\u3000３８ ００１３－８０００"} {
		f.Add(s)
	}
	// Where each piece of personal data stood, the masked text shows its masked form, and not the
	// data itself. The same characters may still stand elsewhere by coincidence: "0000 1000000
	// 1000000" masks its number to "000* ***0000", which the next seven digits follow.
	f.Fuzz(func(t *testing.T, s string) {
		masked := models.MaskPersonalData(s)
		shift := 0 // how much longer the masked text is, up to the current piece
		end := 0   // where the previous piece ended: pieces come in order and never overlap
		for _, p := range models.FindPersonalData(s) {
			if p.Start < end || p.End <= p.Start || p.End > len(s) || s[p.Start:p.End] != p.Text {
				t.Fatalf("%q: piece %+v out of place (previous ended at %d)", s, p, end)
			}
			end = p.End
			at := p.Start + shift
			if at+len(p.Masked) > len(masked) || masked[at:at+len(p.Masked)] != p.Masked {
				t.Fatalf("%q: %q does not stand masked as %q in %q", s, p.Text, p.Masked, masked)
			}
			if p.Masked == p.Text {
				t.Fatalf("%q: %q was left as it was", s, p.Text)
			}
			shift += len(p.Masked) - len(p.Text)
		}
	})
}

// A phone or ID card number set off by spaces is masked whatever stands around it: no earlier
// candidate that fails its check may swallow it ("2 110105 19491231 002X" once showed 14 digits).
func FuzzMaskedInAnyContext(f *testing.F) {
	for _, s := range []string{"", "2", "1 3", "5101 04", "a@b.", "+86", "(028)", "１３８", "11010519491231002"} {
		f.Add(s, s)
	}
	numbers := map[string]string{"13800138000": "138****8000", "11010519491231002X": "110105********002X",
		"１３８００１３８０００": "１３８****８０００", "138 0013 8000": "138 **** 8000", "1101 0519 4912 3100 2X": "1101 05** **** **00 2X"}
	f.Fuzz(func(t *testing.T, before, after string) {
		for n, want := range numbers {
			if got := models.MaskPersonalData(before + " " + n + " " + after); !strings.Contains(got, " "+want+" ") {
				t.Fatalf("%q between %q and %q: %q", n, before, after, got)
			}
		}
	})
}
