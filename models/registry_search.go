package models

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ListQuery is what a registry list is asked: words to find (in names, codes, hosts,
// usernames) and which page. The zero value is the first page of everything.
type ListQuery struct {
	Q    string
	Page int // from 1
	Size int // 1..MaxPageSize; 0: DefaultPageSize
}

// Page sizes of the registry lists.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
	maxQueryRunes   = 64
	PickLimit       = 20 // matches a typeahead picker shows
)

// Normalize bounds the query: a page from 1, a size within limits, the words trimmed and cut.
func (q ListQuery) Normalize() ListQuery {
	q.Q = strings.TrimSpace(q.Q)
	if utf8.RuneCountInString(q.Q) > maxQueryRunes {
		q.Q = string([]rune(q.Q)[:maxQueryRunes])
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.Page > 100000 {
		q.Page = 100000
	}
	if q.Size <= 0 {
		q.Size = DefaultPageSize
	}
	q.Size = min(q.Size, MaxPageSize)
	return q
}

func (q ListQuery) offset() int { return (q.Page - 1) * q.Size }

// like is the pattern that finds q anywhere, its own % and _ taken literally ('!' escapes).
func like(q string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return "%" + r.Replace(q) + "%"
}

// List is one page of a registry list and how many match in all.
type List[T any] struct {
	Items []T   `json:"items"`
	Total int64 `json:"total"`
	Page  int   `json:"page"`
	Size  int   `json:"size"`
}

// Pages is how many pages the list has.
func (l List[T]) Pages() int { return int((l.Total + int64(l.Size) - 1) / int64(max(l.Size, 1))) }

func page[T any](q *gorm.DB, lq ListQuery, order string, what string) (List[T], error) {
	out := List[T]{Page: lq.Page, Size: lq.Size, Items: []T{}}
	if err := q.Count(&out.Total).Error; err != nil {
		return out, translate(err, what)
	}
	if int64(lq.offset()) >= out.Total {
		return out, nil
	}
	err := q.Order(order).Offset(lq.offset()).Limit(lq.Size).Scan(&out.Items).Error
	return out, translate(err, what)
}

// UnitRow is a unit as the registry lists show it.
type UnitRow struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	Code           *string `json:"code"`
	RegionID       int64   `json:"region_id"`
	RegionName     string  `json:"region_name"`
	Kind           string  `json:"kind"`
	Status         string  `json:"status"`
	ReviewRequired bool    `json:"review_required"`
}

// SearchUnits lists the units in scope whose name or code holds q, by name.
func (s *Store) SearchUnits(ctx context.Context, sc Scope, lq ListQuery) (List[UnitRow], error) {
	lq = lq.Normalize()
	q := s.db.WithContext(ctx).Table("units u").Joins("JOIN regions r ON r.id = u.region_id").
		Select("u.id, u.name, u.code, u.region_id, r.name AS region_name, u.kind, u.status, u.review_required")
	q = sc.units(q, "u")
	if lq.Q != "" {
		q = q.Where("(u.name LIKE ? ESCAPE '!' OR u.code LIKE ? ESCAPE '!')", like(lq.Q), like(lq.Q))
	}
	return page[UnitRow](q, lq, "u.name, u.id", "search units")
}

// UnitRow returns a unit in scope with its region's name.
func (s *Store) UnitRow(ctx context.Context, sc Scope, id int64) (*UnitRow, error) {
	var u UnitRow
	q := s.db.WithContext(ctx).Table("units u").Joins("JOIN regions r ON r.id = u.region_id").
		Select("u.id, u.name, u.code, u.region_id, r.name AS region_name, u.kind, u.status, u.review_required").Where("u.id = ?", id)
	if err := sc.units(q, "u").Take(&u).Error; err != nil {
		return nil, notFoundAs(translate(err, "unit"), "单位不存在")
	}
	return &u, nil
}

func notFoundAs(err error, message string) error {
	if ErrorKind(err) == KindNotFound {
		return NotFound(message)
	}
	return err
}

// WebsiteRow is a website as the registry lists show it, with its bases.
type WebsiteRow struct {
	ID               int64    `json:"id"`
	Name             string   `json:"name"`
	IdentifierCode   string   `json:"identifier_code"`
	Kind             string   `json:"kind"`
	Status           string   `json:"status"`
	HomeURL          string   `json:"home_url"`
	UnitID           int64    `json:"unit_id"`
	UnitName         string   `json:"unit_name"`
	SupervisorUnitID *int64   `json:"supervisor_unit_id"`
	RegionName       string   `json:"region_name"`
	Bases            []string `json:"bases" gorm:"-"`
}

func (s *Store) websiteRows(ctx context.Context, sc Scope) *gorm.DB {
	q := s.db.WithContext(ctx).Table("websites w").Joins("JOIN units u ON u.id = w.unit_id").Joins("JOIN regions r ON r.id = u.region_id").
		Select("w.id, w.name, w.identifier_code, w.kind, w.status, w.home_url, w.unit_id, u.name AS unit_name, w.supervisor_unit_id, r.name AS region_name")
	return sc.units(q, "u")
}

