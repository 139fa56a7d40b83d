package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// registryStore is what the registry's pages and JSON API need of the database: the same
// methods for both, so a form and a province's sync obey one rule.
type registryStore interface {
	RegionsIn(ctx context.Context, sc models.Scope) ([]models.Region, error)
	CreateRegion(ctx context.Context, by models.RegistryActor, in models.RegionInput) (*models.Region, error)
	SearchUnits(ctx context.Context, sc models.Scope, q models.ListQuery) (models.List[models.UnitRow], error)
	UnitRow(ctx context.Context, sc models.Scope, id int64) (*models.UnitRow, error)
	SaveUnit(ctx context.Context, by models.RegistryActor, id int64, in models.UnitInput) (*models.Unit, error)
	SetUnitOpen(ctx context.Context, by models.RegistryActor, id int64, open bool) error
	SearchWebsites(ctx context.Context, sc models.Scope, q models.ListQuery) (models.List[models.WebsiteRow], error)
	WebsiteRow(ctx context.Context, sc models.Scope, id int64) (*models.WebsiteRow, error)
	SaveWebsite(ctx context.Context, by models.RegistryActor, id int64, in models.WebsiteInput) (*models.Website, error)
	SetWebsiteOpen(ctx context.Context, by models.RegistryActor, id int64, open bool) error
	SearchAccounts(ctx context.Context, sc models.Scope, q models.ListQuery) (models.List[models.AccountListRow], error)
	AccountListRow(ctx context.Context, sc models.Scope, id int64) (*models.AccountListRow, error)
	SaveAccount(ctx context.Context, by models.RegistryActor, id int64, in models.AccountInput) (*models.MediaAccount, error)
	SearchUsers(ctx context.Context, sc models.Scope, q models.ListQuery) (models.List[models.UserRow], error)
	UserRow(ctx context.Context, sc models.Scope, id int64) (*models.UserRow, error)
	CreateRegistryUser(ctx context.Context, by models.RegistryActor, username, password string, in models.UserInput) (*models.User, error)
	UpdateUser(ctx context.Context, by models.RegistryActor, id int64, in models.UserInput) (*models.User, error)
	SetUserEnabled(ctx context.Context, by models.RegistryActor, id int64, enabled bool) error
	Picks(ctx context.Context, sc models.Scope, kind, q string) ([]models.Pick, error)
	UnitIDByName(ctx context.Context, sc models.Scope, field, name string) (int64, error)
	UpdateWebhook(ctx context.Context, by models.RegistryActor, id, unitID, regionID int64, url string) error
}

type registryHandlers struct {
	*ui
	store registryStore
}

// actor is the signed-in person as the registry's writes check and record them.
func actor(c *gin.Context, source string) models.RegistryActor {
	return models.RegistryActor{Scope: scopeOf(c), UserID: currentUser(c).ID, Source: source}
}

// listQuery reads ?q=&page=&size=; a page or size that is not a positive number is refused.
func listQuery(c *gin.Context) (models.ListQuery, error) {
	q := models.ListQuery{Q: c.Query("q")}
	for name, p := range map[string]*int{"page": &q.Page, "size": &q.Size} {
		raw := c.Query(name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return q, models.Invalid(name, "参数 "+name+" 应为正整数")
		}
		*p = n
	}
	return q.Normalize(), nil
}

// registryID reads :id; anything but a positive number is a thing that does not exist.
func registryID(c *gin.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.NotFound(what + "不存在")
	}
	return id, nil
}

