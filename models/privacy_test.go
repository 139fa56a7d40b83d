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
		{"ID card with a wrong check digit is left", "编号110105194912310021", "编号110105194912310021", nil},
		{"e-mail", "请发至zhang.san@example.com.cn。", "请发至z***@example.com.cn。", []string{"email"}},
		{"several", "电话13800138000，邮箱a@b.cn", "电话138****8000，邮箱a***@b.cn", []string{"phone", "email"}},
		{"a longer number is not a phone", "文号20250325138001380001", "文号20250325138001380001", nil},
		{"nothing personal", "网站首页的链接已修复。", "网站首页的链接已修复。", nil},
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
	for _, s := range []string{"13800138000", "11010519491231002X", "a@b.cn", "028-86601234", "电话138 0013 8000"} {
		f.Add(s)
	}
	// Where each piece of personal data stood, the masked text shows its masked form, and not the
	// data itself. The same characters may still stand elsewhere by coincidence: "0000 1000000
	// 1000000" masks its number to "000* ***0000", which the next seven digits follow.
	f.Fuzz(func(t *testing.T, s string) {
		masked := models.MaskPersonalData(s)
		shift := 0 // how much longer the masked text is, up to the current piece
		for _, p := range models.FindPersonalData(s) {
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
