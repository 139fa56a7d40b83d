package models

import (
	"slices"
	"testing"
)

// The plan reads the fewest days from the tickets: whole months from the rollups, and at each end
// the part of the edge month inside the period or the part outside it, whichever is shorter.
func TestPlanRollups(t *testing.T) {
	day := func(s string) Date { d, _ := ParseDate(s); return d }
	for _, c := range []struct {
		from, to string // whole days, to included
		a, b     string // the months read from the rollups; "" when none
		spans    string
	}{
		{"2025-01-01", "2025-03-31", "2025-01-01", "2025-04-01", ""},
		{"2025-01-03", "2025-03-28", "2025-01-01", "2025-04-01", "-01-01..01-03 -03-29..04-01"},
		{"2025-01-20", "2025-03-10", "2025-02-01", "2025-03-01", "+01-20..02-01 +03-01..03-11"},
		{"2025-02-03", "2025-02-26", "2025-02-01", "2025-03-01", "-02-01..02-03 -02-27..03-01"},
		{"2025-02-10", "2025-02-20", "", "", "+02-10..02-21"},
	} {
		from, to := day(c.from).At(0, 0, 0), day(c.to).AddDays(1).At(0, 0, 0)
		a, b, spans := planRollups(from, to)
		var got string
		for _, sp := range spans {
			sign := "+"
			if sp.outside {
				sign = "-"
			}
			if got != "" {
				got += " "
			}
			got += sign + sp.from.In(Shanghai).Format("01-02") + ".." + sp.to.In(Shanghai).Format("01-02")
		}
		wantA, wantB := c.a, c.b
		if c.a == "" {
			wantA, wantB = c.from, c.from
		}
		if DateOf(a).String() != wantA || DateOf(b).String() != wantB || got != c.spans {
			t.Errorf("%s..%s: rollups %s..%s, tickets %q; want %s..%s, %q", c.from, c.to, DateOf(a), DateOf(b), got, wantA, wantB, c.spans)
		}
	}
}

// The open statuses the live count reads are every status but closed and invalid.
func TestUnsettledStatusesAreEveryOtherStatus(t *testing.T) {
	for s := range statusLabels {
		open := s != StatusClosed && s != StatusInvalid
		if slices.Contains(unsettledStatuses, s) != open {
			t.Errorf("status %s: in unsettledStatuses %v, open %v", s, !open, open)
		}
	}
	if len(unsettledStatuses) != len(statusLabels)-2 {
		t.Errorf("unsettledStatuses %v", unsettledStatuses)
	}
}
