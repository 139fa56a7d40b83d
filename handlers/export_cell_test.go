package handlers

import (
	"testing"
	"time"

	"zhaocuo/models"
)

// Every text cell that a spreadsheet would read as a formula (or a DDE call) is written with a
// quote before it; numbers, rates and times, which the code writes itself, are left as they are.
func TestCSVCellNeutralisesFormulas(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"\tplain", "'\tplain"},
		{"  =1+1", "'  =1+1"},
		{"\u3000＝1+1", "'\u3000＝1+1"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠A1", "'＠A1"},
		{"页面 = 错误", "页面 = 错误"},
		{"a-b", "a-b"},
		{"", ""},
		{-3, "-3"},
		{int64(-7), "-7"},
		{2.5, "2.5"},
		{time.Date(2025, 3, 25, 2, 0, 0, 0, time.UTC), "2025-03-25 10:00"},
		{nil, ""},
		{models.Rate{}, models.Rate{}.Percent(2)},
	} {
		if got := csvCell(tc.in); got != tc.want {
			t.Errorf("csvCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
