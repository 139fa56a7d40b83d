package inspector

import "math"

// Verdicts of a round.
const (
	Pass = "合格"
	Fail = "不合格"
)

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
			IndicatorHomepageLinks:   {Each: 1, Total: 5},
			IndicatorOtherLinks:      {Each: 0.1, Total: 5},
			IndicatorColumnStale:     {Each: 1, Total: 10},
			IndicatorBlankColumn:     {Each: 1, Total: 5},
			IndicatorBadge:           {Each: 2, Total: 2},
			IndicatorFooter:          {Each: 1, Total: 5},
			IndicatorAccountFunction: {Each: 1, Total: 5},
		},
	}
}

// points is what one finding under the indicator deducts.
func (t ScoreTable) points(indicator string) float64 { return t.Deductions[indicator].Each }

// Score gives the verdict and score of the findings that count: any veto fails the site;
// otherwise the full score minus the deductions, each indicator capped at its total, and
// below the pass mark fails. Leaving out suspected findings that nobody has confirmed is
// the caller's job: Score counts what it is given.
func Score(findings []Finding, table ScoreTable) (verdict string, score float64) {
	full := table.Full
	if full == 0 {
		full = 100
	}
	byIndicator := map[string]float64{}
	veto := false
	for _, f := range findings {
		if f.Veto {
			veto = true
		}
		if !f.Warning {
			byIndicator[f.Indicator] += f.Points
		}
	}
	score = full
	for ind, p := range byIndicator {
		if d, ok := table.Deductions[ind]; ok && d.Total > 0 && p > d.Total {
			p = d.Total
		}
		score -= p
	}
	// Tenths of a point add up with binary rounding noise; the table has one decimal.
	score = math.Max(0, math.Round(score*100)/100)
	if veto || score < table.PassMark {
		return Fail, score
	}
	return Pass, score
}
