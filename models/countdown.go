package models

import "time"

// Countdown is where a ticket stands against its deadline at a moment, in working days: what the
// inbox, the ticket's page and the API show. Only a ticket that waits for someone counts down;
// the deadline it is held to is the unit's reply deadline, or the supervisor's forwarding
// deadline while it waits in triage.
type Countdown struct {
	Due      *time.Time // the deadline the ticket is held to (nil: none)
	Triage   bool       // Due is the forwarding deadline (分办期限), not the unit's reply deadline (答复期限)
	Running  bool       // the ticket waits for someone and has a deadline
	Overdue  bool       // running, and Due has passed
	DaysLate int        // overdue: working days since Due, at least 1
	DueToday bool       // running, and Due is later today
	DaysLeft int        // running and due after today: working days after today up to Due
}

// Countdown is the ticket's countdown at now, counted on the working-day calendar.
func (t *Ticket) Countdown(now time.Time, cal *Calendar) Countdown {
	return countdown(t.Status, t.DueAt(), now, cal)
}

// Countdown is the listed ticket's countdown at now, as Ticket.Countdown counts it.
func (r TicketRow) Countdown(now time.Time, cal *Calendar) Countdown {
	return countdown(r.Status, r.DueAt(), now, cal)
}

func countdown(status string, due *time.Time, now time.Time, cal *Calendar) Countdown {
	c := Countdown{Due: due, Triage: status == StatusTriage}
	if due == nil || !isOpen(status) {
		return c
	}
	c.Running = true
	switch {
	case now.After(*due):
		c.Overdue, c.DaysLate = true, max(cal.WorkingDaysBetween(*due, now), 1)
	case DateOf(*due) == DateOf(now):
		c.DueToday = true
	default:
		c.DaysLeft = cal.WorkingDaysBetween(now, *due)
	}
	return c
}
