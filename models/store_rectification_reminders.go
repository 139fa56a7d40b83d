package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

type rectificationReminderRow struct {
	ID              int64
	RectificationID int64
	Stage           string
	N               int
	SentAt          time.Time
}

func (rectificationReminderRow) TableName() string { return "rectification_reminders" }

// RemindRectifications sends the reminders rectifications are due now (NextRectificationStage),
// through the notifications and deliveries of ticket reminders: each stage once per item, each in
// its own transaction. It returns how many went out and their RectificationReminded events, with
// their deliveries, for the caller to dispatch (those of a partial run too: they are committed).
func (s *Store) RemindRectifications(ctx context.Context) (int, []Event, error) {
	set, cal, err := s.ReminderRules(ctx)
	if err != nil {
		return 0, nil, err
	}
	now := s.now()
	if today := DateOf(now); !cal.IsWorkingDay(today) || now.In(Shanghai).Hour() < set.ReminderHour {
		return 0, nil, nil
	}
	var ids []int64
	err = s.db.WithContext(ctx).Table("rectifications").Where("status IN ?", []string{RectifyOpen, RectifyReturned}).
		Order("id").Pluck("id", &ids).Error
	if err != nil {
		return 0, nil, translate(err, "rectifications to remind")
	}
	var events []Event
	for _, id := range ids {
		e, err := s.remindRectification(ctx, id, set, cal, now)
		if errors.Is(err, ErrStageNotDue) {
			continue
		}
		if err != nil {
			return len(events), events, translate(err, "remind rectification")
		}
		events = append(events, e)
	}
	return len(events), events, nil
}

// remindRectification sends the stage one rectification is due, if any, deciding it on the row as
// locked: a second worker, or the same task run again, finds it sent and does nothing.
func (s *Store) remindRectification(ctx context.Context, id int64, set Settings, cal *Calendar, now time.Time) (RectificationReminded, error) {
	out := RectificationReminded{RectificationID: id}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var locked []Rectification
		if err := s.forUpdate(tx.Table("rectifications").Select("id, status, due_on").Where("id = ?", id)).Scan(&locked).Error; err != nil {
			return err
		}
		if len(locked) == 0 {
			return ErrStageNotDue
		}
		var sent []SentReminder
		if err := tx.Table("rectification_reminders").Select("stage, n, sent_at").Where("rectification_id = ?", id).Scan(&sent).Error; err != nil {
			return err
		}
		st, ok := NextRectificationStage(&locked[0], sent, now, set, cal)
		if !ok {
			return ErrStageNotDue
		}
		if err := recordRectificationStage(tx, id, st, now); err != nil {
			return err
		}
		var rows []RectificationRow
		if err := rectificationRows(tx, Scope{All: true}).Where("x.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return ErrStageNotDue
		}
		r := &rows[0]
		var unit Unit
		if err := tx.Take(&unit, r.UnitID).Error; err != nil {
			return err
		}
		w := &notifier{tx: tx, unitID: &r.UnitID, regionID: unit.RegionID, now: now, email: s.opt.Email}
		msg := rectificationText(st, r, cal.WorkingDaysBetween(r.DueAt, now))
		if err := w.toUnit(msg); err != nil {
			return err
		}
		if st.Kind == StageOverdue {
			if err := w.toSupervisors(msg, 1); err != nil {
				return err
			}
		}
		if level := SuperviseLevel(st.N, set); st.Kind == StageUrge && level > 0 {
			sup := RectificationStage{Kind: StageSupervise, N: level}
			if err := recordRectificationStage(tx, id, sup, now); err != nil {
				return err
			}
			if err := w.toSupervisors(rectificationText(RectificationStage{Kind: StageSupervise, N: st.N}, r, 0), level); err != nil {
				return err
			}
		}
		out.Stage, out.N, out.Deliveries = st.Kind, st.N, w.deliveries
		return nil
	})
	return out, err
}

// recordRectificationStage records a stage as sent; the unique key refuses it a second time.
func recordRectificationStage(tx *gorm.DB, id int64, st RectificationStage, now time.Time) error {
	err := tx.Create(&rectificationReminderRow{RectificationID: id, Stage: st.Kind, N: st.N, SentAt: now}).Error
	if err != nil && isDuplicate(err) {
		return ErrStageNotDue
	}
	return err
}
