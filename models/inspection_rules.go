package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"zhaocuo/models/indicator"
)

// InspectionRule is an entry an administrator adds to the inspector's shipped lists without a
// release: a typo pair, a wording rule or a leader's term. The worker merges the enabled ones
// into the inspector's rules for each site task. An entry is withdrawn by disabling it, never
// deleted, so the trail of who added and who withdrew it stays.
type InspectionRule struct {
	ID         int64
	Kind       string // RuleTypo, RuleWording, RuleLeader
	Phrase     string // the wrong form, or the leader's name
	Correct    string // the right form, or the leader's office
	Serious    bool   // wording: a serious wrong expression (a veto once confirmed)
	Exceptions string // wording: words separated by | that make a use right in its sentence
	ValidFrom  string // leader: first day of the term, YYYY-MM-DD
	ValidTo    string // leader: the day the term ended; "" while in office
	Enabled    bool
	CreatedBy  *int64
	CreatedAt  time.Time
	DisabledBy *int64
	DisabledAt *time.Time
}

// The kinds of entry: the first two are the finding types they raise.
const (
	RuleTypo    = indicator.TypeTypo
	RuleWording = indicator.TypeWording
	RuleLeader  = "leader"
)

// RuleKinds lists the kinds with the names the admin page shows.
var RuleKinds = []struct{ Kind, Name string }{
	{RuleTypo, "错敏字"}, {RuleWording, "禁用词和慎用词"}, {RuleLeader, "领导人职务"},
}

// RegistryInspectionRule is what a registry event about an entry names.
const RegistryInspectionRule = "inspection_rule"

// InspectionRuleInput is an entry as the admin form gives it.
type InspectionRuleInput struct {
	Kind       string `form:"kind"`
	Phrase     string `form:"phrase"`
	Correct    string `form:"correct"`
	Serious    bool   `form:"serious"`
	Exceptions string `form:"exceptions"`
	ValidFrom  string `form:"valid_from"`
	ValidTo    string `form:"valid_to"`
}

// Validate trims the input and checks it alone, naming the first field that is wrong. It
// checks what the inspector's own files are checked for, so that an entry the page accepts is
// one the worker can use.
func (in *InspectionRuleInput) Validate() error {
	for _, p := range []*string{&in.Kind, &in.Phrase, &in.Correct, &in.Exceptions, &in.ValidFrom, &in.ValidTo} {
		*p = strings.TrimSpace(*p)
	}
	oneLine := func(s string) bool { return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl) }
	runes := utf8.RuneCountInString
	switch in.Kind {
	case RuleTypo, RuleWording:
		switch {
		case runes(in.Phrase) < 2 || runes(in.Phrase) > 32 || !oneLine(in.Phrase):
			return Invalid("phrase", "错误写法须为2至32个字")
		case in.Correct == "" || runes(in.Correct) > 64 || !oneLine(in.Correct):
			return Invalid("correct", "请填写正确写法（不超过64个字）")
		case in.Correct == in.Phrase:
			return Invalid("correct", "正确写法不能与错误写法相同")
		}
		if in.Kind == RuleTypo {
			in.Serious, in.Exceptions = false, ""
		}
		var words []string
		for _, w := range strings.FieldsFunc(in.Exceptions, func(r rune) bool { return r == '|' || r == '、' || r == '，' || unicode.IsSpace(r) }) {
			if !oneLine(w) || runes(w) > 32 {
				return Invalid("exceptions", "例外词每个不超过32个字")
			}
			words = append(words, w)
		}
		if len(words) > 20 {
			return Invalid("exceptions", "例外词不超过20个")
		}
		in.Exceptions = strings.Join(words, "|")
		in.ValidFrom, in.ValidTo = "", ""
	case RuleLeader:
		switch {
		case runes(in.Phrase) < 2 || runes(in.Phrase) > 6 || !oneLine(in.Phrase):
			return Invalid("phrase", "姓名须为2至6个字")
		case in.Correct == "" || runes(in.Correct) > 32 || !oneLine(in.Correct):
			return Invalid("correct", "请填写职务（不超过32个字），如“国务院副总理”")
		}
		from, err := time.Parse(time.DateOnly, in.ValidFrom)
		if err != nil {
			return Invalid("valid_from", "任职起始日期格式应为 2023-03-12")
		}
		if in.ValidTo != "" {
			to, err := time.Parse(time.DateOnly, in.ValidTo)
			if err != nil {
				return Invalid("valid_to", "任职截止日期格式应为 2028-03-10，在任请留空")
			}
			if !to.After(from) {
				return Invalid("valid_to", "任职截止日期应晚于起始日期")
			}
		}
		in.Serious, in.Exceptions = false, ""
	default:
		return Invalid("kind", "请选择规则类型")
	}
	return nil
}

