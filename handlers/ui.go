package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
	"zhaocuo/static"
	"zhaocuo/templates"
)

// ui renders pages and errors, and carries flash messages across a redirect.
type ui struct {
	tmpl   *templates.Engine
	assets *static.Assets
	log    *slog.Logger
	secret []byte
	tls    *tlsDetector
	// settings are what the citizens' pages promise (the reply time in the footer).
	settings func(ctx context.Context) (models.Settings, error)
}

func newUI(d Deps) *ui {
	return &ui{tmpl: d.Templates, assets: d.Assets, log: d.Logger, secret: d.Secret, tls: newTLSDetector(d.TrustedProxies),
		settings: d.Store.Settings}
}

// TemplateFuncs are the functions every page may use. The asset function needs the loaded
// assets, so the composition root builds the engine with TemplateFuncs(assets).
func TemplateFuncs(assets *static.Assets) template.FuncMap {
	return template.FuncMap{
		"asset":              assets.URL,
		"statusLabel":        models.StatusLabel,
		"eventLabel":         models.EventLabel,
		"ratingLabel":        models.RatingLabel,
		"roleLabel":          roleLabel,
		"piiLabel":           models.PersonalDataLabel,
		"findingStatusLabel": models.FindingStatusLabel,
		"accountEventLabel":  models.AccountEventLabel,
		"rectifyLabel":       models.RectifyStatusLabel,
		"appealLabel":        models.AppealStatusLabel,
		"citizenStatus":      models.CitizenStatusOf,
		"citizenEvent":       models.CitizenEventLabel,
		"unhappyReasons":     func() []string { return models.UnhappyReasons },
		"linkify":            linkify,
		"date": func(v any) string {
			switch t := v.(type) {
			case time.Time:
				return t.In(models.Shanghai).Format("2006-01-02")
			case *time.Time:
				if t != nil {
					return t.In(models.Shanghai).Format("2006-01-02")
				}
			}
			return ""
		},
		// dateInput makes a date field a text field that asks for 年-月-日: a type=date field is
		// drawn in the browser's own language ("mm/dd/yyyy" in an English one, even on a zh-CN
		// page), and the server reads the same YYYY-MM-DD from either.
		"dateInput": func() template.HTMLAttr {
			return `type="text" class="date" autocomplete="off" maxlength="10" pattern="\d{4}-\d{2}-\d{2}" placeholder="年-月-日" title="年-月-日，如 2026-01-31"`
		},
		"add":         func(a, b int) int { return a + b },
		"ticketsLink": ticketsLink,
		"groupName":   func(g string) string { return groupNames[g] },
		// queryURL is path with base's query and the pairs kv set over it: a whole link, given to
		// the template as a URL so that its "=" and "&" stay as they are (each value is escaped).
		"queryURL": func(path string, base url.Values, kv ...string) template.URL {
			return template.URL(path + "?" + mergeQuery(base, kv...))
		},
		"list":  func(v ...string) []string { return v },
		"split": strings.Split,
		// setting shows an integer setting by its stored name.
		"setting": func(s models.Settings, name string) int {
			return map[string]int{"forward_days": s.ForwardDays, "reply_days": s.ReplyDays, "extension_max_days": s.ExtensionMaxDays,
				"extension_max_requests": s.ExtensionMaxRequests, "urges_before_supervise": s.UrgesBeforeSupervise, "reminder_hour": s.ReminderHour,
				"ranking_min_due": s.RankingMinDue}[name]
		},
		"datetime": func(v any) string {
			switch t := v.(type) {
			case time.Time:
				return t.In(models.Shanghai).Format("2006-01-02 15:04")
			case *time.Time:
				if t != nil {
					return t.In(models.Shanghai).Format("2006-01-02 15:04")
				}
			}
			return ""
		},
		// imageData lets a captcha's data: URL into an img src; anything else is dropped.
		"imageData": func(s string) template.URL {
			if strings.HasPrefix(s, "data:image/png;base64,") {
				return template.URL(s)
			}
			return ""
		},
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
	}
}

