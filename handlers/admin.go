package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// adminStore is what the administrator's pages need of the database.
type adminStore interface {
	// The registry's writes are the audited ones the registry's lists and API use
	// (models/store_registry_*.go): one rule and one trail whichever page a change comes from.
	CreateRegistryUser(ctx context.Context, by models.RegistryActor, username, password string, in models.UserInput) (*models.User, error)
	SetUserEnabled(ctx context.Context, by models.RegistryActor, id int64, enabled bool) error
	ResetUserPassword(ctx context.Context, by models.RegistryActor, id int64, password string) error
	SaveUnit(ctx context.Context, by models.RegistryActor, id int64, in models.UnitInput) (*models.Unit, error)
	SaveWebsite(ctx context.Context, by models.RegistryActor, id int64, in models.WebsiteInput) (*models.Website, error)
	SetWebsiteOpen(ctx context.Context, by models.RegistryActor, id int64, open bool) error
	RegionsIn(ctx context.Context, sc models.Scope) ([]models.Region, error)
	UnitIDByName(ctx context.Context, sc models.Scope, field, name string) (int64, error)
	CalendarYears(ctx context.Context) ([]models.CalendarYear, error)
	MissingNotices(ctx context.Context) ([]int, error)
	ImportHolidayNotice(ctx context.Context, data []byte) (year, days int, err error)
	SetCalendarDay(ctx context.Context, day models.Date, offDay bool, name string) error
	RecountDeadlines(ctx context.Context) (*models.Recounted, error)
	Settings(ctx context.Context) (models.Settings, error)
	SaveSettings(ctx context.Context, set models.Settings) error
	Webhooks(ctx context.Context) ([]models.WebhookView, error)
	AddWebhook(ctx context.Context, unitID, regionID int64, url string) error
	DeleteWebhook(ctx context.Context, id int64) error
	unitWarningsStore
}

type adminHandlers struct {
	*ui
	store  adminStore
	events models.Dispatcher // the recounted deadlines' reminders and notices
}

type adminPage struct {
	Section  string
	Regions  []models.Region // the scope's regions (a province has a few hundred, not thousands)
	Years    []models.CalendarYear
	Missing  []int // years deadlines depend on whose notice is not imported
	Settings models.Settings
	Webhooks []models.WebhookView
	Warnings unitWarningsView // home: units that cannot finish a ticket (unit_warnings.go)
	Errors   map[string]string
	Form     map[string]string
}

// show renders an admin section with what it lists.
func (h *adminHandlers) show(c *gin.Context, status int, section string, errs, form map[string]string) {
	ctx := c.Request.Context()
	p := adminPage{Section: section, Errors: errs, Form: form}
	var err error
	switch section {
	// Users and websites are listed by the paged, searchable lists (/admin/registry/:kind); these
	// sections only add, with units chosen by the typeahead picker, so no page loads them all.
	case "users", "registry":
		p.Regions, err = h.store.RegionsIn(ctx, scopeOf(c))
	case "webhooks":
		if p.Webhooks, err = h.store.Webhooks(ctx); err == nil {
			p.Regions, err = h.store.RegionsIn(ctx, scopeOf(c))
		}
	case "calendar":
		if p.Years, err = h.store.CalendarYears(ctx); err == nil {
			p.Missing, err = h.store.MissingNotices(ctx)
		}
	case "settings":
		p.Settings, err = h.store.Settings(ctx)
	default:
		if p.Missing, err = h.store.MissingNotices(ctx); err == nil {
			if p.Settings, err = h.store.Settings(ctx); err == nil {
				p.Warnings = unitWarningsView{Admin: true}
				p.Warnings.W, err = h.store.UnitWarnings(ctx, models.Scope{All: true})
			}
		}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, status, "admin", page{Title: "系统管理", Active: "admin", Content: p})
}

// NeedsNotice reports whether year's notice is missing and deadlines depend on it; a year listed
// only for a neighbouring notice's days or a day set by hand is not flagged.
func (p adminPage) NeedsNotice(year int) bool { return slices.Contains(p.Missing, year) }

