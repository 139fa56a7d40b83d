package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// registryKinds are the registry's lists, as their pages are named.
var registryKinds = map[string]string{"units": "单位", "websites": "网站", "accounts": "新媒体账号", "users": "用户"}

// registryList is a page of one registry list, with its search and paging.
type registryList struct {
	Kind, Noun string
	Query      models.ListQuery
	Total      int64
	Pages      int
	Units      []models.UnitRow
	Websites   []models.WebsiteRow
	Accounts   []models.AccountListRow
	Users      []models.UserRow
}

// PageURL is the list's address at page n, the search kept.
func (l registryList) PageURL(n int) string {
	v := url.Values{"page": {strconv.Itoa(n)}}
	if l.Query.Q != "" {
		v.Set("q", l.Query.Q)
	}
	return "/admin/registry/" + l.Kind + "?" + v.Encode()
}

// listPage: GET /admin/registry/:kind?q=&page=, one page of units, websites, accounts or users.
func (h *registryHandlers) listPage(c *gin.Context) {
	kind := c.Param("kind")
	noun, ok := registryKinds[kind]
	if !ok {
		h.fail(c, models.NotFound("页面不存在"))
		return
	}
	q, err := listQuery(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx, sc := c.Request.Context(), scopeOf(c)
	p := registryList{Kind: kind, Noun: noun, Query: q}
	switch kind {
	case "units":
		var l models.List[models.UnitRow]
		l, err = h.store.SearchUnits(ctx, sc, q)
		p.Units, p.Total, p.Pages = l.Items, l.Total, l.Pages()
	case "websites":
		var l models.List[models.WebsiteRow]
		l, err = h.store.SearchWebsites(ctx, sc, q)
		p.Websites, p.Total, p.Pages = l.Items, l.Total, l.Pages()
	case "accounts":
		var l models.List[models.AccountListRow]
		l, err = h.store.SearchAccounts(ctx, sc, q)
		p.Accounts, p.Total, p.Pages = l.Items, l.Total, l.Pages()
	case "users":
		var l models.List[models.UserRow]
		l, err = h.store.SearchUsers(ctx, sc, q)
		p.Users, p.Total, p.Pages = l.Items, l.Total, l.Pages()
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "registry", page{Title: noun + "目录", Active: "admin", Content: p})
}

// registryEdit is the form that adds or edits one record: what was typed (or stored), and the
// errors beside their fields.
type registryEdit struct {
	Kind, Noun string
	ID         int64 // 0: a new one
	Open       bool  // not closed (disabled, for a user)
	Form       map[string]string
	Errors     map[string]string
	Regions    []models.Region
}

// editPage: GET /admin/registry/:kind/:id ("new" for a new one).
func (h *registryHandlers) editPage(c *gin.Context) {
	kind, ok := c.Param("kind"), true
	p := registryEdit{Kind: kind, Form: map[string]string{}, Open: true}
	if p.Noun, ok = registryKinds[kind]; !ok {
		h.fail(c, models.NotFound("页面不存在"))
		return
	}
	if c.Param("id") != "new" {
		id, err := registryID(c, p.Noun)
		if err == nil {
			p.ID = id
			err = h.loadForm(c.Request.Context(), scopeOf(c), &p)
		}
		if err != nil {
			h.fail(c, err)
			return
		}
	}
	h.showEdit(c, http.StatusOK, p)
}

func (h *registryHandlers) showEdit(c *gin.Context, status int, p registryEdit) {
	regions, err := h.store.RegionsIn(c.Request.Context(), scopeOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	p.Regions = regions
	title := "添加" + p.Noun
	if p.ID != 0 {
		title = "编辑" + p.Noun
	}
	h.render(c, status, "registry_edit", page{Title: title, Active: "admin", Content: p})
}

// loadForm fills the form with the stored record.
func (h *registryHandlers) loadForm(ctx context.Context, sc models.Scope, p *registryEdit) error {
	f := p.Form
	switch p.Kind {
	case "units":
		u, err := h.store.UnitRow(ctx, sc, p.ID)
		if err != nil {
			return err
		}
		f["name"], f["code"], f["region_id"], f["kind"] = u.Name, deref(u.Code), strconv.FormatInt(u.RegionID, 10), u.Kind
		f["review_required"], p.Open = strconv.FormatBool(u.ReviewRequired), u.Status != models.UnitClosed
	case "websites":
		w, err := h.store.WebsiteRow(ctx, sc, p.ID)
		if err != nil {
			return err
		}
		f["name"], f["identifier_code"], f["kind"], f["unit"] = w.Name, w.IdentifierCode, w.Kind, w.UnitName
		f["bases"], p.Open = strings.Join(w.Bases, "\n"), w.Status != models.SiteClosed
		if w.SupervisorUnitID != nil {
			if u, err := h.store.UnitRow(ctx, models.Scope{All: true}, *w.SupervisorUnitID); err == nil {
				f["supervisor_unit"] = u.Name
			}
		}
	case "accounts":
		a, err := h.store.AccountListRow(ctx, sc, p.ID)
		if err != nil {
			return err
		}
		f["name"], f["platform"], f["account"], f["unit"] = a.Name, a.Platform, a.Account, a.UnitName
		f["opened_on"], f["changed_on"], f["suspended_on"], f["cancelled_on"] = deref(a.OpenedOn), deref(a.ChangedOn), deref(a.SuspendedOn), deref(a.CancelledOn)
		p.Open = a.Status == models.AccountActive
	case "users":
		u, err := h.store.UserRow(ctx, sc, p.ID)
		if err != nil {
			return err
		}
		f["username"], f["display_name"], f["role"], f["unit"], f["email"], f["phone"] = u.Username, u.DisplayName, u.Role, u.UnitName, u.Email, u.Phone
		if u.RegionID != nil && u.UnitID == nil {
			f["region_id"] = strconv.FormatInt(*u.RegionID, 10)
		}
		p.Open = !u.Disabled
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// formUnit reads a picker's unit (its name, as the picker fills it in) into an id.
func (h *registryHandlers) formUnit(c *gin.Context, field string) (*int64, error) {
	id, err := h.store.UnitIDByName(c.Request.Context(), scopeOf(c), field+"_id", c.PostForm(field))
	if err != nil || id == 0 {
		return nil, err
	}
	return &id, nil
}

func formID(c *gin.Context, name string) int64 {
	id, _ := strconv.ParseInt(c.PostForm(name), 10, 64)
	return id
}

// saveForm: POST /admin/registry/:kind/:id ("new" adds), through the same store methods as the
// API; a refused form is shown again with what was typed.
func (h *registryHandlers) saveForm(c *gin.Context) {
	kind := c.Param("kind")
	p := registryEdit{Kind: kind, Form: map[string]string{}, Open: true}
	var ok bool
	if p.Noun, ok = registryKinds[kind]; !ok {
		h.fail(c, models.NotFound("页面不存在"))
		return
	}
	if c.Param("id") != "new" {
		id, err := registryID(c, p.Noun)
		if err != nil {
			h.fail(c, err)
			return
		}
		p.ID = id
	}
	ctx, by := c.Request.Context(), actor(c, models.RegistryByForm)
	var err error
	switch kind {
	case "units":
		review := c.PostForm("review_required") == "true"
		_, err = h.store.SaveUnit(ctx, by, p.ID, models.UnitInput{Name: c.PostForm("name"), Code: c.PostForm("code"),
			RegionID: formID(c, "region_id"), Kind: c.PostForm("kind"), ReviewRequired: &review})
	case "websites":
		in := models.WebsiteInput{Name: c.PostForm("name"), IdentifierCode: c.PostForm("identifier_code"), Kind: c.PostForm("kind"),
			Bases: strings.Split(c.PostForm("bases"), "\n")}
		var unit *int64
		if unit, err = h.formUnit(c, "unit"); err == nil {
			if unit != nil {
				in.UnitID = *unit
			}
			if in.SupervisorUnitID, err = h.formUnit(c, "supervisor_unit"); err == nil {
				_, err = h.store.SaveWebsite(ctx, by, p.ID, in)
			}
		}
	case "accounts":
		in := models.AccountInput{Name: c.PostForm("name"), Platform: c.PostForm("platform"), Account: c.PostForm("account"),
			OpenedOn: c.PostForm("opened_on"), ChangedOn: c.PostForm("changed_on"), SuspendedOn: c.PostForm("suspended_on"), CancelledOn: c.PostForm("cancelled_on")}
		var unit *int64
		if unit, err = h.formUnit(c, "unit"); err == nil {
			if unit != nil {
				in.UnitID = *unit
			}
			_, err = h.store.SaveAccount(ctx, by, p.ID, in)
		}
	case "users":
		in := models.UserInput{DisplayName: c.PostForm("display_name"), Role: c.PostForm("role"), Email: c.PostForm("email"), Phone: c.PostForm("phone")}
		if region := formID(c, "region_id"); region > 0 {
			in.RegionID = &region
		}
		if in.UnitID, err = h.formUnit(c, "unit"); err == nil {
			switch {
			case p.ID == 0:
				_, err = h.store.CreateRegistryUser(ctx, by, strings.TrimSpace(c.PostForm("username")), c.PostForm("password"), in)
			case p.ID == currentUser(c).ID && in.Role != currentUser(c).Role:
				err = models.Invalid("role", "不能修改自己的角色")
			default:
				_, err = h.store.UpdateUser(ctx, by, p.ID, in)
			}
		}
	}
	if err != nil {
		if status(err) >= 500 {
			h.fail(c, err)
			return
		}
		for k, v := range c.Request.PostForm {
			if k != "password" && len(v) > 0 {
				p.Form[k] = v[0]
			}
		}
		key := field(err)
		if key == "" {
			key = "form"
		}
		p.Errors = map[string]string{strings.TrimSuffix(key, "_id"): message(err), key: message(err)}
		h.showEdit(c, status(err), p)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: p.Noun + "已保存"})
	c.Redirect(http.StatusSeeOther, "/admin/registry/"+kind+"?q="+url.QueryEscape(c.PostForm("name")))
}

// openForm: POST /admin/registry/:kind/:id/{close,reopen}: units and websites close and
// reopen, users are disabled and enabled.
func (h *registryHandlers) openForm(c *gin.Context) {
	kind := c.Param("kind")
	noun, ok := registryKinds[kind]
	id, err := registryID(c, noun)
	if !ok || kind == "accounts" || err != nil {
		h.fail(c, models.NotFound("页面不存在"))
		return
	}
	open, err := openAction(c)
	if err == nil {
		ctx, by := c.Request.Context(), actor(c, models.RegistryByForm)
		switch kind {
		case "units":
			err = h.store.SetUnitOpen(ctx, by, id, open)
		case "websites":
			err = h.store.SetWebsiteOpen(ctx, by, id, open)
		case "users":
			err = h.store.SetUserEnabled(ctx, by, id, open)
		}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: map[bool]string{true: noun + "已恢复", false: noun + "已关闭"}[open]})
	c.Redirect(http.StatusSeeOther, "/admin/registry/"+kind+"/"+strconv.FormatInt(id, 10))
}

// openAction reads the :action of a close or reopen request, on a page or the API: true
// reopens (or enables a user).
func openAction(c *gin.Context) (bool, error) {
	switch c.Param("action") {
	case "close":
		return false, nil
	case "reopen":
		return true, nil
	}
	return false, models.NotFound("未知的操作")
}

// Page, Prev and Next are what the pager partial shows.
func (l registryList) Page() int { return l.Query.Page }

func (l registryList) Prev() string {
	if l.Query.Page <= 1 {
		return ""
	}
	return l.PageURL(l.Query.Page - 1)
}

func (l registryList) Next() string {
	if l.Query.Page >= l.Pages {
		return ""
	}
	return l.PageURL(l.Query.Page + 1)
}

// saveWebhook: POST /admin/webhooks/:id, a webhook's address and owner edited (the unit by the
// picker's name).
func (h *registryHandlers) saveWebhook(c *gin.Context) {
	id, err := registryID(c, "推送地址")
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	var unit int64
	if name := c.PostForm("unit"); name != "" {
		if unit, err = h.store.UnitIDByName(ctx, scopeOf(c), "owner", name); err != nil {
			h.fail(c, err)
			return
		}
	}
	if err := h.store.UpdateWebhook(ctx, actor(c, models.RegistryByForm), id, unit, formID(c, "region_id"), c.PostForm("url")); err != nil {
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "推送地址已更新"})
	c.Redirect(http.StatusSeeOther, "/admin/webhooks")
}
