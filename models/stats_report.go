package models

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// StatsRow is one line of a rates table: a unit, a region (with everything below it) or a
// category, with its counts. Rank is 0 for a line with fewer due tickets than the ranking minimum:
// such lines are listed apart, so that one ticket neither tops nor sinks a ranking.
type StatsRow struct {
	Key  string // unit id, region code or category id: what the ticket list filters on
	Own  bool   // a region table's 本级 line: the region's own tickets, not those below (Selection.RegionOwn)
	Name string
	Counts
	Rank int
}

// StatsTable is a rates table and its total.
type StatsTable struct {
	GroupBy string // unit, region or category
	Rows    []StatsRow
	Total   Counts
	MinDue  int // the ranking minimum
}

// Ranked and Unranked split the rows by the ranking minimum.
func (t *StatsTable) Ranked() []StatsRow   { return t.filter(true) }
func (t *StatsTable) Unranked() []StatsRow { return t.filter(false) }

func (t *StatsTable) filter(ranked bool) []StatsRow {
	var out []StatsRow
	for _, r := range t.Rows {
		if (r.Rank > 0) == ranked {
			out = append(out, r)
		}
	}
	return out
}

// statsNames are the names the tables show.
type statsNames struct {
	units      map[int64]string
	regions    map[int64]Region
	byCode     map[string]Region
	categories map[int64]string
}

func (s *Store) statsNames(ctx context.Context) (*statsNames, error) {
	n := &statsNames{units: map[int64]string{}, regions: map[int64]Region{}, byCode: map[string]Region{}, categories: map[int64]string{}}
	var units []Unit
	if err := s.db.WithContext(ctx).Find(&units).Error; err != nil {
		return nil, translate(err, "stats names")
	}
	for _, u := range units {
		n.units[u.ID] = u.Name
	}
	var regions []Region
	if err := s.db.WithContext(ctx).Find(&regions).Error; err != nil {
		return nil, translate(err, "stats names")
	}
	for _, r := range regions {
		n.regions[r.ID], n.byCode[r.Code] = r, r
	}
	_, _, cats, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		n.categories[c.ID] = c.Name
	}
	return n, nil
}

// CompletionTable counts the query's tickets and groups them: by unit, by the regions directly
// below rootPath (each with its whole subtree; the root's own units form a line of their own),
// or by category. Lines are ordered by 按期办结率, lowest first, so units under 100% lead.
func (s *Store) CompletionTable(ctx context.Context, q StatsQuery, groupBy, rootPath string) (*StatsTable, error) {
	q.GroupBy = groupBy
	cells, err := s.CompletionStats(ctx, q)
	if err != nil {
		return nil, err
	}
	names, err := s.statsNames(ctx)
	if err != nil {
		return nil, err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	t := &StatsTable{GroupBy: groupBy, MinDue: set.RankingMinDue}
	rows := map[string]*StatsRow{}
	row := func(key, name string) *StatsRow {
		if rows[key] == nil {
			rows[key] = &StatsRow{Key: key, Name: name}
		}
		return rows[key]
	}
	own := func(key, name string) *StatsRow {
		r := row(key, name)
		r.Own = true
		return r
	}
	for _, c := range cells {
		t.Total.Plus(c.Counts)
		switch groupBy {
		case "unit":
			if c.UnitID == 0 {
				row("", "待分办（未确定办理单位）").Plus(c.Counts)
			} else {
				row(strconv.FormatInt(c.UnitID, 10), names.units[c.UnitID]).Plus(c.Counts)
			}
		case "category":
			row(strconv.FormatInt(c.CategoryID, 10), names.categories[c.CategoryID]).Plus(c.Counts)
		default: // region
			path := names.regions[c.RegionID].Path
			rest := strings.TrimPrefix(path, rootPath)
			code, _, _ := strings.Cut(rest, "/")
			if code == "" || rest == path { // the root's own units and triage
				codes := strings.Split(strings.Trim(rootPath, "/"), "/")
				root := names.byCode[codes[len(codes)-1]]
				own(root.Code, root.Name+"（本级）").Plus(c.Counts)
			} else {
				row(code, names.byCode[code].Name).Plus(c.Counts)
			}
		}
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, *r)
	}
	sort.SliceStable(t.Rows, func(i, j int) bool {
		a, b := t.Rows[i].OnTimeRate(), t.Rows[j].OnTimeRate()
		if a.Empty() != b.Empty() {
			return b.Empty()
		}
		if a.Value() != b.Value() {
			return a.Value() < b.Value()
		}
		return t.Rows[i].Name < t.Rows[j].Name
	})
	// Rank by 按期办结率, best first, among the lines with enough due tickets.
	var ranked []*StatsRow
	for i := range t.Rows {
		if t.Rows[i].Due >= int64(t.MinDue) && t.Rows[i].Due > 0 {
			ranked = append(ranked, &t.Rows[i])
		}
	}
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].OnTimeRate().Value() > ranked[j].OnTimeRate().Value() })
	for i, r := range ranked {
		r.Rank = i + 1
		if i > 0 && ranked[i-1].OnTimeRate().Value() == r.OnTimeRate().Value() {
			r.Rank = ranked[i-1].Rank // ties share a rank
		}
	}
	return t, nil
}

// SortRows orders a table's lines by a column, for a sortable page.
func (t *StatsTable) SortRows(by string, desc bool) {
	key := func(r StatsRow) float64 {
		switch by {
		case "received":
			return float64(r.Received)
		case "closed":
			return float64(r.Closed)
		case "completion":
			return r.CompletionRate().Value()
		case "overdue":
			return float64(r.OverdueNow)
		case "late":
			return float64(r.LateClosed)
		case "satisfaction":
			return r.Satisfaction().Value()
		}
		return r.OnTimeRate().Value()
	}
	sort.SliceStable(t.Rows, func(i, j int) bool {
		if desc {
			return key(t.Rows[i]) > key(t.Rows[j])
		}
		return key(t.Rows[i]) < key(t.Rows[j])
	})
}

// Dashboard is what the rates page shows: a table per grouping, the previous period's totals
// and the flow of tickets received and closed.
type Dashboard struct {
	Tables   []*StatsTable // in the order of the groupings asked for
	Previous Counts        // the previous period, as of the same report time
	Flow     *Flow         // received and closed per week, or per month over a long period
}

// Dashboard counts the rates page's figures. Its queries do not depend on each other, so they
// run side by side, each on its own connection.
func (s *Store) Dashboard(ctx context.Context, q StatsQuery, groups []string, rootPath string) (*Dashboard, error) {
	d := &Dashboard{Tables: make([]*StatsTable, len(groups))}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error // the error that stopped the others
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	for i, g := range groups {
		run(func() (err error) {
			d.Tables[i], err = s.CompletionTable(ctx, q, g, rootPath)
			return err
		})
	}
	run(func() error {
		prev := q
		prev.Period = q.Period.Previous()
		t, err := s.CompletionTable(ctx, prev, "category", rootPath)
		if err == nil {
			d.Previous = t.Total
		}
		return err
	})
	run(func() (err error) {
		d.Flow, err = s.TicketFlow(ctx, q)
		return err
	})
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return d, nil
}