func (h *adminHandlers) home(c *gin.Context)     { h.show(c, http.StatusOK, "home", nil, nil) }
func (h *adminHandlers) users(c *gin.Context)    { h.show(c, http.StatusOK, "users", nil, nil) }
func (h *adminHandlers) registry(c *gin.Context) { h.show(c, http.StatusOK, "registry", nil, nil) }
func (h *adminHandlers) calendar(c *gin.Context) { h.show(c, http.StatusOK, "calendar", nil, nil) }
func (h *adminHandlers) settings(c *gin.Context) { h.show(c, http.StatusOK, "settings", nil, nil) }

// done redirects back to a section with a message, or shows the section again with the error
// beside its field and what was typed.
func (h *adminHandlers) done(c *gin.Context, section string, err error, ok string) {
	if err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		errs, form := formFailure(c, err)
		h.show(c, status(err), section, errs, form)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: ok})
	c.Redirect(http.StatusSeeOther, "/admin/"+section)
}

// formFailure is what a refused form shows again: each error beside its field (or above the
// form when it names none), and what was typed, passwords left out.
func formFailure(c *gin.Context, err error) (errs, form map[string]string) {
	form = map[string]string{}
	for k, v := range c.Request.PostForm {
		if k != "password" && len(v) > 0 {
			form[k] = v[0]
		}
	}
	return fieldErrors(err), form
}

// formRegion reads the region a form chose: region_id, or the older forms' region code.
func (h *adminHandlers) formRegion(c *gin.Context) (int64, error) {
	if id, err := strconv.ParseInt(c.PostForm("region_id"), 10, 64); err == nil && id > 0 {
		return id, nil
	}
	code := strings.TrimSpace(c.PostForm("region"))
	if code == "" {
		return 0, nil
	}
	regions, err := h.store.RegionsIn(c.Request.Context(), scopeOf(c))
	if err != nil {
		return 0, err
	}
	for _, r := range regions {
		if r.Code == code {
			return r.ID, nil
		}
	}
	return 0, models.Invalid("region", "地区不存在或不在您的管理范围内")
}

// formUnit reads the unit picker (the unit's name) into an id; none chosen is 0.
func (h *adminHandlers) formUnit(c *gin.Context, field string) (int64, error) {
	return h.store.UnitIDByName(c.Request.Context(), scopeOf(c), field, strings.TrimSpace(c.PostForm(field)))
}

// registryDone is done for the registry's writes, whose errors name the input's fields
// (region_id, unit_id): the older forms show them beside region and unit.
func (h *adminHandlers) registryDone(c *gin.Context, section string, err error, ok string) {
	if e, isErr := err.(*models.Error); isErr && strings.HasSuffix(e.Field, "_id") {
		copied := *e
		copied.Field = strings.TrimSuffix(e.Field, "_id")
		err = &copied
	}
	h.done(c, section, err, ok)
}

func (h *adminHandlers) createUser(c *gin.Context) {
	username := strings.TrimSpace(c.PostForm("username"))
	in := models.UserInput{DisplayName: c.PostForm("display_name"), Role: c.PostForm("role"), Email: c.PostForm("email"), Phone: c.PostForm("phone")}
	var err error
	switch in.Role {
	case models.RoleUnitStaff, models.RoleUnitReviewer:
		var unit int64
		if unit, err = h.formUnit(c, "unit"); err == nil && unit > 0 {
			in.UnitID = &unit
		}
	default:
		var region int64
		if region, err = h.formRegion(c); err == nil && region > 0 {
			in.RegionID = &region
		}
	}
	if err == nil {
		_, err = h.store.CreateRegistryUser(c.Request.Context(), actor(c, models.RegistryByForm), username, c.PostForm("password"), in)
	}
	h.registryDone(c, "users", err, "已添加用户 "+username+"（首次登录须修改密码）")
}