// page is what every template gets: common parts, and the page's own data in Content.
type page struct {
	Title   string
	Active  string // which navigation entry is current
	Flash   *flash
	Session *session // the signed-in person, on staff pages
	User    *models.User
	// ReplyDays is the reply time the citizens' pages promise: the setting the deadlines are
	// counted with, so the promise and the deadlines cannot disagree. 0 when it cannot be read.
	ReplyDays int
	Content   any
}

// render writes a page with the status, or a plain 500 when the page cannot be rendered.
func (u *ui) render(c *gin.Context, status int, name string, p page) {
	if p.Flash == nil {
		p.Flash = u.takeFlash(c)
	}
	if p.Session == nil {
		if v, ok := c.Get(sessionKey); ok {
			p.Session = v.(*session)
		}
	}
	if p.User == nil {
		p.User = currentUser(c)
	}
	if p.Session == nil {
		if set, err := u.settings(c.Request.Context()); err == nil {
			p.ReplyDays = set.ReplyDays
		} else {
			u.log.Warn("settings for the page", "request_id", c.GetString(requestIDKey), "error", err)
		}
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Status(status)
	if err := u.tmpl.Render(c.Writer, name, p); err != nil {
		u.log.Error("render", "page", name, "request_id", c.GetString(requestIDKey), "error", err)
		c.String(http.StatusInternalServerError, "页面生成失败，请稍后再试")
	}
}

// httpError is a failure decided by the web side itself (body too large, wrong content type,
// too many requests), with the status and message to answer with.
type httpError struct {
	Status  int
	Field   string
	Message string
}

func (e *httpError) Error() string { return e.Message }

var (
	errBodyTooLarge   = &httpError{Status: http.StatusRequestEntityTooLarge, Message: "提交的内容过大（截图不超过 5 MB）"}
	errMediaType      = &httpError{Status: http.StatusUnsupportedMediaType, Message: "请求的 Content-Type 应为 application/json 或 multipart/form-data"}
	errNotUTF8        = &httpError{Status: http.StatusBadRequest, Message: "请求内容不是有效的 UTF-8 编码"}
	errMalformedJSON  = &httpError{Status: http.StatusBadRequest, Message: "请求内容不是有效的 JSON"}
	errMalformedForm  = &httpError{Status: http.StatusBadRequest, Message: "表单内容无法解析"}
	errCaptchaInvalid = &httpError{Status: http.StatusBadRequest, Field: "captcha_answer", Message: "验证码错误或已失效，请重新输入"}
)

func statusLabel(s string) string { return models.StatusLabel(s) }

var roleLabels = map[string]string{
	models.RoleAdmin: "平台管理员", models.RoleSupervisor: "主管单位", models.RoleUnitStaff: "经办人", models.RoleUnitReviewer: "审核人",
}

func roleLabel(r string) string { return roleLabels[r] }

// status maps an error to the HTTP status it answers with; only 5xx are logged as errors.
func status(err error) int {
	var he *httpError
	var mb *http.MaxBytesError
	var rl *rateLimited
	switch {
	case errors.As(err, &he):
		return he.Status
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, &rl):
		return http.StatusTooManyRequests
	}
	switch models.ErrorKind(err) {
	case models.KindInvalid:
		return http.StatusBadRequest
	case models.KindNotFound:
		return http.StatusNotFound
	case models.KindConflict:
		return http.StatusConflict
	case models.KindForbidden:
		return http.StatusForbidden
	case models.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// message is what people are told about err.
func message(err error) string {
	var he *httpError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.Message
	case errors.As(err, &mb):
		return errBodyTooLarge.Message
	}
	return models.ErrorMessage(err)
}

func field(err error) string {
	var he *httpError
	if errors.As(err, &he) {
		return he.Field
	}
	return models.ErrorField(err)
}

// fieldErrors turns an error into the form's messages by field ("form" when it names none); an
// error that joins several (a form checked whole, also joins of joins) gives each field its
// first message.
func fieldErrors(err error) map[string]string {
	var errs []error
	var flatten func(error)
	flatten = func(e error) {
		if joined, ok := e.(interface{ Unwrap() []error }); ok {
			for _, inner := range joined.Unwrap() {
				flatten(inner)
			}
			return
		}
		errs = append(errs, e)
	}
	flatten(err)
	out := map[string]string{}
	for _, e := range errs {
		key := field(e)
		if key == "" {
			key = "form"
		}
		if _, ok := out[key]; !ok {
			out[key] = message(e)
		}
	}
	return out
}

// fail answers with err: JSON {"error": ...} under /api/, an error page elsewhere.
func (u *ui) fail(c *gin.Context, err error) {
	var rl *rateLimited
	if errors.As(err, &rl) {
		c.Header("Retry-After", strconv.Itoa(rl.seconds()))
		err = rl.asHTTP()
	}
	if c.Request.Context().Err() != nil {
		// The client went away and its work was cancelled (the database drivers say so in
		// words of their own): no one reads an answer. 499, as nginx logs it.
		u.log.Info("client went away", "request_id", c.GetString(requestIDKey), "path", c.Request.URL.Path, "error", err)
		c.AbortWithStatus(statusClientGone)
		return
	}
	code := status(err)
	if code >= 500 {
		u.log.Error("request failed", "request_id", c.GetString(requestIDKey), "path", c.Request.URL.Path, "error", err)
	}
	if code == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	if isAPI(c) {
		body := gin.H{"error": message(err)}
		if f := field(err); f != "" {
			body["field"] = f
		}
		c.AbortWithStatusJSON(code, body)
		return
	}
	title := map[int]string{400: "提交的内容有误", 403: "没有权限", 404: "页面不存在", 409: "操作无法完成",
		413: "提交的内容过大", 429: "操作过于频繁", 503: "服务暂时不可用"}[code]
	if title == "" {
		title = "出错了"
	}
	u.render(c, code, "error", page{Title: title, Content: newErrorPage(c, message(err))})
	c.Abort()
}

// statusClientGone is nginx's code for a request whose client closed the connection first.
const statusClientGone = 499

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

func (u *ui) notFound(c *gin.Context) {
	u.fail(c, models.NotFound("您访问的页面不存在"))
}

func (u *ui) methodNotAllowed(c *gin.Context) {
	u.fail(c, &httpError{Status: http.StatusMethodNotAllowed, Message: "不支持该请求方式"})
}

// crossOrigin answers a form posted from another site.
func (u *ui) crossOrigin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	w.Write([]byte("拒绝来自其他网站的表单提交（跨站请求）"))
}

