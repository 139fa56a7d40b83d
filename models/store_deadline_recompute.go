package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// A change of the calendar moves the deadlines it touches. The change is recorded in the
// calendar's own transaction (calendarChange), with the working status each changed day had
// before; RecountDeadlines then goes through the open tickets in batches, each in its own
// transaction that also moves the change's cursor, so that a recount cut short is finished by the
// next caller (the reconciler each period, the start-up, the next change) and no ticket is
// counted twice. A ticket is touched when a changed day lies in its counting window, from the day
// after its assignment to its deadline (RULES.md "Time"), or when the change brings the notice of
// a year its estimated deadline runs into. Its count of working days (the reply days and the
// extensions granted, whatever the settings say today) is read off the calendar before the
// change, and counted again on the calendar after it.

// recountBatchSize is how many tickets (open or not, by id) one transaction goes through.
var recountBatchSize = 2000

// EventDeadlineRecounted: a change of the calendar moved the ticket's deadline (ticket_events).
const EventDeadlineRecounted = "deadline_recounted"

type calendarChange struct {
	ID        int64
	Why       string
	Days      string // JSON of map[date]bool: the changed days, working before the change or not
	NewYear   int    // the year whose notice the change brought, if it brought one
	FirstDay  time.Time
	LastDay   time.Time
	CursorID  int64
	Moved     int
	Earlier   int
	Pending   *int
	CreatedAt time.Time
	DoneAt    *time.Time
}

func (calendarChange) TableName() string { return "calendar_changes" }

// errRecountPending refuses a change of the calendar made while another one is being recorded
// (each change first finishes the recount of the one before it).
var errRecountPending = Conflict("上一次日历调整的期限重算尚未完成，请稍后再试")

// recordCalendarChange compares the calendar before (as read in tx before the change) with the
// calendar tx holds now and records the change, if it changes any day or brings a year's
// notice. Only the days that may differ are compared: the listed days of both and the statutory
// days of a year newly known.
func recordCalendarChange(tx *gorm.DB, before *Calendar, why string, now time.Time) error {
	after, err := loadCalendarFrom(tx)
	if err != nil {
		return err
	}
	candidates := map[Date]bool{}
	for d := range before.exceptions {
		candidates[d] = true
	}
	for d := range after.exceptions {
		candidates[d] = true
	}
	newYear := 0
	for y := range after.known {
		if !before.known[y] {
			newYear = y
			for d := range StatutoryHolidays(y) {
				candidates[d] = true
			}
		}
	}
	changed := map[string]bool{}
	var first, last Date
	for d := range candidates {
		if was := before.IsWorkingDay(d); was != after.IsWorkingDay(d) {
			changed[d.String()] = was
			if first == (Date{}) || d.Before(first) {
				first = d
			}
			if last.Before(d) {
				last = d
			}
		}
	}
	if len(changed) == 0 && newYear == 0 {
		return nil
	}
	if len(changed) == 0 { // a notice that confirms the estimate: only the flags change
		first, last = Date{newYear, 1, 1}, Date{newYear, 12, 31}
	}
	days, _ := json.Marshal(changed)
	one := 1
	err = tx.Create(&calendarChange{Why: ellipsis(why, 200), Days: string(days), NewYear: newYear, FirstDay: dateValue(first),
		LastDay: dateValue(last), Pending: &one, CreatedAt: now}).Error
	if err != nil && isDuplicate(err) {
		return errRecountPending
	}
	return err
}

// Recounted is what RecountDeadlines did: the deadlines it moved (and how many earlier), and the
// events to dispatch, one per batch.
type Recounted struct {
	Moved, Earlier int
	Events         []Event
}

// RecountDeadlines finishes the recount of every calendar change still pending, batch by batch,
// and returns what it moved. Safe to run at once from several places: each batch locks its
// change's row and starts past the cursor the last one left.
func (s *Store) RecountDeadlines(ctx context.Context) (*Recounted, error) {
	out := &Recounted{}
	for {
		done, err := s.recountBatch(ctx, out)
		if err != nil {
			return out, translate(err, "recount deadlines")
		}
		if done {
			return out, nil
		}
	}
}

