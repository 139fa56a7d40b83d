package models

import (
	"context"
)

// TicketEvents returns a ticket's events, oldest first.
func (s *Store) TicketEvents(ctx context.Context, ticketID int64) ([]TicketEvent, error) {
	var events []TicketEvent
	err := s.db.WithContext(ctx).Where("ticket_id = ?", ticketID).Order("id").Find(&events).Error
	return events, translate(err, "ticket events")
}

// CountTickets counts all tickets.
func (s *Store) CountTickets(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Ticket{}).Count(&n).Error
	return n, translate(err, "count tickets")
}

// Screenshot returns the citizen's screenshot to whoever holds the ticket's number and query code.
func (s *Store) Screenshot(ctx context.Context, ticketNo, code string) (*Attachment, error) {
	report, err := s.FindReport(ctx, ticketNo, code)
	if err != nil {
		return nil, err
	}
	var a Attachment
	err = s.db.WithContext(ctx).
		Where("ticket_id = (SELECT id FROM tickets WHERE ticket_no = ?) AND purpose = ?", report.TicketNo, PurposeScreenshot).
		Take(&a).Error
	if err != nil {
		return nil, translate(err, "screenshot")
	}
	return &a, nil
}
