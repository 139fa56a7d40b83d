package models

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Per-site exceptions: a finding a person found false for a site (a proper name that looks like
// a typo, a test page, a link only the intranet opens) is remembered for that site by its key
// (Finding.FindingKey, the same in every round), and the site's later rounds do not raise it at
// all. The list is explicit: each exception says who made it, when and why, the site's pages show
// it, and a supervisor revokes it; the next round then raises the finding again.
//
// An exception is made on purpose, never by a dismissal alone: a dismissed suspected finding
// already stays dismissed in later rounds (carryOver), still shown, so that a supervisor sees it
// come back; an exception hides it, and an accepted appeal is often about this round's evidence
// only (the link was down during the crawl). So the person who dismisses or accepts ticks "以后不再
// 提示" when the finding is false for good.

const maxExceptionReason = 1000

// FindingException is one remembered false finding of a site.
type FindingException struct {
	ID           int64
	WebsiteID    int64
	FindingKey   string
	Type         string
	Indicator    string
	Evidence     string // the finding's evidence when it was excepted, to recognise it by
	FindingID    int64  // the finding it was made from
	AppealID     *int64 // the appeal accepted with it, if one
	Reason       string
	CreatedBy    int64
	CreatedAt    time.Time
	RevokedBy    *int64
	RevokedAt    *time.Time
	RevokeReason string
}

func (FindingException) TableName() string { return "finding_exceptions" }

// Active reports whether the exception still holds.
func (e *FindingException) Active() bool { return e.RevokedAt == nil }

// ExceptionRow is an exception as the site's page lists it, with the names of who made and who
// revoked it.
type ExceptionRow struct {
	FindingException
	CreatedByName string
	RevokedByName string
}

// MayKeepExceptions reports whether the user makes and revokes a site's exceptions: who decides
// findings (supervisors and administrators, within their scope).
func MayKeepExceptions(u *User) bool { return u.Role == RoleSupervisor || u.Role == RoleAdmin }

// ExceptionReason checks the why of an exception (or of its revocation) and returns it trimmed.
func ExceptionReason(field, why string) (string, error) {
	why = strings.TrimSpace(why)
	switch n := utf8.RuneCountInString(why); {
	case !utf8.ValidString(why) || n < 2:
		return "", Invalid(field, "请说明理由")
	case n > maxExceptionReason:
		return "", Invalid(field, "理由不超过 1000 个字")
	}
	return why, nil
}

// RememberFinding keeps a finding a person took off (dismissed, or reduced on appeal) as an
// exception of its site: later rounds do not raise its key again.
func (s *Store) RememberFinding(ctx context.Context, u *User, sc Scope, findingID int64, reason string) (*FindingException, error) {
	if !MayKeepExceptions(u) {
		return nil, errMayNotExcept
	}
	why, err := ExceptionReason("reason", reason)
	if err != nil {
		return nil, err
	}
	var e *FindingException
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		f, err := s.findingInScope(tx, sc, findingID)
		if err != nil {
			return err
		}
		e, err = s.except(tx, f, u.ID, why, nil, s.now())
		return err
	})
	return e, translate(err, "remember finding")
}

var errMayNotExcept = Forbidden("只有主管单位和管理员可以设置或撤销例外")

// except writes the exception of a finding taken off, within tx.
func (s *Store) except(tx *gorm.DB, f *Finding, by int64, why string, appealID *int64, now time.Time) (*FindingException, error) {
	switch {
	case f.WebsiteID == nil:
		return nil, Conflict("例外只针对网站的问题")
	case f.Status != FindingDismissed && f.Status != FindingReduced:
		return nil, Conflict("只有已排除或已核减的问题可以设为例外")
	}
	var n int64
	err := tx.Model(&FindingException{}).
		Where("website_id = ? AND finding_key = ? AND revoked_at IS NULL", *f.WebsiteID, f.FindingKey).Count(&n).Error
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, Conflict("该问题已在本网站的例外清单中")
	}
	e := &FindingException{WebsiteID: *f.WebsiteID, FindingKey: f.FindingKey, Type: f.Type, Indicator: f.Indicator,
		Evidence: truncate(f.Evidence, 300), FindingID: f.ID, AppealID: appealID, Reason: why, CreatedBy: by, CreatedAt: now}
	return e, tx.Create(e).Error
}

// SiteExceptions returns a site's exceptions within the scope, those in force first, newest
// first; a site outside the scope has none to show.
func (s *Store) SiteExceptions(ctx context.Context, sc Scope, websiteID int64) ([]ExceptionRow, error) {
	var rows []ExceptionRow
	q := s.db.WithContext(ctx).Table("finding_exceptions e").
		Select("e.*, cb.display_name AS created_by_name, rb.display_name AS revoked_by_name").
		Joins("JOIN websites w ON w.id = e.website_id").Joins("JOIN units u ON u.id = w.unit_id").
		Joins("LEFT JOIN users cb ON cb.id = e.created_by").Joins("LEFT JOIN users rb ON rb.id = e.revoked_by").
		Where("e.website_id = ?", websiteID)
	err := sc.units(q, "u").Order("CASE WHEN e.revoked_at IS NULL THEN 0 ELSE 1 END, e.created_at DESC, e.id DESC").Scan(&rows).Error
	return rows, translate(err, "site exceptions")
}

// RevokeException ends an exception within the scope, with the reason: the site's next round
// raises the finding again. It returns the exception as revoked.
func (s *Store) RevokeException(ctx context.Context, u *User, sc Scope, id int64, reason string) (*FindingException, error) {
	if !MayKeepExceptions(u) {
		return nil, errMayNotExcept
	}
	why, err := ExceptionReason("reason", reason)
	if err != nil {
		return nil, err
	}
	var e FindingException
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		var rows []FindingException
		q := tx.Table("finding_exceptions e").Select("e.*").Joins("JOIN websites w ON w.id = e.website_id").
			Joins("JOIN units u ON u.id = w.unit_id").Where("e.id = ?", id)
		if err := sc.units(s.forUpdate(q), "u").Limit(1).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return NotFound("没有该例外，或不在您的管辖范围内")
		}
		e = rows[0]
		if !e.Active() {
			return Conflict("该例外已撤销")
		}
		now := s.now()
		res := tx.Model(&FindingException{}).Where("id = ? AND revoked_at IS NULL", id).
			Updates(map[string]any{"revoked_by": u.ID, "revoked_at": now, "revoke_reason": why})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return Conflict("该例外已撤销")
		}
		e.RevokedBy, e.RevokedAt, e.RevokeReason = &u.ID, &now, why
		return nil
	})
	if err != nil {
		return nil, translate(err, "revoke exception")
	}
	return &e, nil
}

// withoutExceptions drops from a site's new findings those whose key the site holds as an
// exception in force: FinishSite stores what is left.
func withoutExceptions(tx *gorm.DB, websiteID int64, in []Finding) ([]Finding, error) {
	if len(in) == 0 {
		return in, nil
	}
	var keys []string
	err := tx.Model(&FindingException{}).Where("website_id = ? AND revoked_at IS NULL", websiteID).Pluck("finding_key", &keys).Error
	if err != nil || len(keys) == 0 {
		return in, err
	}
	excepted := make(map[string]bool, len(keys))
	for _, k := range keys {
		excepted[k] = true
	}
	out := in[:0:0]
	for _, f := range in {
		if !excepted[f.FindingKey] {
			out = append(out, f)
		}
	}
	return out, nil
}