// userAction: POST /admin/users/:id/{disable,enable,password}, the same audited writes as the
// users' list and the API.
func (h *adminHandlers) userAction(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(c, models.NotFound("用户不存在"))
		return
	}
	ctx, by := c.Request.Context(), actor(c, models.RegistryByForm)
	switch c.Param("action") {
	case "disable":
		h.done(c, "users", h.store.SetUserEnabled(ctx, by, id, false), "账号已停用，其登录已失效")
	case "enable":
		h.done(c, "users", h.store.SetUserEnabled(ctx, by, id, true), "账号已启用")
	case "password": // from the user's page in the users' list, and back to it
		err := h.store.ResetUserPassword(ctx, by, id, c.PostForm("password"))
		switch {
		case err != nil && (status(err) >= 500 || status(err) == http.StatusNotFound):
			h.fail(c, err)
			return
		case err != nil:
			h.setFlash(c, flash{Kind: "error", Message: "密码未重置：" + message(err)})
		default:
			h.setFlash(c, flash{Kind: "ok", Message: "密码已重置，其原有登录已失效，下次登录须修改密码"})
		}
		c.Redirect(http.StatusSeeOther, "/admin/registry/users/"+strconv.FormatInt(id, 10))
	default:
		h.fail(c, models.NotFound("未知的操作"))
	}
}

func (h *adminHandlers) createUnit(c *gin.Context) {
	in := models.UnitInput{Name: c.PostForm("name"), Code: c.PostForm("code"), Kind: c.PostForm("kind")}
	region, err := h.formRegion(c)
	if err == nil {
		in.RegionID = region
		_, err = h.store.SaveUnit(c.Request.Context(), actor(c, models.RegistryByForm), 0, in)
	}
	h.registryDone(c, "registry", err, "已添加单位 "+strings.TrimSpace(in.Name))
}

func (h *adminHandlers) createWebsite(c *gin.Context) {
	in := models.WebsiteInput{Name: c.PostForm("name"), IdentifierCode: c.PostForm("identifier_code"), Kind: c.PostForm("kind"),
		Bases: strings.Split(c.PostForm("bases"), "\n")}
	unit, err := h.formUnit(c, "unit")
	if err == nil {
		in.UnitID = unit
		_, err = h.store.SaveWebsite(c.Request.Context(), actor(c, models.RegistryByForm), 0, in)
	}
	h.registryDone(c, "registry", err, "已添加网站 "+strings.TrimSpace(in.Name))
}

// websiteStatus: POST /admin/websites/:id/status (running or closed), kept for bookmarks and
// scripts; it is the websites' list's close and reopen.
func (h *adminHandlers) websiteStatus(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(c, models.NotFound("网站不存在"))
		return
	}
	st := c.PostForm("status")
	if st != models.SiteRunning && st != models.SiteClosed {
		h.done(c, "registry", models.Invalid("status", "未知的网站状态"), "")
		return
	}
	h.done(c, "registry", h.store.SetWebsiteOpen(c.Request.Context(), actor(c, models.RegistryByForm), id, st == models.SiteRunning), "网站状态已更新")
}

const maxNoticeFile = 1 << 20

// importCalendar takes a year's notice as an uploaded holiday-cn JSON file.
func (h *adminHandlers) importCalendar(c *gin.Context) {
	fh, err := c.FormFile("file")
	if err != nil {
		h.done(c, "calendar", models.Invalid("file", "请选择日历文件（JSON）"), "")
		return
	}
	f, err := fh.Open()
	if err != nil {
		h.done(c, "calendar", models.Invalid("file", "文件无法读取"), "")
		return
	}
	defer f.Close()
	// A year's notice is a few kilobytes; reading one byte past the limit tells a larger file from
	// one that just fits, instead of cutting it and reporting broken JSON.
	data, err := io.ReadAll(io.LimitReader(f, maxNoticeFile+1))
	if err != nil {
		h.done(c, "calendar", models.Invalid("file", "文件无法读取"), "")
		return
	}
	if len(data) > maxNoticeFile {
		h.done(c, "calendar", models.Invalid("file", "文件超过 1 MB，不是一年的节假日安排"), "")
		return
	}
	year, days, err := h.store.ImportHolidayNotice(c.Request.Context(), data)
	if err != nil {
		h.done(c, "calendar", err, "")
		return
	}
	h.calendarChanged(c, "已导入 "+strconv.Itoa(year)+" 年节假日安排（"+strconv.Itoa(days)+" 天）")
}

