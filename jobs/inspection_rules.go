package jobs

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"zhaocuo/jobs/inspector"
	"zhaocuo/models"
)

// siteRules is the worker's inspector with the administrator's rule entries merged in, kept
// while the entries in force stay the same. Each site task reads the entries (a few rows), so
// an entry added or withdrawn at /admin reaches the next site task on every worker without a
// restart; the automaton is compiled again only when they changed.
type siteRules struct {
	mu  sync.Mutex
	key string // the ids of the entries in force: entries are added and withdrawn, never edited
	in  *inspector.Inspector
}

// siteInspector returns the inspector for a site task: the base one while no entry is in force.
func (h *worker) siteInspector(ctx context.Context) (*inspector.Inspector, error) {
	rows, err := h.Store.EnabledInspectionRules(ctx)
	if err != nil || len(rows) == 0 {
		return h.Inspector, err
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = strconv.FormatInt(r.ID, 10)
	}
	key := strings.Join(ids, ",")
	h.rules.mu.Lock()
	defer h.rules.mu.Unlock()
	if h.rules.in == nil || h.rules.key != key {
		h.rules.in, h.rules.key = h.Inspector.WithRules(h.entryRules(rows)), key
	}
	return h.rules.in, nil
}

// entryRules turns the entries into the inspector's word lists. The store checked them when
// they were added; one the inspector still refuses is left out and logged, never a failed crawl.
func (h *worker) entryRules(rows []models.InspectionRule) inspector.Rules {
	var r inspector.Rules
	for _, row := range rows {
		switch row.Kind {
		case models.RuleTypo:
			r.Typos = append(r.Typos, inspector.TypoPair{Wrong: row.Phrase, Right: row.Correct})
		case models.RuleWording:
			rule := inspector.WordingRule{Wrong: row.Phrase, Right: row.Correct, Serious: row.Serious}
			if row.Exceptions != "" {
				rule.Unless = strings.Split(row.Exceptions, "|")
			}
			r.Wording = append(r.Wording, rule)
		case models.RuleLeader:
			term, err := inspector.ParseLeaderTerm(row.Phrase, row.Correct, row.ValidFrom, row.ValidTo)
			if err != nil {
				h.Logger.Warn("inspection rule entry left out", "id", row.ID, "err", err)
				continue
			}
			r.Leaders = append(r.Leaders, term)
		}
	}
	return r
}
