package models_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"zhaocuo/models"
)

func TestMissingNoticesAreTheYearsDeadlinesNeed(t *testing.T) {
	// The 2023 notice reaches 2022-12-31, and a day of 2030 was set by hand.
	days := []models.CalendarDay{
		{Day: models.Date{Year: 2022, Month: 12, Day: 31}, OffDay: true, Source: models.CalendarNotice, NoticeYear: 2023},
		{Day: models.Date{Year: 2030, Month: 1, Day: 2}, OffDay: true, Source: models.CalendarManual, NoticeYear: 2030},
	}
	cal := models.NewCalendar(days, []int{2023, 2024, 2025})
	date := func(s string) models.Date {
		d, err := models.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name, today, latest string
		want                []int
	}{
		{"spring: this year is imported, next year's notice is not out", "2025-03-25", "2025-04-10", nil},
		{"November: next year's notice is due", "2025-11-01", "2025-11-20", []int{2026}},
		{"October: not yet", "2025-10-31", "2025-11-20", nil},
		{"a deadline extended into next year", "2025-03-25", "2026-01-05", []int{2026}},
		{"a new year without its notice", "2026-01-02", "2026-01-10", []int{2026}},
		{"a year only another notice reaches is never asked for", "2023-03-01", "2023-03-10", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.MissingNotices(date(tt.today), date(tt.latest)); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzParseHolidayNotice: whatever is uploaded, the answer is a notice or an invalid-input error
// in the administrator's words, never the decoder's.
func FuzzParseHolidayNotice(f *testing.F) {
	shipped, err := os.ReadFile("holidays/2025.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	for _, s := range []string{`{"year": 2027, "days": "x"}`, `{"year": "2027"}`, `[1]`, `true`, `this is not json`, `{"year": 2027,`, "\uFEFF{}", ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := models.ParseHolidayNotice(data)
		if err == nil {
			return
		}
		msg := models.ErrorMessage(err)
		if models.ErrorKind(err) != models.KindInvalid {
			t.Fatalf("%v, want an invalid-input error", err)
		}
		for _, raw := range []string{"json:", "Go ", "struct", "invalid character", "unexpected end"} {
			if strings.Contains(msg, raw) {
				t.Fatalf("message %q shows the decoder's %q", msg, raw)
			}
		}
	})
}
