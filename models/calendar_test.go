package models_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
)

// shippedCalendar builds the calendar from the notices the release ships.
func shippedCalendar(t *testing.T) *models.Calendar {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("holidays", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no shipped calendars: %v", err)
	}
	var years []string
	for _, f := range files {
		years = append(years, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	return calendarOf(t, years...)
}

// calendarOf builds the calendar from the shipped notices of the given years only.
func calendarOf(t *testing.T, ys ...string) *models.Calendar {
	t.Helper()
	var days []models.CalendarDay
	var years []int
	for _, y := range ys {
		data, err := os.ReadFile(filepath.Join("holidays", y+".json"))
		if err != nil {
			t.Fatal(err)
		}
		n, d, err := models.ParseHolidayNotice(data)
		if err != nil {
			t.Fatal(err)
		}
		days = append(days, d...)
		years = append(years, n.Year)
	}
	return models.NewCalendar(days, years)
}

func TestDeadlineExamplesFromRules(t *testing.T) {
	cal := shippedCalendar(t)
	tests := []struct {
		name         string
		assigned     string
		plus1, plus3 string
	}{
		{"ordinary week", "2025-03-25 10:00", "2025-03-26", "2025-03-28"},
		{"into the National Day break", "2025-09-29 10:00", "2025-09-30", "2025-10-10"},
		{"调休 Sunday before Spring Festival", "2025-01-24 16:30", "2025-01-26", "2025-02-05"},
		{"across the year into a 调休 Sunday", "2025-12-31 09:00", "2026-01-04", "2026-01-06"},
		{"late at night counts from the next day", "2025-03-25 23:59", "2025-03-26", "2025-03-28"},
		{"just after midnight is the new day", "2025-03-26 00:00", "2025-03-27", "2025-03-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, _ := time.ParseInLocation("2006-01-02 15:04", tt.assigned, models.Shanghai)
			for n, want := range map[int]string{1: tt.plus1, 3: tt.plus3} {
				got, estimated := cal.Deadline(at, n)
				wantT, _ := time.ParseInLocation(time.DateTime, want+" 23:59:59", models.Shanghai)
				if !got.Equal(wantT) || estimated {
					t.Errorf("+%d working days from %s = %s (estimated %v), want %s", n, tt.assigned, got.In(models.Shanghai), estimated, wantT)
				}
			}
		})
	}
}

func TestDeadlineIsComputedInShanghaiWhateverTheCallersZone(t *testing.T) {
	cal := shippedCalendar(t)
	// 2025-03-25 17:00 UTC is already Wednesday 01:00 in Shanghai.
	at := time.Date(2025, 3, 25, 17, 0, 0, 0, time.UTC)
	got, _ := cal.Deadline(at, 1)
	if d := models.DateOf(got); d.String() != "2025-03-27" {
		t.Fatalf("deadline day = %s, want 2025-03-27", d)
	}
	if got.In(models.Shanghai).Format("15:04:05") != "23:59:59" {
		t.Fatalf("deadline time = %s, want 23:59:59 Asia/Shanghai", got.In(models.Shanghai))
	}
}

func TestDeadlineIntoAYearWithoutNoticeIsFlagged(t *testing.T) {
	cal := calendarOf(t, "2023", "2024", "2025", "2026") // as before the 2027 notice
	tests := []struct {
		name      string
		at        string
		n         int
		want      string
		estimated bool
	}{
		{"inside known years", "2026-12-28 10:00", 3, "2026-12-31", false},
		// 2027-01-01 is off by law (元旦) even before the notice: estimated, but not weekends only.
		{"reaching into 2027", "2026-12-30 10:00", 3, "2027-01-05", true},
		{"wholly in 2027, no holiday on the way", "2027-03-05 10:00", 1, "2027-03-08", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, _ := time.ParseInLocation("2006-01-02 15:04", tt.at, models.Shanghai)
			got, estimated := cal.Deadline(at, tt.n)
			if models.DateOf(got).String() != tt.want || estimated != tt.estimated {
				t.Fatalf("got %s estimated=%v, want %s estimated=%v", models.DateOf(got), estimated, tt.want, tt.estimated)
			}
		})
	}
}

// Every day the official 2024–2026 files list must come out as they say, and every day they do
// not list must follow Monday–Friday.
func TestCalendarAgreesWithEveryOfficialDay(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "holiday-cn")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the official files are not beside the checkout (%s); CI has them", dir)
	}
	cal := shippedCalendar(t)
	for _, year := range []int{2024, 2025, 2026} {
		data, err := os.ReadFile(filepath.Join(dir, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Days []struct {
				Date     string `json:"date"`
				IsOffDay bool   `json:"isOffDay"`
			} `json:"days"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		listed := map[string]bool{}
		for _, d := range f.Days {
			day, err := models.ParseDate(d.Date)
			if err != nil {
				t.Fatal(err)
			}
			listed[d.Date] = true
			if got := cal.IsWorkingDay(day); got == d.IsOffDay {
				t.Errorf("%s: working day = %v, the notice says isOffDay = %v", d.Date, got, d.IsOffDay)
			}
		}
		for d := (models.Date{Year: year, Month: 1, Day: 1}); d.Year == year; d = d.AddDays(1) {
			if listed[d.String()] {
				continue
			}
			weekday := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
			if cal.IsWorkingDay(d) != weekday {
				t.Errorf("%s (%s, not in the notice): working day = %v", d, d.Weekday(), !weekday)
			}
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cal := shippedCalendar(t)
	at := func(s string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", s, models.Shanghai)
		return t
	}
	tests := []struct {
		name     string
		from, to string
		want     int
	}{
		{"same day", "2025-03-25 09:00", "2025-03-25 18:00", 0},
		{"next day", "2025-03-25 09:00", "2025-03-26 08:00", 1},
		{"over a weekend", "2025-03-28 09:00", "2025-03-31 09:00", 1},
		{"over the National Day break", "2025-09-29 09:00", "2025-10-10 09:00", 3},
		{"backwards is zero", "2025-03-26 09:00", "2025-03-25 09:00", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.WorkingDaysBetween(at(tt.from), at(tt.to)); got != tt.want {
				t.Fatalf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestParseHolidayNoticeRejectsBadFiles(t *testing.T) {
	tests := []struct{ name, body string }{
		{"not JSON", `{"year": 2027,`},
		{"year out of range", `{"year": 1800, "days": []}`},
		{"bad date", `{"year": 2027, "days": [{"name": "元旦", "date": "2027-13-01", "isOffDay": true}]}`},
		{"date of another year", `{"year": 2027, "days": [{"name": "元旦", "date": "2030-01-01", "isOffDay": true}]}`},
		{"missing isOffDay", `{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01"}]}`},
		{"duplicate day", `{"year": 2027, "days": [{"name": "a", "date": "2027-01-01", "isOffDay": true}, {"name": "b", "date": "2027-01-01", "isOffDay": false}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := models.ParseHolidayNotice([]byte(tt.body)); models.ErrorKind(err) != models.KindInvalid {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
		})
	}
}
