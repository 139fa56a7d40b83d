package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AnnualReminderDays are the days of January on which every unit with a site whose work report
// for the year before is not published is reminded; the reports are due on the 31st.
var AnnualReminderDays = []int{15, 25}

// AnnualReminded: a unit was reminded of its unpublished work reports.
//
// Its work: the deliveries written with it. Lost, the reconciler queues every delivery still
// pending; the reminder itself is recorded and not sent again.
type AnnualReminded struct {
	UnitID     int64
	Year       int
	N          int
	Deliveries []int64
}

func (AnnualReminded) Name() string { return "annual_reminded" }

type annualReminderRow struct {
	ID     int64
	UnitID int64
	Year   int
	N      int
	SentAt time.Time
}

func (annualReminderRow) TableName() string { return "annual_reminders" }

// RemindAnnualReports sends, from each of AnnualReminderDays at the reminder hour, one reminder to
// every unit with a running site whose work report for last year is not published, through the
// notifications and deliveries of the ticket reminders; each unit's in its own transaction, each
// once. It returns how many went out and their events, for the caller to dispatch.
func (s *Store) RemindAnnualReports(ctx context.Context) (int, []Event, error) {
	set, _, err := s.ReminderRules(ctx)
	if err != nil {
		return 0, nil, err
	}
	now := s.now()
	local := now.In(Shanghai)
	n := 0
	for _, d := range AnnualReminderDays {
		if local.Day() >= d {
			n++
		}
	}
	if local.Month() != time.January || n == 0 || local.Hour() < set.ReminderHour {
		return 0, nil, nil
	}
	year := local.Year() - 1
	sites, err := s.AnnualSites(ctx, Scope{All: true}, year)
	if err != nil {
		return 0, nil, err
	}
	pending := map[int64][]string{}
	var units []int64
	for _, site := range sites {
		if site.Status == CircularPublishedStatus {
			continue
		}
		if pending[site.UnitID] == nil {
			units = append(units, site.UnitID)
		}
		pending[site.UnitID] = append(pending[site.UnitID], site.Name)
	}
	var events []Event
	for _, unitID := range units {
		e, err := s.remindAnnual(ctx, unitID, year, n, pending[unitID], now)
		if errors.Is(err, ErrStageNotDue) {
			continue
		}
		if err != nil {
			return len(events), events, translate(err, "remind annual report")
		}
		events = append(events, e)
	}
	return len(events), events, nil
}

func (s *Store) remindAnnual(ctx context.Context, unitID int64, year, n int, sites []string, now time.Time) (AnnualReminded, error) {
	out := AnnualReminded{UnitID: unitID, Year: year, N: n}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&annualReminderRow{UnitID: unitID, Year: year, N: n, SentAt: now}).Error; err != nil {
			if isDuplicate(err) {
				return ErrStageNotDue
			}
			return err
		}
		var unit Unit
		if err := tx.Take(&unit, unitID).Error; err != nil {
			return err
		}
		w := &notifier{tx: tx, unitID: &unitID, regionID: unit.RegionID, now: now, email: s.opt.Email}
		msg := ReminderMessage{Kind: "annual", Link: fmt.Sprintf("/staff/annual?year=%d", year),
			Title: fmt.Sprintf("请于1月31日前发布%d年度政府网站工作年度报表", year),
			Body: fmt.Sprintf("%s尚有%d个网站的%d年度工作年度报表未发布：%s。按照国办函〔2018〕12号，应于1月31日前在网站首页显著位置发布。",
				unit.Name, len(sites), year, strings.Join(sites, "、"))}
		if err := w.toUnit(msg); err != nil {
			return err
		}
		out.Deliveries = w.deliveries
		return nil
	})
	return out, err
}
