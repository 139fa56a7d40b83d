package models_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
)

// The 2027 notice ships with the release: a ticket assigned on 2026-12-30 with 3 working days has
// its deadline counted over 元旦 2027 (1-1 to 1-3 off), and it is not an estimate.
func TestShippedCalendarCountsOverNewYear2027(t *testing.T) {
	cal := shippedCalendar(t)
	at := time.Date(2026, 12, 30, 10, 0, 0, 0, models.Shanghai)
	got, estimated := cal.Deadline(at, 3)
	if d := models.DateOf(got); d.String() != "2027-01-05" || estimated {
		t.Fatalf("deadline = %s estimated=%v, want 2027-01-05 not estimated", d, estimated)
	}
	// The 调休 Sunday before 春节 is a working day; 春节 itself is not.
	for day, working := range map[string]bool{"2027-01-31": true, "2027-02-08": false, "2027-02-14": true, "2027-10-07": false} {
		d, _ := models.ParseDate(day)
		if cal.IsWorkingDay(d) != working {
			t.Errorf("%s working = %v, want %v", day, !working, working)
		}
	}
}

// The law's days, computed with lunar-go, are off days in every notice published under the 2024
// amendment: 2025, 2026 and 2027. (Checked against the official files beside the checkout too,
// where CI has them.)
func TestStatutoryHolidaysAreOffInTheNotices(t *testing.T) {
	cal := shippedCalendar(t)
	for _, year := range []int{2025, 2026, 2027} {
		days := models.StatutoryHolidays(year)
		if len(days) != 13 {
			t.Errorf("%d: %d statutory days, want 13 (1+4+1+2+1+1+3)", year, len(days))
		}
		for d, name := range days {
			if day := cal.Day(d); day.Working || day.Kind != models.DayHoliday {
				t.Errorf("%d: statutory %s (%s) is %+v in the notice, want an off day", year, d, name, day)
			}
		}
	}
	dir := filepath.Join("..", "..", "shared", "data", "holiday-cn")
	if _, err := os.Stat(dir); err != nil {
		return
	}
	for _, year := range []string{"2025", "2026", "2027"} {
		data, err := os.ReadFile(filepath.Join(dir, year+".json"))
		if err != nil {
			t.Fatal(err)
		}
		_, listed, err := models.ParseHolidayNotice(data)
		if err != nil {
			t.Fatal(err)
		}
		off := map[models.Date]bool{}
		for _, d := range listed {
			off[d.Day] = d.OffDay
		}
		y := listed[0].NoticeYear
		for d, name := range models.StatutoryHolidays(y) {
			if !off[d] {
				t.Errorf("official %s: statutory %s (%s) is not an off day", year, d, name)
			}
		}
	}
}

// A year without a notice is estimated with the law's days: 2028's 春节 is 除夕 1-25 to 初三 1-28
// (初一 is 2028-01-26), with no 调休 guessed, and the deadline is flagged.
func TestYearWithoutNoticeIsEstimatedWithStatutoryDays(t *testing.T) {
	cal := shippedCalendar(t) // through 2027
	days := models.StatutoryHolidays(2028)
	for _, want := range []string{"2028-01-01", "2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28", "2028-05-01", "2028-05-02", "2028-10-01", "2028-10-03"} {
		d, _ := models.ParseDate(want)
		if _, ok := days[d]; !ok {
			t.Errorf("2028 statutory days lack %s: %v", want, days)
		}
	}
	// Monday 2028-01-24 + 3 working days: 1-25 (除夕, Tue) to 1-28 (Fri) are off, 1-29/30 weekend:
	// 1-31, 2-1, 2-2.
	at := time.Date(2028, 1, 24, 10, 0, 0, 0, models.Shanghai)
	got, estimated := cal.Deadline(at, 3)
	if d := models.DateOf(got); d.String() != "2028-02-02" || !estimated {
		t.Fatalf("deadline = %s estimated=%v, want 2028-02-02 estimated", d, estimated)
	}
	if day := cal.Day(models.Date{Year: 2028, Month: 1, Day: 25}); day.Kind != models.DayStatutory || day.Name != "春节" || !day.Estimated {
		t.Fatalf("2028-01-25 = %+v, want a statutory 春节 estimate", day)
	}
	// No 调休 guessed: the Saturday after the break stays a weekend day.
	if cal.IsWorkingDay(models.Date{Year: 2028, Month: 2, Day: 5}) {
		t.Fatal("2028-02-05 (Saturday) guessed as a 调休 working day")
	}
}

// The explanation is the count the deadline comes from, day by day.
func TestDeadlineExplanationNamesWhatWasSkipped(t *testing.T) {
	cal := shippedCalendar(t)
	from := models.Date{Year: 2026, Month: 12, Day: 30}
	got := cal.DeadlineExplanation(from, 3)
	want := "自 2026年12月30日 起算 3 个工作日：计入 12月31日；跳过 2027年1月1日–2027年1月3日（元旦）；计入 2027年1月4日–2027年1月5日。"
	if got != want {
		t.Fatalf("explanation\n got %s\nwant %s", got, want)
	}
	steps := cal.Explain(from, 3)
	if last := steps[len(steps)-1].Day; last.String() != "2027-01-05" {
		t.Fatalf("explain ends on %s, want the deadline's day", last)
	}
	// Over the 2027 春节: the 调休 Sunday counts, the break is skipped with its name.
	got = cal.DeadlineExplanation(models.Date{Year: 2027, Month: 1, Day: 29}, 3)
	for _, part := range []string{"计入 1月31日（春节调休上班）", "跳过 1月30日（周末）", "计入 2月1日–2月2日"} {
		if !strings.Contains(got, part) {
			t.Errorf("explanation %q lacks %q", got, part)
		}
	}
	// An estimate says so.
	got = calendarOf(t, "2026").DeadlineExplanation(from, 3)
	if !strings.Contains(got, "（元旦，法定节假日，估算）") || !strings.Contains(got, "估算") {
		t.Errorf("estimated explanation %q does not say it is an estimate", got)
	}
}
