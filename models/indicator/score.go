package indicator

import (
	"math"
	"strconv"
)

// Verdicts of a site's check.
const (
	Pass = "合格"
	Fail = "不合格"
)

// Why a site's crawl stopped before it had read the whole site (its Stopped): the verdict then
// rests on part of the site, 部分检查.
const (
	StoppedMaxPages    = "MaxPages"    // the pages a crawl reads per site
	StoppedMaxDuration = "MaxDuration" // the time a crawl takes per site
	// StoppedMemoryWait: the crawl waited for the worker's memory (the time waited does not count
	// against MaxDuration) until its task's time ran out, before it had read for MaxDuration.
	StoppedMemoryWait = "MemoryWait"
)

// Partial says a verdict that rests on part of a site: the pages checked and the limit that
// stopped the crawl. "" when the crawl read the whole site.
func Partial(stopped string, pages int) string {
	var limit string
	switch stopped {
	case "":
		return ""
	case StoppedMaxPages:
		limit = "，达到单站页面数上限"
	case StoppedMaxDuration:
		limit = "，达到单站检查时长上限"
	case StoppedMemoryWait:
		limit = "，检查服务器内存不足，等待超时"
	}
	return "部分检查：已检查 " + strconv.Itoa(pages) + " 个页面" + limit
}

// Deduction is one row of the 扣分 table: points for each finding and the cap of the
// indicator (deductions within one indicator stop at its total).
type Deduction struct {
	Each  float64
	Total float64
}

// ScoreTable is the 扣分 table with the full score and the pass mark.
type ScoreTable struct {
	Full       float64
	PassMark   float64
	Deductions map[string]Deduction // by indicator name
}

// DefaultScoreTable is RULES.md's "扣分" defaults, in force until an administrator enters
// the official table.
func DefaultScoreTable() ScoreTable {
	return ScoreTable{
		Full:     100,
		PassMark: 60,
		Deductions: map[string]Deduction{
			HomepageLinks:   {Each: 1, Total: 5},
			OtherLinks:      {Each: 0.1, Total: 5},
			ColumnStale:     {Each: 1, Total: 10},
			BlankColumn:     {Each: 1, Total: 5},
			Badge:           {Each: 2, Total: 2},
			Footer:          {Each: 1, Total: 5},
			AccountFunction: {Each: 1, Total: 5},
		},
	}
}

// Points is what one finding under the indicator deducts.
func (t ScoreTable) Points(indicator string) float64 { return t.Deductions[indicator].Each }

// Mark is what a finding weighs in the score: its indicator and points, and whether it
// vetoes the site (单项否决) or only warns (预警: no points).
type Mark struct {
	Indicator string
	Points    float64
	Veto      bool
	Warning   bool
}

// Score gives the verdict and score of the findings that count: any veto fails the site;
// otherwise the full score minus the deductions, each indicator capped at its total, and
// below the pass mark fails. Leaving out suspected findings that nobody has confirmed is
// the caller's job: Score counts what it is given.
func (t ScoreTable) Score(marks []Mark) (verdict string, score float64) {
	full := t.Full
	if full == 0 {
		full = 100
	}
	byIndicator := map[string]float64{}
	veto := false
	for _, m := range marks {
		if m.Veto {
			veto = true
		}
		if !m.Warning {
			byIndicator[m.Indicator] += m.Points
		}
	}
	score = full
	for ind, p := range byIndicator {
		if d, ok := t.Deductions[ind]; ok && d.Total > 0 && p > d.Total {
			p = d.Total
		}
		score -= p
	}
	// Tenths of a point add up with binary rounding noise; the table has one decimal.
	score = math.Max(0, math.Round(score*100)/100)
	if veto || score < t.PassMark {
		return Fail, score
	}
	return Pass, score
}
