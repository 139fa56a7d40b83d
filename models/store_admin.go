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

// The registry's websites are listed by SearchWebsites (paged) and closed or reopened by
// SetWebsiteOpen (audited): no page loads every site, no write goes around the trail.

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