// asset serves an embedded file. A request with the current hash may be cached for a year.
func (u *ui) asset(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("name"), "/")
	a, ok := u.assets.Get(name)
	if !ok {
		u.notFound(c) // a person who typed the address reads why, in Chinese
		return
	}
	if c.Param("hash") == a.Hash {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	c.Data(http.StatusOK, a.ContentType, a.Data)
}

// flash is a one-time message (and its small payload) carried to the page after a redirect, in a
// signed cookie.
type flash struct {
	Kind    string            `json:"k"` // ok, error, info
	Message string            `json:"m"`
	Data    map[string]string `json:"d,omitempty"`
}

const flashCookie = "zc_flash"

func (u *ui) setFlash(c *gin.Context, f flash) {
	body, _ := json.Marshal(f)
	v := base64.RawURLEncoding.EncodeToString(body)
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(flashCookie, v+"."+u.sign("flash", v), 300, "/", "", u.tls.isHTTPS(c), true)
}

// takeFlash returns the flash of this request, if any, and clears it.
func (u *ui) takeFlash(c *gin.Context) *flash {
	if v, ok := c.Get(flashCookie); ok {
		return v.(*flash)
	}
	raw, err := c.Cookie(flashCookie)
	if err != nil || raw == "" {
		return nil
	}
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(flashCookie, "", -1, "/", "", u.tls.isHTTPS(c), true)
	v, sig, ok := strings.Cut(raw, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(u.sign("flash", v))) {
		return nil
	}
	body, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	var f flash
	if json.Unmarshal(body, &f) != nil {
		return nil
	}
	c.Set(flashCookie, &f)
	return &f
}

// sign is the signature of a cookie's value v for its purpose, so that a value signed for one
// cookie is never accepted as another's.
func (u *ui) sign(purpose, v string) string {
	m := hmac.New(sha256.New, u.secret)
	m.Write([]byte(purpose + ":" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