// list answers a list endpoint with the page the store returns.
func list[T any](h *registryHandlers, c *gin.Context, search func(context.Context, models.Scope, models.ListQuery) (models.List[T], error)) {
	q, err := listQuery(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	l, err := search(c.Request.Context(), scopeOf(c), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, l)
}

// get answers a get endpoint.
func get[T any](h *registryHandlers, c *gin.Context, what string, read func(context.Context, models.Scope, int64) (*T, error)) {
	id, err := registryID(c, what)
	if err == nil {
		var row *T
		if row, err = read(c.Request.Context(), scopeOf(c), id); err == nil {
			c.JSON(http.StatusOK, row)
			return
		}
	}
	h.fail(c, err)
}

// save decodes the body strictly, writes it (id 0: create) and answers with the record as read
// back, 201 for a new one.
func save[In any, T any](h *registryHandlers, c *gin.Context, what string, create bool,
	write func(context.Context, models.RegistryActor, int64, In) (int64, error), read func(context.Context, models.Scope, int64) (*T, error)) {
	var id int64
	var err error
	if !create {
		if id, err = registryID(c, what); err != nil {
			h.fail(c, err)
			return
		}
		if _, err = read(c.Request.Context(), scopeOf(c), id); err != nil {
			h.fail(c, err)
			return
		}
	}
	var in In
	if err := decodeJSON(c, &in); err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	saved, err := write(ctx, actor(c, models.RegistryByAPI), id, in)
	if err != nil {
		h.fail(c, err)
		return
	}
	row, err := read(ctx, scopeOf(c), saved)
	if err != nil {
		h.fail(c, err)
		return
	}
	code := http.StatusOK
	if create {
		code = http.StatusCreated
	}
	c.JSON(code, row)
}

func (h *registryHandlers) apiRegions(c *gin.Context) {
	rs, err := h.store.RegionsIn(c.Request.Context(), scopeOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]gin.H, len(rs))
	for i, r := range rs {
		out[i] = gin.H{"id": r.ID, "code": r.Code, "name": r.Name, "short_name": r.ShortName, "parent_id": r.ParentID, "level": r.Level}
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

func (h *registryHandlers) apiCreateRegion(c *gin.Context) {
	var in models.RegionInput
	if err := decodeJSON(c, &in); err != nil {
		h.fail(c, err)
		return
	}
	r, err := h.store.CreateRegion(c.Request.Context(), actor(c, models.RegistryByAPI), in)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": r.ID, "code": r.Code, "name": r.Name, "short_name": r.ShortName, "parent_id": r.ParentID, "level": r.Level})
}

func (h *registryHandlers) apiUnits(c *gin.Context)    { list(h, c, h.store.SearchUnits) }
func (h *registryHandlers) apiUnit(c *gin.Context)     { get(h, c, "单位", h.store.UnitRow) }
func (h *registryHandlers) apiSites(c *gin.Context)    { list(h, c, h.store.SearchWebsites) }
func (h *registryHandlers) apiSite(c *gin.Context)     { get(h, c, "网站", h.store.WebsiteRow) }
func (h *registryHandlers) apiAccounts(c *gin.Context) { list(h, c, h.store.SearchAccounts) }
func (h *registryHandlers) apiAccount(c *gin.Context)  { get(h, c, "账号", h.store.AccountListRow) }
func (h *registryHandlers) apiUsers(c *gin.Context)    { list(h, c, h.store.SearchUsers) }
func (h *registryHandlers) apiUser(c *gin.Context)     { get(h, c, "用户", h.store.UserRow) }

func (h *registryHandlers) saveUnit(ctx context.Context, by models.RegistryActor, id int64, in models.UnitInput) (int64, error) {
	u, err := h.store.SaveUnit(ctx, by, id, in)
	if err != nil {
		return 0, err
	}
	return u.ID, nil
}

func (h *registryHandlers) saveSite(ctx context.Context, by models.RegistryActor, id int64, in models.WebsiteInput) (int64, error) {
	w, err := h.store.SaveWebsite(ctx, by, id, in)
	if err != nil {
		return 0, err
	}
	return w.ID, nil
}

func (h *registryHandlers) saveAccount(ctx context.Context, by models.RegistryActor, id int64, in models.AccountInput) (int64, error) {
	a, err := h.store.SaveAccount(ctx, by, id, in)
	if err != nil {
		return 0, err
	}
	return a.ID, nil
}

func (h *registryHandlers) apiCreateUnit(c *gin.Context) {
	save(h, c, "单位", true, h.saveUnit, h.store.UnitRow)
}
func (h *registryHandlers) apiUpdateUnit(c *gin.Context) {
	save(h, c, "单位", false, h.saveUnit, h.store.UnitRow)
}
func (h *registryHandlers) apiCreateSite(c *gin.Context) {
	save(h, c, "网站", true, h.saveSite, h.store.WebsiteRow)
}
func (h *registryHandlers) apiUpdateSite(c *gin.Context) {
	save(h, c, "网站", false, h.saveSite, h.store.WebsiteRow)
}
func (h *registryHandlers) apiCreateAccount(c *gin.Context) {
	save(h, c, "账号", true, h.saveAccount, h.store.AccountListRow)
}
func (h *registryHandlers) apiUpdateAccount(c *gin.Context) {
	save(h, c, "账号", false, h.saveAccount, h.store.AccountListRow)
}

// newUserJSON is a new user: the editable fields, a username and an initial password the
// person must change at first sign-in.
type newUserJSON struct {
	Username string `json:"username"`
	Password string `json:"password"`
	models.UserInput
}

func (h *registryHandlers) apiCreateUser(c *gin.Context) {
	var in newUserJSON
	if err := decodeJSON(c, &in); err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	u, err := h.store.CreateRegistryUser(ctx, actor(c, models.RegistryByAPI), in.Username, in.Password, in.UserInput)
	if err != nil {
		h.fail(c, err)
		return
	}
	row, err := h.store.UserRow(ctx, scopeOf(c), u.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, row)
}

func (h *registryHandlers) apiUpdateUser(c *gin.Context) {
	save(h, c, "用户", false, func(ctx context.Context, by models.RegistryActor, id int64, in models.UserInput) (int64, error) {
		if id == currentUser(c).ID && in.Role != currentUser(c).Role {
			return 0, models.Invalid("role", "不能修改自己的角色")
		}
		u, err := h.store.UpdateUser(ctx, by, id, in)
		if err != nil {
			return 0, err
		}
		return u.ID, nil
	}, h.store.UserRow)
}

// apiSetOpen: POST /api/v1/admin/{units,websites,users}/:id/{close,reopen}.
func (h *registryHandlers) apiSetOpen(what string, set func(context.Context, models.RegistryActor, int64, bool) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := registryID(c, what)
		if err != nil {
			h.fail(c, err)
			return
		}
		open, err := openAction(c)
		if err != nil {
			h.fail(c, err)
			return
		}
		if err := set(c.Request.Context(), actor(c, models.RegistryByAPI), id, open); err != nil {
			h.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"id": id, "open": open})
	}
}

// picks: GET /staff/picks/:kind?q=, at most models.PickLimit units, sites or users in the
// caller's scope, for the typeahead that stands for a long select.
func (h *registryHandlers) picks(c *gin.Context) {
	picks, err := h.store.Picks(c.Request.Context(), scopeOf(c), c.Param("kind"), c.Query("q"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": picks})
}
