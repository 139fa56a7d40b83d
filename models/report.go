package models

import (
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of a citizen's report.
const (
	MinDescription = 10
	MaxDescription = 2000
	MaxScreenshot  = 5 << 20
)

// Report is what a citizen submits. Category is the category's name or its numeric id.
type Report struct {
	PageURL      string
	Category     string
	Description  string
	ContactPhone string
	ContactEmail string
	Screenshot   *Screenshot // nil when none was given
	ClientIP     string
	// Follow is the number of an open ticket about the same problem that the reporter follows
	// instead of describing it again (Store.FollowableReports); "" for a report of its own.
	Follow string
}

// Screenshot is an image already checked by its content (the handlers sniff and decode it).
type Screenshot struct {
	ContentType string
	Data        []byte
}

var (
	// mobilePhone: a mainland mobile number, optionally with +86.
	mobilePhone = regexp.MustCompile(`^(\+?86[- ]?)?1[3-9]\d{9}$`)
	// landline: area code and number, optionally an extension (010-12345678, 028-8888888-123).
	landline = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}(-\d{1,6})?$`)
)

// Validate checks the report's fields (all but the category, which the store resolves) and
// returns every problem, each naming its field: one error, or several joined (errors.Join) in the
// form's order, of which errors.As finds the first. It trims the fields it keeps.
func (r *Report) Validate() (PageURL, error) {
	for _, f := range []struct{ name, value string }{
		{"page_url", r.PageURL}, {"category", r.Category}, {"description", r.Description},
		{"contact_phone", r.ContactPhone}, {"contact_email", r.ContactEmail},
	} {
		if !utf8.ValidString(f.value) {
			return PageURL{}, Invalid(f.name, "内容含有无效的字符编码")
		}
	}
	var problems []error
	page, err := ParsePageURL(r.PageURL)
	if err != nil {
		problems = append(problems, err)
	} else {
		r.PageURL = page.Raw
	}
	r.Category = strings.TrimSpace(r.Category)
	if r.Category == "" {
		problems = append(problems, Invalid("category", "请选择问题类型"))
	}
	r.Description = strings.TrimSpace(r.Description)
	switch n := utf8.RuneCountInString(r.Description); {
	case n < MinDescription:
		problems = append(problems, Invalid("description", "问题描述至少 10 个字"))
	case n > MaxDescription:
		problems = append(problems, Invalid("description", "问题描述不超过 2000 个字"))
	case strings.ContainsRune(r.Description, 0):
		problems = append(problems, Invalid("description", "问题描述含有无效字符"))
	}
	r.ContactPhone = strings.TrimSpace(r.ContactPhone)
	if r.ContactPhone != "" && !mobilePhone.MatchString(r.ContactPhone) && !landline.MatchString(r.ContactPhone) {
		problems = append(problems, Invalid("contact_phone", "联系电话格式不正确（手机号或带区号的固定电话）"))
	}
	r.ContactEmail = strings.TrimSpace(r.ContactEmail)
	if r.ContactEmail != "" {
		if err := validEmail(r.ContactEmail); err != nil {
			problems = append(problems, err)
		}
	}
	if r.Screenshot != nil && len(r.Screenshot.Data) > MaxScreenshot {
		problems = append(problems, Invalid("screenshot", "截图不能超过 5 MB"))
	}
	switch len(problems) {
	case 0:
		return page, nil
	case 1:
		return PageURL{}, problems[0]
	}
	return PageURL{}, errors.Join(problems...)
}

// validEmail accepts a bare address with a dotted domain.
func validEmail(e string) error {
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || len(e) > 254 || !strings.Contains(e[strings.LastIndexByte(e, '@'):], ".") {
		return Invalid("contact_email", "电子邮箱格式不正确")
	}
	return nil
}
