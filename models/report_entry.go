package models

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// EntrySite is the website a 找错 entry link names by its 网站标识码: the national convention is a
// link on every government page to the platform with ?url=<the page>&site_code=<标识码>.
type EntrySite struct {
	ID       int64
	Name     string
	UnitName string
	HomeURL  string
}

// EntrySite finds the running website registered with the 标识码 code, or nil. An entry link can
// come from anywhere: a code of the wrong shape, or one no running site has, is no site, not an
// error.
func (s *Store) EntrySite(ctx context.Context, code string) (*EntrySite, error) {
	if code == "" || checkIdentifierCode(code) != nil {
		return nil, nil
	}
	var sites []EntrySite
	err := s.db.WithContext(ctx).Raw(`
		SELECT w.id, w.name, u.name AS unit_name, w.home_url
		FROM websites w JOIN units u ON u.id = w.unit_id
		WHERE w.identifier_code = ? AND w.status = ?
		ORDER BY w.id LIMIT 1`, code, SiteRunning).Scan(&sites).Error
	if err != nil || len(sites) == 0 {
		return nil, translate(err, "entry site")
	}
	return &sites[0], nil
}

// Government reports whether page is on a government website: one the registry routes, or one
// under a domain only government bodies may register (gov.cn, and .政务 in its ASCII form). Only
// those are the platform's to handle; a report on any other site is still taken (the registry
// may lack the site), but the citizen is told first.
func (s *Store) Government(ctx context.Context, page PageURL) (bool, error) {
	host := page.Host
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	for _, domain := range []string{"gov.cn", "xn--zfr164b"} {
		if host == domain || strings.HasSuffix(host, "."+domain) {
			return true, nil
		}
	}
	route, err := s.Route(ctx, page)
	return route != nil, err
}

// FollowableReport is an open ticket that a citizen about to report the same problem may follow
// instead of filing it again. It holds only what may be shown to anyone: no description (it may
// hold personal data and is published only after review), no contact, nothing of the reporter.
type FollowableReport struct {
	TicketNo   string    `json:"ticket_no"`
	Status     string    `json:"status"`
	Category   string    `json:"category"`
	UnitName   string    `json:"unit"`
	ReceivedAt time.Time `json:"received_at"`
}

// maxFollowable bounds the list a citizen is shown.
const maxFollowable = 5

// FollowableReports lists the open tickets about the page at pageURL (in category, when one is
// given) that a new report may follow: those Ticket.mayDuplicate would merge it with, oldest
// first. An address that is no page, or an unknown category, has none.
func (s *Store) FollowableReports(ctx context.Context, pageURL, category string) ([]FollowableReport, error) {
	page, err := ParsePageURL(pageURL)
	if err != nil {
		return nil, nil
	}
	q := followable(s.db.WithContext(ctx).Table("tickets t")).
		Select("t.ticket_no, t.status, c.name AS category, u.name AS unit_name, t.received_at").
		Joins("JOIN categories c ON c.id = t.category_id").Joins("JOIN units u ON u.id = t.unit_id").
		Where("t.page_key = ?", page.Key)
	if category != "" {
		_, _, cats, err := s.reference(ctx)
		if err != nil {
			return nil, err
		}
		cat, ok := findCategory(cats, category)
		if !ok {
			return nil, nil
		}
		q = q.Where("t.category_id = ?", cat.ID)
	}
	var out []FollowableReport
	if err := q.Order("t.id").Limit(maxFollowable).Scan(&out).Error; err != nil {
		return nil, translate(err, "followable reports")
	}
	return out, nil
}

// followable narrows a query of tickets (as t) to those a new report may be merged with: with a
// unit, not duplicates themselves (the statuses and the no-chains rule of Ticket.mayDuplicate).
func followable(q *gorm.DB) *gorm.DB {
	return q.Where("t.status IN ? AND t.duplicate_of IS NULL", []string{StatusAssigned, StatusProcessing, StatusReviewing})
}

// follow makes r the report of a citizen who follows the open ticket numbered r.Follow, about the
// same page: r takes that ticket's category, and a description saying so when it has none of its
// own, and the report writer merges it with that ticket (linkDuplicates). A ticket that can no
// longer be followed is named to the citizen, who may then report on their own.
func (s *Store) follow(ctx context.Context, r *Report) error {
	r.Follow = strings.TrimSpace(r.Follow)
	page, err := ParsePageURL(r.PageURL)
	if err != nil {
		return nil // Validate names the page's problem
	}
	var ids []int64
	if len(r.Follow) <= 32 {
		err = followable(s.db.WithContext(ctx).Table("tickets t")).
			Where("t.ticket_no = ? AND t.page_key = ?", r.Follow, page.Key).Pluck("t.category_id", &ids).Error
		if err != nil {
			return translate(err, "follow report")
		}
	}
	if len(ids) == 0 {
		return Invalid("follow", "您要关注的留言已办结或不能再关注，请选择问题类型、填写问题描述后直接提交")
	}
	r.Category = strconv.FormatInt(ids[0], 10)
	if strings.TrimSpace(r.Description) == "" {
		r.Description = "与留言 " + r.Follow + " 反映的问题相同。"
	}
	return nil
}
