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
// the years it imported. A year imported before (perhaps corrected by hand) is left alone.
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
	}
	return imported, nil
}
