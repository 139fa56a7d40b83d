package models

import (
	"context"
	"sort"

	"zhaocuo/models/indicator"
)

// The inspector's own precision in the field: of the findings people judged, per type, how many
// they found false. A high dismissed share names the check to tune.

// findingTypeLabels are the finding types as administrators read them; a type not listed shows
// its code.
var findingTypeLabels = map[string]string{
	indicator.TypeUnreachable: indicator.Unreachable, indicator.TypeDeadLink: "链接不可用", indicator.TypeHomepageStale: indicator.HomepageStale,
	indicator.TypeStaleColumn: indicator.ColumnStale, indicator.TypeBlankColumn: indicator.BlankColumn, indicator.TypeHiddenLink: "暗链",
	indicator.TypeTypo: "错敏字", indicator.TypeMissingBadge: "缺少找错入口", indicator.TypeMissingFooterMark: "缺少页脚标识",
	indicator.TypeDuplicatePost: indicator.Duplicate, indicator.TypeUnjudged: "无法判断", indicator.TypeAccountStale: "新媒体更新不及时",
	indicator.TypeNoInteraction: "新媒体无互动功能", indicator.TypeDeadMenuLink: "新媒体菜单链接不可用",
	indicator.TypeLedgerMismatch: "台账与实际不符",
}

// FindingTypeLabel returns a finding type as people read it.
func FindingTypeLabel(t string) string {
	if l, ok := findingTypeLabels[t]; ok {
		return l
	}
	return t
}

// FindingPrecision is one finding type's judged findings.
type FindingPrecision struct {
	Type      string
	Decided   int64 // findings a person judged: a suspected one confirmed or dismissed, an appeal decided
	Confirmed int64 // judged right: confirmed, or an appeal refused
	Dismissed int64 // judged false by a dismissal
	Reduced   int64 // judged false by an appeal accepted (核减)
}

// Label is the type as people read it.
func (p FindingPrecision) Label() string { return FindingTypeLabel(p.Type) }

// DismissedShare is (dismissed + reduced) / decided: "—" when nothing was judged.
func (p FindingPrecision) DismissedShare() Rate { return Rate{p.Dismissed + p.Reduced, p.Decided} }

// FindingPrecisions counts, per finding type, the findings people judged and how many of them
// they found false, over every round and import. A decision counts once: later rounds carry it
// over to the same finding again (carryOver keeps its person and time), and counting those would
// count one judgement once per round. Worst share first.
func (s *Store) FindingPrecisions(ctx context.Context) ([]FindingPrecision, error) {
	var rows []struct {
		Type, Status string
		N            int64
	}
	// One row per judgement: a carried-over decision has the same object, key, person and time.
	judgements := s.db.WithContext(ctx).Table("inspection_findings").
		Select("type, status, website_id, account_id, finding_key, decided_by, decided_at").
		Where("decided_at IS NOT NULL AND status IN ?", []string{FindingConfirmed, FindingDismissed, FindingReduced}).
		Group("type, status, website_id, account_id, finding_key, decided_by, decided_at")
	err := s.db.WithContext(ctx).Table("(?) AS d", judgements).Select("d.type, d.status, COUNT(*) AS n").
		Group("d.type, d.status").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "finding precision")
	}
	var refused []struct {
		Type string
		N    int64
	}
	err = s.db.WithContext(ctx).Table("finding_appeals a").Select("f.type, COUNT(*) AS n").
		Joins("JOIN inspection_findings f ON f.id = a.finding_id").Where("a.status = ?", AppealRefused).
		Group("f.type").Scan(&refused).Error
	if err != nil {
		return nil, translate(err, "finding precision")
	}
	byType := map[string]*FindingPrecision{}
	get := func(t string) *FindingPrecision {
		if byType[t] == nil {
			byType[t] = &FindingPrecision{Type: t}
		}
		return byType[t]
	}
	for _, r := range rows {
		p := get(r.Type)
		p.Decided += r.N
		switch r.Status {
		case FindingConfirmed:
			p.Confirmed += r.N
		case FindingDismissed:
			p.Dismissed += r.N
		case FindingReduced:
			p.Reduced += r.N
		}
	}
	for _, r := range refused {
		p := get(r.Type)
		p.Decided += r.N
		p.Confirmed += r.N
	}
	out := make([]FindingPrecision, 0, len(byType))
	for _, p := range byType {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].DismissedShare(), out[j].DismissedShare()
		if x, y := a.Num*b.Den, b.Num*a.Den; x != y {
			return x > y
		}
		return out[i].Type < out[j].Type
	})
	return out, nil
}
