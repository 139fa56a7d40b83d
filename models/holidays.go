package models

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// The State Council calendars this release ships (holiday-cn format, MIT licence beside them).
// Later years are imported by an administrator without a release.
//
//go:embed holidays/*.json
var shippedHolidays embed.FS

// ImportShippedCalendars imports each shipped year the database does not have yet, and returns
// the years it imported. A year imported before (perhaps corrected by hand) is left alone. It runs
// at every start-up and migrate, so an existing database gets a year a release ships; the open
// tickets' deadlines that reach into it are recounted then, as after an administrator's import
// (RecountDeadlines; the reminders follow through the store's dispatcher, or the reconciler's
// next pass where none runs).
func (s *Store) ImportShippedCalendars(ctx context.Context) ([]int, error) {
	cal, err := s.loadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(shippedHolidays, "holidays")
	if err != nil {
		return nil, err
	}
	var imported []int
	for _, e := range entries {
		year, err := strconv.Atoi(strings.TrimSuffix(e.Name(), ".json"))
		if err != nil || cal.Known(year) {
			continue
		}
		data, err := shippedHolidays.ReadFile("holidays/" + e.Name())
		if err != nil {
			return imported, err
		}
		if _, _, err := s.ImportHolidayNotice(ctx, data); err != nil {
			return imported, fmt.Errorf("import shipped calendar %d: %w", year, err)
		}
		imported = append(imported, year)
		if err := s.recountAndDispatch(ctx); err != nil {
			return imported, err
		}
	}
	return imported, nil
}

// recountAndDispatch finishes the recount of pending calendar changes, and hands what it did to
// the store's dispatcher (the reconciler queues it where that is lost).
func (s *Store) recountAndDispatch(ctx context.Context) error {
	r, err := s.RecountDeadlines(ctx)
	if r != nil && len(r.Events) > 0 {
		s.opt.Events.Dispatch(ctx, r.Events...)
	}
	return err
}