// recount finishes the recount of the calendar's pending changes and dispatches its work.
func (h *adminHandlers) recount(ctx context.Context) (*models.Recounted, error) {
	r, err := h.store.RecountDeadlines(ctx)
	if r != nil && len(r.Events) > 0 {
		h.events.Dispatch(ctx, r.Events...)
	}
	return r, err
}

// calendarChanged recounts the deadlines a change of the calendar touched, and says how many
// moved. A recount cut short is finished by the reconciler: the change is done, so the page
// says it is, and that the rest follows.
func (h *adminHandlers) calendarChanged(c *gin.Context, done string) {
	r, err := h.recount(c.Request.Context())
	switch {
	case err != nil:
		done += "；答复期限正在后台重算，稍后刷新可见结果"
	case r.Moved == 0:
		done += "；没有答复期限因此变动"
	case r.Earlier > 0:
		done += "；已重算 " + strconv.Itoa(r.Moved) + " 个答复期限（其中 " + strconv.Itoa(r.Earlier) + " 个提前，已通知办理单位）"
	default:
		done += "；已重算 " + strconv.Itoa(r.Moved) + " 个答复期限"
	}
	h.done(c, "calendar", nil, done)
}

func (h *adminHandlers) setCalendarDay(c *gin.Context) {
	day, err := models.ParseDate(c.PostForm("day"))
	if err != nil {
		h.done(c, "calendar", models.Invalid("day", err.Error()), "")
		return
	}
	kind := c.PostForm("kind")
	if kind != "work" && kind != "off" {
		h.done(c, "calendar", models.Invalid("kind", "请选择上班或休息"), "")
		return
	}
	if err := h.store.SetCalendarDay(c.Request.Context(), day, kind == "off", strings.TrimSpace(c.PostForm("name"))); err != nil {
		h.done(c, "calendar", err, "")
		return
	}
	h.calendarChanged(c, day.String()+" 已设为"+map[string]string{"work": "工作日", "off": "休息日"}[kind])
}

func (h *adminHandlers) saveSettings(c *gin.Context) {
	ctx := c.Request.Context()
	set, err := h.store.Settings(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	// Every field is read and checked before any is refused, so the form comes back naming every
	// problem, with every edit kept (formFailure).
	ints := []struct {
		name string
		dst  *int
	}{{"forward_days", &set.ForwardDays}, {"reply_days", &set.ReplyDays}, {"extension_max_days", &set.ExtensionMaxDays},
		{"extension_max_requests", &set.ExtensionMaxRequests}, {"urges_before_supervise", &set.UrgesBeforeSupervise},
		{"reminder_hour", &set.ReminderHour}, {"ranking_min_due", &set.RankingMinDue}}
	var problems []error
	for _, f := range ints {
		n, err := strconv.Atoi(strings.TrimSpace(c.PostForm(f.name)))
		if err != nil {
			problems = append(problems, models.Invalid(f.name, "请填写整数"))
			continue
		}
		*f.dst = n
	}
	set.RoutingEnabled = c.PostForm("routing_enabled") == "1"
	if err := errors.Join(append(problems, set.Validate())...); err != nil {
		h.done(c, "settings", err, "")
		return
	}
	h.done(c, "settings", h.store.SaveSettings(ctx, set), "设置已保存")
}

func (h *adminHandlers) webhooks(c *gin.Context) { h.show(c, http.StatusOK, "webhooks", nil, nil) }

func (h *adminHandlers) addWebhook(c *gin.Context) {
	unit, _ := strconv.ParseInt(c.PostForm("unit_id"), 10, 64)
	if name := c.PostForm("unit"); name != "" { // the unit picker gives its name
		var err error
		if unit, err = h.store.UnitIDByName(c.Request.Context(), scopeOf(c), "owner", name); err != nil {
			h.done(c, "webhooks", err, "")
			return
		}
	}
	region, _ := strconv.ParseInt(c.PostForm("region_id"), 10, 64)
	h.done(c, "webhooks", h.store.AddWebhook(c.Request.Context(), unit, region, c.PostForm("url")), "已添加推送地址")
}

func (h *adminHandlers) deleteWebhook(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	h.done(c, "webhooks", h.store.DeleteWebhook(c.Request.Context(), id), "已删除推送地址")
}
