package models

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Which rows of a sheet of 政务新媒体 results an importer may import. A result counts in the
// circular of the account's region (its 合格率, its 附件) and opens rectifications when the
// circular is published, so a row is a write to the account's region: the importer's scope
// must hold it, as it must hold a filing of the account (FileAccountEvent). The rule, decided
// once as the sheet is stored, in the transaction that stores it:
//
//   - A row names a registered account by platform and name. Where several units registered an
//     account of that platform and name, it is the one of the unit the row names (compared by
//     UnitKey, so that `成都市教育局 ` or full-width parentheses still name the registered unit),
//     else one within the importer's scope, else the first. Out of the scope, the row is refused.
//   - A row of an account the registry does not know that names a registered unit, none of
//     them within the scope, is refused too: its result would be shown to that unit's
//     supervisors as their unit's unfiled account (visibleResults).
//   - Any other row of an unknown account is the importer's own (and seen by those who see
//     everything): it could belong to any region.
//
// A refused row is stored with its reason and listed so among the import's results, with no
// account, no check and no finding; a sheet whose every row is refused is refused whole.

// Why a row is refused, as people read it.
const (
	refusedAccount = "该账号登记在其他地区的单位名下，不在您的管辖范围内，未导入"
	refusedUnit    = "主办单位「%s」不在您的管辖范围内，未导入"
)

// importRegistry is what the rule reads of the registry: every account and unit, and which
// units the importer's scope holds.
type importRegistry struct {
	byName  map[string][]importAccount // platform \x00 name
	unitKey map[string][]int64         // UnitKey of a unit's name → the units
	inScope map[int64]bool             // unit id
}

type importAccount struct {
	ID, UnitID int64
	UnitKey    string
}

func loadImportRegistry(tx *gorm.DB, sc Scope) (*importRegistry, error) {
	reg := &importRegistry{byName: map[string][]importAccount{}, unitKey: map[string][]int64{}, inScope: map[int64]bool{}}
	var accounts []struct {
		ID, UnitID               int64
		Name, Platform, UnitName string
	}
	err := tx.Table("media_accounts a").Select("a.id, a.unit_id, a.name, a.platform, u.name AS unit_name").
		Joins("JOIN units u ON u.id = a.unit_id").Order("u.id, a.id").Scan(&accounts).Error
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		k := a.Platform + "\x00" + a.Name
		reg.byName[k] = append(reg.byName[k], importAccount{ID: a.ID, UnitID: a.UnitID, UnitKey: UnitKey(a.UnitName)})
	}
	var units []struct {
		ID   int64
		Name string
	}
	if err := tx.Table("units").Select("id, name").Order("id").Scan(&units).Error; err != nil {
		return nil, err
	}
	for _, u := range units {
		k := UnitKey(u.Name)
		reg.unitKey[k] = append(reg.unitKey[k], u.ID)
	}
	var held []int64
	if err := sc.units(tx.Table("units u"), "u").Pluck("u.id", &held).Error; err != nil {
		return nil, err
	}
	for _, id := range held {
		reg.inScope[id] = true
	}
	return reg, nil
}

// decide sets each row's account and, where the importer may not import it, the reason, and
// returns how many it refused.
func (reg *importRegistry) decide(rows []UploadedAccount) int {
	refused := 0
	for i := range rows {
		r := &rows[i]
		r.AccountID, r.Refused = nil, ""
		unit := UnitKey(r.UnitName)
		if same := reg.byName[r.Platform+"\x00"+r.Name]; len(same) > 0 {
			a := reg.pick(same, unit)
			if reg.inScope[a.UnitID] {
				id := a.ID
				r.AccountID = &id
			} else {
				r.Refused = refusedAccount
			}
		} else if units := reg.unitKey[unit]; unit != "" && len(units) > 0 && !reg.anyInScope(units) {
			r.Refused = fmt.Sprintf(refusedUnit, strings.TrimSpace(r.UnitName))
		}
		if r.Refused != "" {
			refused++
		}
	}
	return refused
}

// pick is the account a row names among those of its platform and name: the named unit's,
// else one within the scope, else the first.
func (reg *importRegistry) pick(same []importAccount, unit string) importAccount {
	for _, a := range same {
		if unit != "" && a.UnitKey == unit {
			return a
		}
	}
	for _, a := range same {
		if reg.inScope[a.UnitID] {
			return a
		}
	}
	return same[0]
}

func (reg *importRegistry) anyInScope(units []int64) bool {
	for _, id := range units {
		if reg.inScope[id] {
			return true
		}
	}
	return false
}

// refusedSheet is the answer to a sheet whose every row is outside the importer's scope.
func refusedSheet(rows []UploadedAccount) error {
	var names []string
	for _, r := range rows[:min(3, len(rows))] {
		names = append(names, r.Name+"（"+r.Platform+"）")
	}
	more := ""
	if len(rows) > 3 {
		more = fmt.Sprintf("等 %d 个账号", len(rows))
	}
	return Forbidden("文件中的账号都不在您的管辖范围内，未导入：" + strings.Join(names, "、") + more)
}
