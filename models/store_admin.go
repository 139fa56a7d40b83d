package models

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Regions lists every region in tree order.
func (s *Store) Regions(ctx context.Context) ([]Region, error) {
	var rs []Region
	err := s.db.WithContext(ctx).Order("path").Find(&rs).Error
	return rs, translate(err, "regions")
}

// WebsiteView is a website with its unit and base URLs, for the registry pages.
type WebsiteView struct {
	Website
	UnitName   string
	RegionName string
	Bases      []string `gorm:"-"`
}

// Websites lists every registered website with its bases.
func (s *Store) Websites(ctx context.Context) ([]WebsiteView, error) {
	var ws []WebsiteView
	err := s.db.WithContext(ctx).Table("websites w").Select("w.*, u.name AS unit_name, r.name AS region_name").
		Joins("JOIN units u ON u.id = w.unit_id").Joins("JOIN regions r ON r.id = u.region_id").
		Order("r.path, w.kind DESC, w.name").Scan(&ws).Error
	if err != nil {
		return nil, translate(err, "websites")
	}
	var bases []WebsiteBase
	if err := s.db.WithContext(ctx).Order("id").Find(&bases).Error; err != nil {
		return nil, translate(err, "website bases")
	}
	byID := map[int64]*WebsiteView{}
	for i := range ws {
		byID[ws[i].ID] = &ws[i]
	}
	for _, b := range bases {
		if w := byID[b.WebsiteID]; w != nil {
			w.Bases = append(w.Bases, b.Host+b.PathPrefix)
		}
	}
	return ws, nil
}

// SetWebsiteStatus marks a website running or closed; a closed site routes no more reports.
func (s *Store) SetWebsiteStatus(ctx context.Context, id int64, status string) error {
	if status != SiteRunning && status != SiteClosed {
		return Invalid("status", "未知的网站状态")
	}
	res := s.db.WithContext(ctx).Model(&Website{}).Where("id = ?", id).Updates(map[string]any{"status": status, "updated_at": s.now()})
	if res.Error == nil && res.RowsAffected == 0 {
		return NotFound("网站不存在")
	}
	s.invalidateCache()
	return translate(res.Error, "set website status")
}

// CalendarYear is a year of the calendar as the administrator sees it.
type CalendarYear struct {
	Year       int
	Imported   bool
	ImportedAt *time.Time
	Days       []CalendarDay
}

// CalendarYears returns the years with a notice or exceptions, and next year even when missing,
// so that a missing notice shows.
func (s *Store) CalendarYears(ctx context.Context) ([]CalendarYear, error) {
	var years []struct {
		Year       int
		ImportedAt time.Time
	}
	if err := s.db.WithContext(ctx).Table("calendar_years").Order("year").Scan(&years).Error; err != nil {
		return nil, translate(err, "calendar years")
	}
	var rows []calendarRow
	if err := s.db.WithContext(ctx).Order("day").Find(&rows).Error; err != nil {
		return nil, translate(err, "calendar days")
	}
	byYear := map[int]*CalendarYear{}
	var out []*CalendarYear
	get := func(y int) *CalendarYear {
		if c := byYear[y]; c != nil {
			return c
		}
		c := &CalendarYear{Year: y}
		byYear[y] = c
		out = append(out, c)
		return c
	}
	for _, y := range years {
		c := get(y.Year)
		at := y.ImportedAt
		c.Imported, c.ImportedAt = true, &at
	}
	for _, r := range rows {
		d := dateOfValue(r.Day)
		get(d.Year).Days = append(get(d.Year).Days, CalendarDay{Day: d, OffDay: r.OffDay, Name: r.Name, Source: r.Source, NoticeYear: r.NoticeYear})
	}
	get(DateOf(s.clock.Now()).Year + 1)
	result := make([]CalendarYear, 0, len(out))
	for _, c := range out {
		result = append(result, *c)
	}
	slices.SortFunc(result, func(a, b CalendarYear) int { return a.Year - b.Year })
	return result, nil
}

// UnitSpecFrom checks a unit typed into the registry page.
func UnitSpecFrom(name, regionCode, kind string) (UnitSpec, error) {
	name = strings.TrimSpace(name)
	if err := checkUnitName(name); err != nil {
		return UnitSpec{}, err
	}
	switch kind {
	case UnitGovernmentOffice, UnitDepartment, UnitTown:
	default:
		return UnitSpec{}, Invalid("kind", "请选择单位类型")
	}
	return UnitSpec{Name: name, RegionCode: regionCode, Kind: kind}, nil
}
