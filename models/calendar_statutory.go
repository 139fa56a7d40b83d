package models

import (
	"sync"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"
)

// StatutoryHolidays returns, for a year, the public holidays the law itself fixes (国务院令第795号
// 《全国年节及纪念日放假办法》 as amended in 2024, in force from 2025): 元旦 1 day; 春节 4 days,
// 除夕 to 初三; 清明 1 day, the day of the 清明 solar term; 劳动节 2 days, 5-1 and 5-2; 端午 1 day;
// 中秋 1 day; 国庆 3 days, 10-1 to 10-3. The lunar dates and the solar term come from lunar-go.
//
// A year whose State Council notice is not imported is counted with these days off (and weekends),
// never with the notice's 调休: which weekends are swapped is the notice's choice, not the law's,
// so no swap is guessed. Its deadlines stay flagged as estimates until the notice comes. The names
// are the notices' own, so that an explanation reads the same before and after the notice.
func StatutoryHolidays(year int) map[Date]string {
	statutory.Lock()
	defer statutory.Unlock()
	if days, ok := statutory.years[year]; ok {
		return days
	}
	days := map[Date]string{}
	if year < firstStatutoryYear || year > MaxNoticeYear {
		// Before 2025 the law fixed other days (and every such year had its notice); lunar-go
		// panics on a year far outside its tables. A date of a clock set wrong must not.
		return days
	}
	add := func(d Date, name string) { days[d] = name }
	add(Date{year, 1, 1}, "元旦")
	// 除夕 is the last day of the old lunar year, the day before 初一: 腊月 may have 29 days, so it is
	// counted back from 初一 rather than named as 腊月三十.
	newYear := solarDate(lunar.NewLunarFromYmd(year, 1, 1).GetSolar())
	for i := -1; i <= 2; i++ {
		add(newYear.AddDays(i), "春节")
	}
	if qm, ok := lunar.NewLunarFromYmd(year, 3, 1).GetJieQiTable()["清明"]; ok {
		add(solarDate(qm), "清明节")
	}
	add(Date{year, 5, 1}, "劳动节")
	add(Date{year, 5, 2}, "劳动节")
	add(solarDate(lunar.NewLunarFromYmd(year, 5, 5).GetSolar()), "端午节")
	add(solarDate(lunar.NewLunarFromYmd(year, 8, 15).GetSolar()), "中秋节")
	for d := 1; d <= 3; d++ {
		add(Date{year, 10, d}, "国庆节")
	}
	statutory.years[year] = days
	return days
}

// firstStatutoryYear is the first year of the days above (the amendment of 2024-11-10).
const firstStatutoryYear = 2025

// statutory keeps each year's days once computed: the lunar computation is pure, and the
// calendar asks for a year on every day it counts in it.
var statutory = struct {
	sync.Mutex
	years map[int]map[Date]string
}{years: map[int]map[Date]string{}}

func solarDate(s *lunar.Solar) Date {
	return Date{s.GetYear(), time.Month(s.GetMonth()), s.GetDay()}
}
