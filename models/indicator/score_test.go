package indicator

import "testing"

func TestScore(t *testing.T) {
	table := DefaultScoreTable()
	many := func(n int, m Mark) []Mark {
		out := make([]Mark, n)
		for i := range out {
			out[i] = m
		}
		return out
	}
	homeLink := Mark{Indicator: HomepageLinks, Points: 1}
	otherLink := Mark{Indicator: OtherLinks, Points: 0.1}
	stale := Mark{Indicator: ColumnStale, Points: 1}
	tests := []struct {
		name        string
		marks       []Mark
		wantVerdict string
		wantScore   float64
	}{
		{name: "nothing", wantVerdict: Pass, wantScore: 100},
		{name: "two homepage links", marks: many(2, homeLink), wantVerdict: Pass, wantScore: 98},
		{name: "homepage links capped at 5", marks: many(9, homeLink), wantVerdict: Pass, wantScore: 95},
		{name: "tenths add up exactly", marks: many(3, otherLink), wantVerdict: Pass, wantScore: 99.7},
		{name: "a veto fails whatever the score", marks: []Mark{{Veto: true, Indicator: Security}}, wantVerdict: Fail, wantScore: 100},
		{name: "warnings cost nothing", marks: []Mark{{Warning: true, Indicator: HomepageStale, Points: 3}}, wantVerdict: Pass, wantScore: 100},
		{name: "below the pass mark",
			marks: append(append(append(many(5, homeLink), many(50, otherLink)...), many(10, stale)...),
				Mark{Indicator: "自定义", Points: 25}),
			wantVerdict: Fail, wantScore: 55},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, s := table.Score(tt.marks)
			if v != tt.wantVerdict || s != tt.wantScore {
				t.Errorf("Score = %s %g, want %s %g", v, s, tt.wantVerdict, tt.wantScore)
			}
		})
	}
}

// TestPartial: a crawl a limit stopped gives a verdict that says so, with the pages checked
// and the limit; a whole crawl says nothing.
func TestPartial(t *testing.T) {
	for _, tt := range []struct {
		stopped string
		pages   int
		want    string
	}{
		{"", 40, ""},
		{StoppedMaxPages, 10000, "部分检查：已检查 10000 个页面，达到单站页面数上限"},
		{StoppedMaxDuration, 731, "部分检查：已检查 731 个页面，达到单站检查时长上限"},
		{StoppedMemoryWait, 12, "部分检查：已检查 12 个页面，检查服务器内存不足，等待超时"},
	} {
		if got := Partial(tt.stopped, tt.pages); got != tt.want {
			t.Errorf("Partial(%q, %d) = %q, want %q", tt.stopped, tt.pages, got, tt.want)
		}
	}
}
