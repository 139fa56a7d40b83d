package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Settings returns the settings in force.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	settings, _, _, err := s.reference(ctx)
	return settings, err
}

func (s *Store) loadSettings(ctx context.Context) (Settings, error) {
	var rows []struct{ Name, Value string }
	if err := s.db.WithContext(ctx).Table("settings").Select("name, value").Where("name <> ?", referenceVersionName).Scan(&rows).Error; err != nil {
		return Settings{}, translate(err, "load settings")
	}
	stored := make(map[string]string, len(rows))
	for _, r := range rows {
		stored[r.Name] = r.Value
	}
	return ApplySettings(DefaultSettings(), stored)
}

// SaveSettings stores the settings that differ from the defaults, after checking them.
func (s *Store) SaveSettings(ctx context.Context, set Settings) error {
	if err := set.Validate(); err != nil {
		return err
	}
	now := s.now()
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		for name, p := range set.fields() {
			var v string
			switch p := p.(type) {
			case *bool:
				v = strconv.FormatBool(*p)
			case *int:
				v = strconv.Itoa(*p)
			case *string:
				v = *p
			}
			row := map[string]any{"name": name, "value": v, "updated_at": now}
			if err := tx.Table("settings").Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "name"}},
				DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"}),
			}).Create(row).Error; err != nil {
				return err
			}
		}
		return nil
	})
	s.invalidateCache()
	return translate(err, "save settings")
}

// Categories returns the categories citizens can choose, in display order.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	_, _, cats, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	active := make([]Category, 0, len(cats))
	for _, c := range cats {
		if c.Active {
			active = append(active, c)
		}
	}
	return active, nil
}

// calendarRow is how a CalendarDay is stored.
type calendarRow struct {
	Day        time.Time `gorm:"primaryKey"`
	OffDay     bool
	Name       string
	Source     string
	NoticeYear int
}

func (calendarRow) TableName() string { return "calendar_days" }

var upsertDay = clause.OnConflict{
	Columns:   []clause.Column{{Name: "day"}},
	DoUpdates: clause.AssignmentColumns([]string{"off_day", "name", "source", "notice_year"}),
}

// Calendar returns the working-day calendar in force.
func (s *Store) Calendar(ctx context.Context) (*Calendar, error) {
	_, cal, _, err := s.reference(ctx)
	return cal, err
}

func (s *Store) loadCalendar(ctx context.Context) (*Calendar, error) {
	cal, err := loadCalendarFrom(s.db.WithContext(ctx))
	return cal, translate(err, "load calendar")
}

// loadCalendarFrom reads the calendar in db, which may be a transaction's.
func loadCalendarFrom(db *gorm.DB) (*Calendar, error) {
	var rows []calendarRow
	if err := db.Find(&rows).Error; err != nil {
		return nil, err
	}
	var years []int
	if err := db.Table("calendar_years").Order("year").Pluck("year", &years).Error; err != nil {
		return nil, err
	}
	days := make([]CalendarDay, len(rows))
	for i, r := range rows {
		days[i] = CalendarDay{Day: dateOfValue(r.Day), OffDay: r.OffDay, Name: r.Name, Source: r.Source, NoticeYear: r.NoticeYear}
	}
	return NewCalendar(days, years), nil
}

// MissingNotices lists the years whose notice deadlines depend on and that are not imported
// (Calendar.MissingNotices), for the administrator's warning.
func (s *Store) MissingNotices(ctx context.Context) ([]int, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	today := DateOf(s.clock.Now())
	latest := today
	for _, column := range []string{"deadline", "triage_deadline"} {
		var last []time.Time
		err := s.db.WithContext(ctx).Model(&Ticket{}).Where("status IN ? AND "+column+" IS NOT NULL", openStatuses).
			Order(column+" DESC").Limit(1).Pluck(column, &last).Error
		if err != nil {
			return nil, translate(err, "latest "+column)
		}
		if len(last) > 0 && latest.Before(DateOf(last[0])) {
			latest = DateOf(last[0])
		}
	}
	return cal.MissingNotices(today, latest), nil
}