// InspectionRules lists every entry, the newest first.
func (s *Store) InspectionRules(ctx context.Context) ([]InspectionRule, error) {
	var out []InspectionRule
	err := s.db.WithContext(ctx).Order("id DESC").Find(&out).Error
	return out, translate(err, "inspection rules")
}

// EnabledInspectionRules lists the entries in force, in the order they were added: what the
// worker merges into the inspector's rules.
func (s *Store) EnabledInspectionRules(ctx context.Context) ([]InspectionRule, error) {
	var out []InspectionRule
	err := s.db.WithContext(ctx).Where("enabled = ?", true).Order("id").Find(&out).Error
	return out, translate(err, "enabled inspection rules")
}

// AddInspectionRule adds an entry, in force at once, and records it in the registry's trail.
// The same entry in force twice is refused.
func (s *Store) AddInspectionRule(ctx context.Context, by RegistryActor, in InspectionRuleInput) (*InspectionRule, error) {
	if !by.Scope.All {
		return nil, Forbidden("只有管理员可以维护检查规则")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	rule := InspectionRule{Kind: in.Kind, Phrase: in.Phrase, Correct: in.Correct, Serious: in.Serious,
		Exceptions: in.Exceptions, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, Enabled: true, CreatedAt: now}
	if by.UserID != 0 {
		uid := by.UserID
		rule.CreatedBy = &uid
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&InspectionRule{}).Where("kind = ? AND phrase = ? AND correct = ? AND valid_from = ? AND enabled = ?",
			rule.Kind, rule.Phrase, rule.Correct, rule.ValidFrom, true).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &Error{Kind: KindConflict, Field: "phrase", Message: "已有相同的规则在用"}
		}
		if err := tx.Create(&rule).Error; err != nil {
			return err
		}
		changes := FieldChanges{}
		changes.Set("kind", "", rule.Kind)
		changes.Set("phrase", "", rule.Phrase)
		changes.Set("correct", "", rule.Correct)
		changes.Set("serious", "", strconv.FormatBool(rule.Serious))
		changes.Set("exceptions", "", rule.Exceptions)
		changes.Set("valid_from", "", rule.ValidFrom)
		changes.Set("valid_to", "", rule.ValidTo)
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryInspectionRule, rule.ID, rule.key(), RegistryCreated)}, []FieldChanges{changes})
	})
	if err != nil {
		return nil, translate(err, "add inspection rule")
	}
	return &rule, nil
}

// SetInspectionRuleEnabled withdraws an entry (or puts it back), recording who did it.
func (s *Store) SetInspectionRuleEnabled(ctx context.Context, by RegistryActor, id int64, enabled bool) error {
	if !by.Scope.All {
		return Forbidden("只有管理员可以维护检查规则")
	}
	now := s.now()
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var rule InspectionRule
		if err := tx.Take(&rule, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return NotFound("规则不存在")
			}
			return err
		}
		if rule.Enabled == enabled {
			return nil // done before: a second click changes nothing
		}
		updates := map[string]any{"enabled": enabled, "disabled_by": nil, "disabled_at": nil}
		action := RegistryReopened
		if !enabled {
			action = RegistryClosed
			updates["disabled_at"] = now
			if by.UserID != 0 {
				updates["disabled_by"] = by.UserID
			}
		}
		if err := tx.Model(&InspectionRule{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		changes := FieldChanges{}
		changes.Set("enabled", strconv.FormatBool(rule.Enabled), strconv.FormatBool(enabled))
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryInspectionRule, id, rule.key(), action)}, []FieldChanges{changes})
	})
	return translate(err, "set inspection rule enabled")
}

func (r InspectionRule) key() string { return r.Kind + ":" + r.Phrase }

// KindName is the kind as the admin page says it.
func (r InspectionRule) KindName() string {
	for _, k := range RuleKinds {
		if k.Kind == r.Kind {
			return k.Name
		}
	}
	return r.Kind
}