// SearchWebsites lists the websites in scope whose name, 标识码, unit or host holds q, by name.
func (s *Store) SearchWebsites(ctx context.Context, sc Scope, lq ListQuery) (List[WebsiteRow], error) {
	lq = lq.Normalize()
	q := s.websiteRows(ctx, sc)
	if lq.Q != "" {
		p := like(lq.Q)
		q = q.Where("(w.name LIKE ? ESCAPE '!' OR w.identifier_code LIKE ? ESCAPE '!' OR u.name LIKE ? ESCAPE '!'"+
			" OR w.id IN (SELECT website_id FROM website_bases WHERE host LIKE ? ESCAPE '!'))", p, p, p, p)
	}
	l, err := page[WebsiteRow](q, lq, "w.name, w.id", "search websites")
	if err != nil || len(l.Items) == 0 {
		return l, err
	}
	return l, s.fillBases(ctx, l.Items)
}

func (s *Store) fillBases(ctx context.Context, rows []WebsiteRow) error {
	ids := make([]int64, len(rows))
	byID := map[int64]*WebsiteRow{}
	for i := range rows {
		ids[i], byID[rows[i].ID] = rows[i].ID, &rows[i]
	}
	var bases []WebsiteBase
	if err := s.db.WithContext(ctx).Where("website_id IN ?", ids).Order("id").Find(&bases).Error; err != nil {
		return translate(err, "website bases")
	}
	for _, b := range bases {
		w := byID[b.WebsiteID]
		w.Bases = append(w.Bases, b.Host+b.PathPrefix)
	}
	return nil
}

// WebsiteRow returns a website in scope with its bases.
func (s *Store) WebsiteRow(ctx context.Context, sc Scope, id int64) (*WebsiteRow, error) {
	var rows []WebsiteRow
	if err := s.websiteRows(ctx, sc).Where("w.id = ?", id).Scan(&rows).Error; err != nil {
		return nil, translate(err, "website")
	}
	if len(rows) == 0 {
		return nil, NotFound("网站不存在")
	}
	return &rows[0], s.fillBases(ctx, rows)
}

// AccountListRow is a 政务新媒体 account as the registry lists show it.
type AccountListRow struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Platform    string  `json:"platform"`
	Account     string  `json:"account"`
	UnitID      int64   `json:"unit_id"`
	UnitName    string  `json:"unit_name"`
	Status      string  `json:"status"`
	OpenedOn    *string `json:"opened_on"`
	ChangedOn   *string `json:"changed_on"`
	SuspendedOn *string `json:"suspended_on"`
	CancelledOn *string `json:"cancelled_on"`
}

func (s *Store) accountRows(ctx context.Context, sc Scope) *gorm.DB {
	q := s.db.WithContext(ctx).Table("media_accounts a").Joins("JOIN units u ON u.id = a.unit_id").
		Select("a.id, a.name, a.platform, a.account, a.unit_id, u.name AS unit_name, a.status, a.opened_on, a.changed_on, a.suspended_on, a.cancelled_on")
	return sc.units(q, "u")
}

// SearchAccounts lists the accounts in scope whose name, account id, platform or unit holds q.
func (s *Store) SearchAccounts(ctx context.Context, sc Scope, lq ListQuery) (List[AccountListRow], error) {
	lq = lq.Normalize()
	q := s.accountRows(ctx, sc)
	if lq.Q != "" {
		p := like(lq.Q)
		q = q.Where("(a.name LIKE ? ESCAPE '!' OR a.account LIKE ? ESCAPE '!' OR a.platform LIKE ? ESCAPE '!' OR u.name LIKE ? ESCAPE '!')", p, p, p, p)
	}
	l, err := page[AccountListRow](q, lq, "a.name, a.id", "search accounts")
	for i := range l.Items {
		l.Items[i].trimDates()
	}
	return l, err
}

// AccountListRow returns an account in scope.
func (s *Store) AccountListRow(ctx context.Context, sc Scope, id int64) (*AccountListRow, error) {
	var rows []AccountListRow
	if err := s.accountRows(ctx, sc).Where("a.id = ?", id).Scan(&rows).Error; err != nil {
		return nil, translate(err, "account")
	}
	if len(rows) == 0 {
		return nil, NotFound("账号不存在")
	}
	rows[0].trimDates()
	return &rows[0], nil
}

// trimDates keeps the day of a DATE column, whichever way the driver hands it over.
func (a *AccountListRow) trimDates() {
	for _, p := range []*string{a.OpenedOn, a.ChangedOn, a.SuspendedOn, a.CancelledOn} {
		if p != nil && len(*p) > 10 {
			*p = (*p)[:10]
		}
	}
}