// ImportHolidayNotice stores a year's State Council notice (holiday-cn JSON), replacing an earlier
// import of the same year. Days an administrator changed by hand keep the administrator's value.
func (s *Store) ImportHolidayNotice(ctx context.Context, data []byte) (year, days int, err error) {
	notice, parsed, err := ParseHolidayNotice(data)
	if err != nil {
		return 0, 0, err
	}
	papers, _ := json.Marshal(notice.Papers)
	if err := s.recountAndDispatch(ctx); err != nil { // a change waits for the recount of the one before
		return 0, 0, err
	}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		before, err := loadCalendarFrom(tx)
		if err != nil {
			return err
		}
		if err := tx.Where("notice_year = ? AND source = ?", notice.Year, CalendarNotice).Delete(&calendarRow{}).Error; err != nil {
			return err
		}
		var manual []time.Time
		if err := tx.Model(&calendarRow{}).Where("source = ?", CalendarManual).Pluck("day", &manual).Error; err != nil {
			return err
		}
		keep := map[Date]bool{}
		for _, m := range manual {
			keep[dateOfValue(m)] = true
		}
		for _, d := range parsed {
			if keep[d.Day] { // an administrator's change of that day wins
				continue
			}
			// A day another year's notice also lists is taken from this, the newer import.
			row := calendarRow{Day: dateValue(d.Day), OffDay: d.OffDay, Name: d.Name, Source: CalendarNotice, NoticeYear: d.NoticeYear}
			if err := tx.Clauses(upsertDay).Create(&row).Error; err != nil {
				return err
			}
		}
		yearRow := map[string]any{"year": notice.Year, "papers": string(papers), "imported_at": s.now()}
		err = tx.Table("calendar_years").Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "year"}},
			DoUpdates: clause.AssignmentColumns([]string{"papers", "imported_at"}),
		}).Create(yearRow).Error
		if err != nil {
			return err
		}
		// The deadlines it touches are recounted from this record (RecountDeadlines).
		return recordCalendarChange(tx, before, fmt.Sprintf("导入 %d 年放假安排", notice.Year), s.now())
	})
	s.invalidateCache()
	if err != nil {
		return 0, 0, translate(err, fmt.Sprintf("import calendar %d", notice.Year))
	}
	return notice.Year, len(parsed), nil
}

// SetCalendarDay records an administrator's one-off change: day becomes an off day or a working
// day whatever the notice says. The day must lie between MinNoticeYear, before which there is no
// notice to correct, and the end of next year: no notice is published further ahead and no
// deadline runs further, so a later day (or 1900) is a slip of the keyboard, and would only make
// the calendar show a year nobody needs.
func (s *Store) SetCalendarDay(ctx context.Context, day Date, offDay bool, name string) error {
	if last := DateOf(s.clock.Now()).Year + 1; day.Year < MinNoticeYear || day.Year > last {
		return Invalid("day", fmt.Sprintf("只能调整 %d 年至 %d 年的日子", MinNoticeYear, last))
	}
	if utf8.RuneCountInString(name) > maxDayName {
		return Invalid("name", fmt.Sprintf("说明不能超过 %d 个字", maxDayName))
	}
	row := calendarRow{Day: dateValue(day), OffDay: offDay, Name: name, Source: CalendarManual, NoticeYear: day.Year}
	if err := s.recountAndDispatch(ctx); err != nil { // a change waits for the recount of the one before
		return err
	}
	why := fmt.Sprintf("%s 调整为%s", day, map[bool]string{true: "休息日", false: "工作日"}[offDay])
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		before, err := loadCalendarFrom(tx)
		if err != nil {
			return err
		}
		if err := tx.Clauses(upsertDay).Create(&row).Error; err != nil {
			return err
		}
		// The deadlines it touches are recounted from this record (RecountDeadlines).
		return recordCalendarChange(tx, before, why, s.now())
	})
	s.invalidateCache()
	return translate(err, "set calendar day")
}

// dateValue stores a Date as midnight UTC, which both dialects keep as that calendar day.
func dateValue(d Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

func dateOfValue(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{y, m, d}
}
