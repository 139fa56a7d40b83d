package models_test

import (
	"strings"
	"testing"

	"zhaocuo/models"
)

func validReport() models.Report {
	return models.Report{
		PageURL:     "https://www.sc.gov.cn/10462/c111/2025/3/20/abc.shtml",
		Category:    "链接不可用",
		Description: "页面中“政策解读”链接点击后显示404错误。",
	}
}

func TestReportValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *models.Report)
		field  string // "" means valid
	}{
		{"valid", func(r *models.Report) {}, ""},
		{"valid with mobile and e-mail", func(r *models.Report) { r.ContactPhone = "13800138000"; r.ContactEmail = "a.b@example.cn" }, ""},
		{"valid landline with extension", func(r *models.Report) { r.ContactPhone = "028-86601234-12" }, ""},
		{"valid +86 mobile", func(r *models.Report) { r.ContactPhone = "+8613800138000" }, ""},
		{"exactly 10 characters", func(r *models.Report) { r.Description = "一二三四五六七八九十" }, ""},
		{"exactly 2000 characters", func(r *models.Report) { r.Description = strings.Repeat("错", 2000) }, ""},
		{"missing URL", func(r *models.Report) { r.PageURL = "" }, "page_url"},
		{"javascript URL", func(r *models.Report) { r.PageURL = "javascript:alert(1)" }, "page_url"},
		{"no category", func(r *models.Report) { r.Category = " " }, "category"},
		{"9 characters", func(r *models.Report) { r.Description = "一二三四五六七八九" }, "description"},
		{"2001 characters", func(r *models.Report) { r.Description = strings.Repeat("错", 2001) }, "description"},
		{"padding does not count", func(r *models.Report) { r.Description = "   短   " + strings.Repeat(" ", 20) }, "description"},
		{"invalid UTF-8", func(r *models.Report) { r.Description = "这是一段无效的\xff\xfe文字内容" }, "description"},
		{"NUL byte", func(r *models.Report) { r.Description = "这是一段带有\x00的文字内容" }, "description"},
		{"bad mobile", func(r *models.Report) { r.ContactPhone = "12345" }, "contact_phone"},
		{"mobile too long", func(r *models.Report) { r.ContactPhone = "138001380001" }, "contact_phone"},
		{"bad e-mail", func(r *models.Report) { r.ContactEmail = "not-an-address" }, "contact_email"},
		{"e-mail with a name", func(r *models.Report) { r.ContactEmail = "张三 <a@b.cn>" }, "contact_email"},
		{"e-mail without a dot in the domain", func(r *models.Report) { r.ContactEmail = "a@localhost" }, "contact_email"},
		{"screenshot too big", func(r *models.Report) {
			r.Screenshot = &models.Screenshot{ContentType: "image/png", Data: make([]byte, models.MaxScreenshot+1)}
		}, "screenshot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validReport()
			tt.change(&r)
			_, err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if models.ErrorKind(err) != models.KindInvalid || models.ErrorField(err) != tt.field {
				t.Fatalf("want invalid %s, got %v", tt.field, err)
			}
			if msg := models.ErrorMessage(err); msg == "" || !containsHan(msg) {
				t.Fatalf("message %q is not Chinese", msg)
			}
		})
	}
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
