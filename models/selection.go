package models

import (
	"strings"

	"gorm.io/gorm"
)

// Selection is which tickets, within a person's scope, a number of the rates counts and the list
// behind that number shows: one definition for both, so that a number and its list cannot
// disagree (a 本级 line once listed the regions below it too).
type Selection struct {
	RegionPath string // a region and everything below it
	RegionOwn  bool   // with RegionPath: the region's own tickets only, not those below (a table's 本级 line)
	UnitID     int64
	Unassigned bool // tickets with no unit (in triage): a unit table's 待分办 line
	CategoryID int64
	Source     string // SourceCitizen or SourceInspection; "" for both
	WebsiteID  int64  // the tickets about one site (an annual work report); the rollups hold no sites
}

// CitizenMessages is the selection of every figure that speaks of citizens' messages (网民留言):
// a ticket the inspector opened is none, whatever else it shares with them.
var CitizenMessages = Selection{Source: SourceCitizen}

// where restricts a query on tickets (or rows with the same unit, region and category columns,
// under alias) to the selection. withSource is false for rows that carry no source.
func (s Selection) where(q *gorm.DB, alias string, withSource bool) *gorm.DB {
	switch {
	case s.RegionPath != "" && s.RegionOwn:
		q = q.Where(alias+".region_id IN (SELECT id FROM regions WHERE path = ?)", s.RegionPath)
	case s.RegionPath != "":
		q = q.Where(alias+".region_id IN (SELECT id FROM regions WHERE path LIKE ?)", s.RegionPath+"%")
	}
	if s.UnitID != 0 {
		q = q.Where(alias+".unit_id = ?", s.UnitID)
	}
	if s.Unassigned {
		q = q.Where("COALESCE(" + alias + ".unit_id, 0) = 0") // a rollup's line of no unit has 0
	}
	if s.CategoryID != 0 {
		q = q.Where(alias+".category_id = ?", s.CategoryID)
	}
	if s.WebsiteID != 0 {
		q = q.Where(alias+".website_id = ?", s.WebsiteID)
	}
	if s.Source != "" && withSource {
		q = q.Where(alias+".source = ?", s.Source)
	}
	return q
}

// regionHolds tells whether a ticket in the region at path is in the selection's region.
func (s Selection) regionHolds(path string) bool {
	switch {
	case s.RegionPath == "":
		return true
	case s.RegionOwn:
		return path == s.RegionPath
	}
	return strings.HasPrefix(path, s.RegionPath)
}
