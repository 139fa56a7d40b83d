package models_test

import (
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// A ticket counts down in working days while it waits for someone: the days after today up to
// its deadline (a holiday not counted), "due today", or the working days it is late (at least
// one, however little); it is held to the forwarding deadline in triage; a ticket that waits for
// nobody does not count down, and a listed ticket counts as the ticket does.
func TestCountdown(t *testing.T) {
	cal := shippedCalendar(t)
	now := storetest.At("2025-03-31 10:00") // a Monday
	at := func(s string) *time.Time { v := storetest.At(s); return &v }
	tests := []struct {
		name   string
		ticket models.Ticket
		want   models.Countdown
	}{
		{"three working days left", models.Ticket{Status: models.StatusAssigned, Deadline: at("2025-04-03 23:59:59")},
			models.Countdown{Running: true, DaysLeft: 3}},
		{"the 清明 holiday is not counted", models.Ticket{Status: models.StatusProcessing, Deadline: at("2025-04-07 23:59:59")},
			models.Countdown{Running: true, DaysLeft: 4}},
		{"due today", models.Ticket{Status: models.StatusReviewing, Deadline: at("2025-03-31 23:59:59")},
			models.Countdown{Running: true, DueToday: true}},
		{"a second late is a day late", models.Ticket{Status: models.StatusProcessing, Deadline: at("2025-03-31 09:59:59")},
			models.Countdown{Running: true, Overdue: true, DaysLate: 1}},
		{"late since Friday: the weekend is not counted", models.Ticket{Status: models.StatusAssigned, Deadline: at("2025-03-28 23:59:59")},
			models.Countdown{Running: true, Overdue: true, DaysLate: 1}},
		{"late since the Tuesday before", models.Ticket{Status: models.StatusAssigned, Deadline: at("2025-03-25 23:59:59")},
			models.Countdown{Running: true, Overdue: true, DaysLate: 4}},
		{"triage is held to its forwarding deadline", models.Ticket{Status: models.StatusTriage, TriageDeadline: at("2025-04-01 23:59:59")},
			models.Countdown{Triage: true, Running: true, DaysLeft: 1}},
		{"closed", models.Ticket{Status: models.StatusClosed, Deadline: at("2025-03-28 23:59:59")}, models.Countdown{}},
		{"invalid", models.Ticket{Status: models.StatusInvalid, Deadline: at("2025-03-28 23:59:59")}, models.Countdown{}},
		{"linked", models.Ticket{Status: models.StatusLinked, Deadline: at("2025-04-03 23:59:59")}, models.Countdown{}},
		{"no deadline", models.Ticket{Status: models.StatusAssigned}, models.Countdown{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.Due = tt.ticket.DueAt()
			got := tt.ticket.Countdown(now, cal)
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			row := models.TicketRow{Status: tt.ticket.Status, Deadline: tt.ticket.Deadline, TriageDeadline: tt.ticket.TriageDeadline}
			if listed := row.Countdown(now, cal); listed != got {
				t.Fatalf("listed %+v, the ticket %+v", listed, got)
			}
		})
	}
}