// UserRow is a user as the registry lists show it: never the password hash.
type UserRow struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	UnitID      *int64 `json:"unit_id"`
	UnitName    string `json:"unit_name"`
	RegionID    *int64 `json:"region_id"`
	RegionName  string `json:"region_name"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	Disabled    bool   `json:"disabled"`
}

func (s *Store) userRows(ctx context.Context, sc Scope) *gorm.DB {
	q := s.db.WithContext(ctx).Table("users us").Joins("LEFT JOIN units un ON un.id = us.unit_id").Joins("LEFT JOIN regions r ON r.id = us.region_id").
		Select("us.id, us.username, us.display_name, us.role, us.unit_id, COALESCE(un.name, '') AS unit_name, us.region_id, " +
			"COALESCE(r.name, '') AS region_name, us.email, us.phone, us.disabled")
	switch {
	case sc.All:
		return q
	case sc.RegionPath != "" && sc.UnitID == 0:
		return q.Where("us.role <> ?", RoleAdmin).Where("(us.unit_id IN (SELECT u.id FROM units u JOIN regions ur ON ur.id = u.region_id WHERE ur.path LIKE ?)"+
			" OR r.path LIKE ?)", sc.RegionPath+"%", sc.RegionPath+"%")
	}
	return q.Where("1 = 0")
}

// SearchUsers lists the users in scope whose username, name or unit holds q.
func (s *Store) SearchUsers(ctx context.Context, sc Scope, lq ListQuery) (List[UserRow], error) {
	lq = lq.Normalize()
	q := s.userRows(ctx, sc)
	if lq.Q != "" {
		p := like(lq.Q)
		q = q.Where("(us.username LIKE ? ESCAPE '!' OR us.display_name LIKE ? ESCAPE '!' OR un.name LIKE ? ESCAPE '!')", p, p, p)
	}
	return page[UserRow](q, lq, "us.username", "search users")
}

// UserRow returns a user in scope.
func (s *Store) UserRow(ctx context.Context, sc Scope, id int64) (*UserRow, error) {
	var rows []UserRow
	if err := s.userRows(ctx, sc).Where("us.id = ?", id).Scan(&rows).Error; err != nil {
		return nil, translate(err, "user")
	}
	if len(rows) == 0 {
		return nil, NotFound("用户不存在")
	}
	return &rows[0], nil
}

// Pick is one match of a typeahead picker.
type Pick struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
	Hint  string `json:"hint"` // the region, the unit: what tells two alike labels apart
}

// Picks returns up to PickLimit open units, running websites or enabled users in scope that
// match q, for the picker that stands for a long select.
func (s *Store) Picks(ctx context.Context, sc Scope, kind, q string) ([]Pick, error) {
	lq := ListQuery{Q: q, Size: PickLimit}.Normalize()
	p := like(lq.Q)
	var out []Pick
	var err error
	switch kind {
	case "unit":
		qq := sc.units(s.db.WithContext(ctx).Table("units u").Joins("JOIN regions r ON r.id = u.region_id").
			Select("u.id, u.name AS label, r.name AS hint").Where("u.status = ?", UnitActive), "u")
		if lq.Q != "" {
			qq = qq.Where("(u.name LIKE ? ESCAPE '!' OR u.code LIKE ? ESCAPE '!')", p, p)
		}
		err = qq.Order("u.name, u.id").Limit(PickLimit).Scan(&out).Error
	case "website":
		qq := s.websiteRows(ctx, sc).Select("w.id, w.name AS label, u.name AS hint").Where("w.status = ?", SiteRunning)
		if lq.Q != "" {
			qq = qq.Where("(w.name LIKE ? ESCAPE '!' OR w.identifier_code LIKE ? ESCAPE '!')", p, p)
		}
		err = qq.Order("w.name, w.id").Limit(PickLimit).Scan(&out).Error
	case "user":
		qq := s.userRows(ctx, sc).Select("us.id, us.display_name AS label, us.username AS hint").Where("us.disabled = ?", false)
		if lq.Q != "" {
			qq = qq.Where("(us.username LIKE ? ESCAPE '!' OR us.display_name LIKE ? ESCAPE '!')", p, p)
		}
		err = qq.Order("us.username").Limit(PickLimit).Scan(&out).Error
	default:
		return nil, Invalid("kind", "未知的选择类型")
	}
	if out == nil {
		out = []Pick{}
	}
	return out, translate(err, "picks")
}

// UnitIDByName finds the unit in scope a picker's text names: its exact name (unit names are
// unique), or "#id". Typed without the picker's script, the name alone still finds it.
func (s *Store) UnitIDByName(ctx context.Context, sc Scope, field, name string) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, nil
	}
	q := sc.units(s.db.WithContext(ctx).Table("units u"), "u")
	if raw, ok := strings.CutPrefix(name, "#"); ok {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return 0, Invalid(field, "单位编号应为数字")
		}
		q = q.Where("u.id = ?", id)
	} else {
		q = q.Where("u.name = ?", name)
	}
	var ids []int64
	if err := q.Limit(1).Pluck("u.id", &ids).Error; err != nil {
		return 0, translate(err, "unit by name")
	}
	if len(ids) == 0 {
		return 0, Invalid(field, "没有名为「"+name+"」的单位（请从列表中选择）")
	}
	return ids[0], nil
}
