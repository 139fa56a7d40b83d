package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// PageCheckTicket is what a page check needs of its ticket.
type PageCheckTicket struct {
	ID       int64
	Source   string
	Status   string
	PageURL  string
	Category string
}

// PageCheckTicket returns a ticket's page and category.
func (s *Store) PageCheckTicket(ctx context.Context, id int64) (*PageCheckTicket, error) {
	var t PageCheckTicket
	err := s.db.WithContext(ctx).Table("tickets t").Select("t.id, t.source, t.status, t.page_url, c.name AS category").
		Joins("JOIN categories c ON c.id = t.category_id").Where("t.id = ?", id).Take(&t).Error
	if err != nil {
		return nil, translate(err, "page check ticket")
	}
	return &t, nil
}

// SavePageCheck keeps a ticket's check of the purpose: the first at arrival (a second is
// ignored), the latest for a recheck. One statement on the unique (ticket, purpose): the count,
// delete and insert it replaced deadlocked under load (concurrent checks of neighbouring tickets
// took gap locks on the same range of that index).
func (s *Store) SavePageCheck(ctx context.Context, pc PageCheck) error {
	pc.ID, pc.At = 0, pc.At.UTC().Truncate(time.Second)
	pc.URL, pc.Error = cut(pc.URL, 2048), cut(pc.Error, 512)
	onConflict := clause.OnConflict{Columns: []clause.Column{{Name: "ticket_id"}, {Name: "purpose"}}, DoNothing: true}
	if pc.Purpose != PageCheckArrival {
		onConflict = clause.OnConflict{Columns: []clause.Column{{Name: "ticket_id"}, {Name: "purpose"}},
			DoUpdates: clause.AssignmentColumns([]string{"url", "at", "ok", "status", "error", "text_hash", "duration_ms"})}
	}
	err := s.db.WithContext(ctx).Clauses(onConflict).Create(&pc).Error
	return translate(err, "save page check")
}

// PageChecks returns a ticket's checks by purpose.
func (s *Store) PageChecks(ctx context.Context, ticketID int64) (arrival, recheck *PageCheck, err error) {
	var pcs []PageCheck
	if err := s.db.WithContext(ctx).Where("ticket_id = ?", ticketID).Find(&pcs).Error; err != nil {
		return nil, nil, translate(err, "page checks")
	}
	for i := range pcs {
		switch pcs[i].Purpose {
		case PageCheckArrival:
			arrival = &pcs[i]
		case PageCheckRecheck:
			recheck = &pcs[i]
		}
	}
	return arrival, recheck, nil
}

// PageRecheck is a ticket in review whose page is to be fetched again, at its version.
type PageRecheck struct {
	TicketID int64
	Version  int
}

// MissingPageChecks returns the citizens' tickets whose page check is missing, for the reconciler
// to queue again: those received since arrivedSince without the fetch on arrival, and those in
// review, of a category a fetch can judge, without a fetch since their latest reply.
func (s *Store) MissingPageChecks(ctx context.Context, arrivedSince time.Time) ([]int64, []PageRecheck, error) {
	db := s.db.WithContext(ctx)
	var arrivals []int64
	err := db.Table("tickets t").Where("t.source = ? AND t.received_at >= ?", SourceCitizen, arrivedSince.UTC()).
		Where("NOT EXISTS (SELECT 1 FROM ticket_page_checks c WHERE c.ticket_id = t.id AND c.purpose = ?)", PageCheckArrival).
		Order("t.id").Pluck("t.id", &arrivals).Error
	if err != nil {
		return nil, nil, translate(err, "missing arrival checks")
	}
	var categories []string
	for name := range recheckCategories {
		categories = append(categories, name)
	}
	var rechecks []PageRecheck
	err = db.Table("tickets t").Select("t.id AS ticket_id, t.version").Joins("JOIN categories g ON g.id = t.category_id").
		Where("t.status = ? AND t.source = ? AND g.name IN ?", StatusReviewing, SourceCitizen, categories).
		Where(`NOT EXISTS (SELECT 1 FROM ticket_page_checks c WHERE c.ticket_id = t.id AND c.purpose = ? AND
			c.at >= (SELECT MAX(e.at) FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = ?))`, PageCheckRecheck, EventReplied).
		Order("t.id").Scan(&rechecks).Error
	if err != nil {
		return nil, nil, translate(err, "missing rechecks")
	}
	return arrivals, rechecks, nil
}