// recountBatch recounts the next batch of the oldest pending change, in one transaction; done
// when no change is pending.
func (s *Store) recountBatch(ctx context.Context, out *Recounted) (done bool, err error) {
	now := s.now()
	before := *out // a run again after a lost commit starts from what the batches before left
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		*out = before
		lock := func(q *gorm.DB) *gorm.DB {
			if s.dialect == DialectMySQL {
				return q.Clauses(clause.Locking{Strength: "UPDATE"})
			}
			return q
		}
		var changes []calendarChange
		if err := lock(tx.Where("pending = 1")).Order("id").Limit(1).Find(&changes).Error; err != nil {
			return err
		}
		if len(changes) == 0 {
			done = true
			return nil
		}
		c := changes[0]
		var was map[string]bool
		if err := json.Unmarshal([]byte(c.Days), &was); err != nil {
			return fmt.Errorf("calendar change %d: %w", c.ID, err)
		}
		before := map[Date]bool{}
		for k, v := range was {
			if d, err := ParseDate(k); err == nil {
				before[d] = v
			}
		}
		// The calendar as the database has it now, not a replica's cached copy.
		cal, err := loadCalendarFrom(tx)
		if err != nil {
			return err
		}
		first, last := dateOfValue(c.FirstDay), dateOfValue(c.LastDay)
		// The batch is a range of ids, walked along the primary key: a condition on the open
		// tickets alone would let the database pick the status index and sort all of them for
		// each batch. upper is the id recountBatchSize tickets on, or none: the last range.
		var upper []int64
		if err := tx.Model(&Ticket{}).Where("id > ?", c.CursorID).Order("id").Offset(recountBatchSize-1).Limit(1).Pluck("id", &upper).Error; err != nil {
			return err
		}
		q := tx.Model(&Ticket{}).Select("id, status, unit_id, region_id, assigned_at, deadline, deadline_estimated").Where("id > ?", c.CursorID)
		if len(upper) > 0 {
			q = q.Where("id <= ?", upper[0])
		}
		// A ticket assigned since the change was counted on the new calendar already. (Times are
		// kept to the second: one assigned in the change's second is taken as counted before it.
		// Another replica's calendar follows at once through the reference feed, or within
		// DefaultReferenceCheck if its message was lost: see the README's Settings.)
		q = q.Where("status IN ? AND deadline IS NOT NULL AND assigned_at <= ?", openStatuses, c.CreatedAt).
			Where("deadline_estimated = ? OR (deadline >= ? AND assigned_at < ?)", true, first.At(0, 0, 0).UTC(), last.At(0, 0, 0).UTC())
		var tickets []Ticket
		if err := lock(q).Order("id").Find(&tickets).Error; err != nil {
			return err
		}
		ev := DeadlinesRecounted{ChangeID: c.ID}
		var audit []TicketEvent
		// The tickets of a batch share a few new deadlines: one statement per deadline.
		sameNew := map[recounted][]int64{}
		var order []recounted
		for i := range tickets {
			t := &tickets[i]
			moved, ok := recount(t, before, c.NewYear, cal)
			if !ok {
				continue
			}
			old := *t.Deadline
			if _, seen := sameNew[moved]; !seen {
				order = append(order, moved)
			}
			sameNew[moved] = append(sameNew[moved], t.ID)
			ev.TicketIDs = append(ev.TicketIDs, t.ID)
			if moved.deadline.Equal(old) {
				continue // only the estimate flag changed: no deadline moved, nothing to tell
			}
			earlier := moved.deadline.Before(old)
			if earlier {
				ev.Earlier++
			}
			data, _ := json.Marshal(map[string]any{"change_id": c.ID, "old_deadline": old.UTC(), "new_deadline": moved.deadline,
				"earlier": earlier})
			text := string(data)
			audit = append(audit, TicketEvent{TicketID: t.ID, At: now, ActorRole: ActorSystem, Kind: EventDeadlineRecounted,
				FromStatus: t.Status, ToStatus: t.Status, UnitID: t.UnitID, RegionID: &t.RegionID, Deadline: &moved.deadline,
				Reason: ellipsis(fmt.Sprintf("%s：答复期限由 %s 改为 %s", c.Why, deadlineText(old), deadlineText(moved.deadline)), 500),
				Data:   &text})
		}
		for _, moved := range order {
			err := tx.Model(&Ticket{}).Where("id IN ?", sameNew[moved]).Updates(map[string]any{
				"deadline": moved.deadline, "deadline_estimated": moved.estimated, "version": gorm.Expr("version + 1"), "updated_at": now}).Error
			if err != nil {
				return err
			}
		}
		if len(audit) > 0 {
			if err := tx.CreateInBatches(&audit, 200).Error; err != nil {
				return err
			}
		}
		progress := map[string]any{"moved": gorm.Expr("moved + ?", len(audit)), "earlier": gorm.Expr("earlier + ?", ev.Earlier)}
		if len(upper) > 0 {
			progress["cursor_id"] = upper[0]
		} else { // the last range: the change is recounted once this commits
			progress["pending"], progress["done_at"] = nil, now
		}
		err = tx.Model(&calendarChange{}).Where("id = ?", c.ID).Updates(progress).Error
		if err != nil {
			return err
		}
		out.Moved += len(audit)
		out.Earlier += ev.Earlier
		if len(ev.TicketIDs) > 0 {
			out.Events = append(out.Events, ev)
		}
		return nil
	})
	return done, err
}

type recounted struct {
	deadline  time.Time
	estimated bool
}

// recount counts a ticket's deadline again on the calendar after a change, given the working
// status the changed days had before (wasWorking) and the year whose notice the change brought.
// It reports false when the change does not touch the ticket, or leaves its deadline as it was.
func recount(t *Ticket, wasWorking map[Date]bool, newYear int, cal *Calendar) (recounted, bool) {
	from, to := DateOf(*t.AssignedAt), DateOf(*t.Deadline)
	touched := t.DeadlineEstimated && newYear != 0 && newYear <= to.Year
	n := 0
	for d := from.AddDays(1); !to.Before(d); d = d.AddDays(1) {
		working, changed := wasWorking[d]
		if !changed {
			working = cal.IsWorkingDay(d)
		}
		touched = touched || changed
		if working {
			n++
		}
	}
	if !touched || n == 0 {
		return recounted{}, false
	}
	day, estimated := cal.NthWorkingDayAfter(from, n)
	out := recounted{deadline: day.End().UTC(), estimated: estimated}
	if out.deadline.Equal(*t.Deadline) && out.estimated == t.DeadlineEstimated {
		return out, false
	}
	return out, true
}

func deadlineText(t time.Time) string { return t.In(Shanghai).Format("2006-01-02") }

// CalendarChangeRecount says how far the recount of the latest calendar change has come, for the
// calendar page: the deadlines it moved, and whether it is still running.
func (s *Store) CalendarChangeRecount(ctx context.Context) (moved int, pending bool, err error) {
	var rows []calendarChange
	if err := s.db.WithContext(ctx).Order("id DESC").Limit(1).Find(&rows).Error; err != nil {
		return 0, false, translate(err, "calendar change")
	}
	if len(rows) == 0 {
		return 0, false, nil
	}
	return rows[0].Moved, rows[0].Pending != nil, nil
}
