package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Units that cannot finish a ticket: one with no staff cannot sign for or answer anything given
// to it, and one that reviews its replies but has no reviewer leaves every reply waiting in
// 待审核. The admin's and the supervisors' desks warn of both (in their scope), and list the
// replies already waiting at a unit with no reviewer, which a supervisor of the region may
// approve (ActApprove, mayApproveFor).

// UnitWarning is an active unit that cannot finish a ticket on its own.
type UnitWarning struct {
	ID             int64
	Name           string
	RegionName     string
	ReviewRequired bool
	Staff          int // enabled unit_staff users
	Reviewers      int // enabled unit_reviewer users
}

// NoStaff: nobody can sign for or answer its tickets.
func (w UnitWarning) NoStaff() bool { return w.Staff == 0 }

// NoReviewer: its replies wait for a review nobody can give (a unit that does not review needs
// no reviewer).
func (w UnitWarning) NoReviewer() bool { return w.ReviewRequired && w.Reviewers == 0 }

// StuckReply is a reply waiting in 待审核 at a unit with no enabled reviewer.
type StuckReply struct {
	TicketNo string
	UnitID   int64
	UnitName string
	Deadline *time.Time
	Since    time.Time // when the ticket last changed: the reply's submission, as a rule
}

// UnitWarnings is what a desk warns of.
type UnitWarnings struct {
	NoStaff, NoReviewer int           // active units in scope without staff, without a needed reviewer
	Units               []UnitWarning // the first of them, by region and name (up to WarningsListed)
	StuckCount          int           // replies waiting for review at units with no reviewer
	Stuck               []StuckReply  // the oldest of them (up to WarningsListed)
}

// Any reports whether there is anything to warn of.
func (w *UnitWarnings) Any() bool { return w.NoStaff+w.NoReviewer+w.StuckCount > 0 }

// More reports whether more units are warned of than listed.
func (w *UnitWarnings) More() bool { return w.NoStaff+w.NoReviewer > len(w.Units) }

// WarningsListed is how many units and replies a desk lists; the counts are whole.
const WarningsListed = 50

// unitsWithPeople is the units in the scope (under alias u) with their enabled staff and
// reviewers counted, as a derived table to select from (alias x, with region_id). The counts
// are subqueries on users' unit index, a few rows per unit: aggregating every user and joining
// that to the units read the whole users table for any scope.
func unitsWithPeople(db *gorm.DB, sc Scope, where string, args ...any) *gorm.DB {
	people := func(role string) string {
		return "(SELECT COUNT(*) FROM users p WHERE p.unit_id = u.id AND p.role = '" + role + "' AND p.disabled = ?)"
	}
	q := db.Table("units u").Select("u.id, u.name, u.region_id, u.review_required, u.status, "+
		people(RoleUnitStaff)+" AS staff, "+people(RoleUnitReviewer)+" AS reviewers", false, false).Where(where, args...)
	return db.Table("(?) x", sc.units(q, "u")).Joins("JOIN regions r ON r.id = x.region_id")
}

// lackingPeople is the condition on unitsWithPeople of a unit that cannot finish a ticket.
const lackingPeople = "x.staff = 0 OR (x.review_required = ? AND x.reviewers = 0)"

// UnitWarnings returns the active units in the scope that lack staff or a needed reviewer, and
// the replies waiting for review at units with no enabled reviewer (closed units' tickets too:
// a reply left waiting when its unit closed is still waiting).
func (s *Store) UnitWarnings(ctx context.Context, sc Scope) (*UnitWarnings, error) {
	db := s.db.WithContext(ctx)
	w := &UnitWarnings{}
	// One pass over the scope's units: each lacking unit is counted, the first few kept (a
	// second statement for the counts would read every unit's people again).
	rows, err := unitsWithPeople(db, sc, "u.status = ?", UnitActive).Where(lackingPeople, true).
		Select("x.id, x.name, r.name AS region_name, x.review_required, x.staff, x.reviewers").
		Order("r.path, x.name, x.id").Rows()
	if err != nil {
		return nil, translate(err, "unit warnings: units")
	}
	defer rows.Close()
	for rows.Next() {
		var u UnitWarning
		if err := rows.Scan(&u.ID, &u.Name, &u.RegionName, &u.ReviewRequired, &u.Staff, &u.Reviewers); err != nil {
			return nil, translate(err, "unit warnings: units")
		}
		if u.NoStaff() {
			w.NoStaff++
		}
		if u.NoReviewer() {
			w.NoReviewer++
		}
		if len(w.Units) < WarningsListed {
			w.Units = append(w.Units, u)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "unit warnings: units")
	}
	rows.Close()
	stuck := func() *gorm.DB {
		q := db.Table("tickets t").Joins("JOIN units u ON u.id = t.unit_id").
			Where("t.status = ?", StatusReviewing).
			Where("NOT EXISTS (SELECT 1 FROM users r WHERE r.unit_id = t.unit_id AND r.role = ? AND r.disabled = ?)", RoleUnitReviewer, false)
		return sc.tickets(q, "t")
	}
	var n int64
	if err := stuck().Count(&n).Error; err != nil {
		return nil, translate(err, "unit warnings: stuck count")
	}
	w.StuckCount = int(n)
	if n > 0 {
		err = stuck().Select("t.ticket_no, t.unit_id, u.name AS unit_name, t.deadline, t.updated_at AS since").
			Order("t.updated_at, t.id").Limit(WarningsListed).Scan(&w.Stuck).Error
		if err != nil {
			return nil, translate(err, "unit warnings: stuck")
		}
	}
	return w, nil
}

// UnitReviewView is a unit with what its review setting needs to be decided: its people.
type UnitReviewView struct {
	UnitWarning
	Status string
}

// UnitReviewOf returns a unit (any: this is the admin's) with its enabled staff and reviewers.
func (s *Store) UnitReviewOf(ctx context.Context, id int64) (*UnitReviewView, error) {
	db := s.db.WithContext(ctx)
	var rows []UnitReviewView
	err := unitsWithPeople(db, Scope{All: true}, "u.id = ?", id).
		Select("x.id, x.name, r.name AS region_name, x.review_required, x.status, x.staff, x.reviewers").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "unit review")
	}
	if len(rows) == 0 {
		return nil, NotFound("未找到该单位")
	}
	return &rows[0], nil
}

// SetUnitReview turns a unit's review of its staff's replies on or off: an edit of the unit like
// any other (SaveUnit: the actor's scope, the audit trail in registry_events), with the unit's
// other fields as they are. Replies already waiting for review keep waiting (their reviewer, or a
// supervisor where there is none, settles them); the setting rules the replies written from now
// on. Setting what is already set changes and records nothing.
func (s *Store) SetUnitReview(ctx context.Context, actor *User, id int64, required bool, source string) error {
	if actor == nil || actor.Role != RoleAdmin {
		return Forbidden("只有系统管理员可以设置单位的审核")
	}
	if source != RegistryByForm && source != RegistryByAPI {
		return Invalid("source", "未知的修改来源")
	}
	sc, err := s.scopeOf(ctx, actor)
	if err != nil {
		return err
	}
	var units []Unit
	if err := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&units).Error; err != nil {
		return translate(err, "set unit review")
	}
	if len(units) == 0 {
		return NotFound("未找到该单位")
	}
	u := units[0]
	in := UnitInput{Name: u.Name, Code: derefString(u.Code), RegionID: u.RegionID, Kind: u.Kind, ReviewRequired: &required}
	_, err = s.SaveUnit(ctx, RegistryActor{Scope: sc, UserID: actor.ID, Source: source}, id, in)
	return err
}
