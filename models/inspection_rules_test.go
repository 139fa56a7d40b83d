package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zhaocuo/models"
)

func TestInspectionRuleEntries(t *testing.T) {
	f := newRegistryFixture(t)
	ctx := context.Background()

	typo, err := f.s.AddInspectionRule(ctx, f.admin, models.InspectionRuleInput{Kind: models.RuleTypo, Phrase: " 示范事 ", Correct: "示范市"})
	if err != nil {
		t.Fatal(err)
	}
	if typo.Phrase != "示范事" || !typo.Enabled || typo.CreatedBy == nil || *typo.CreatedBy != f.users["admin"].ID {
		t.Fatalf("added %+v", typo)
	}
	wording, err := f.s.AddInspectionRule(ctx, f.admin, models.InspectionRuleInput{Kind: models.RuleWording, Phrase: "某某国",
		Correct: "某某地区", Serious: true, Exceptions: "历史、 旧称|古代"})
	if err != nil {
		t.Fatal(err)
	}
	if wording.Exceptions != "历史|旧称|古代" || !wording.Serious {
		t.Fatalf("added %+v", wording)
	}
	if _, err := f.s.AddInspectionRule(ctx, f.admin, models.InspectionRuleInput{Kind: models.RuleLeader, Phrase: "张三丰",
		Correct: "国务院副总理", ValidFrom: "2026-03-12"}); err != nil {
		t.Fatal(err)
	}

	// The same entry in force twice is refused; scoped users may not write at all.
	if _, err := f.s.AddInspectionRule(ctx, f.admin, models.InspectionRuleInput{Kind: models.RuleTypo, Phrase: "示范事", Correct: "示范市"}); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("a second copy: %v", err)
	}
	if _, err := f.s.AddInspectionRule(ctx, f.chengdu, models.InspectionRuleInput{Kind: models.RuleTypo, Phrase: "成都事", Correct: "成都市"}); models.ErrorKind(err) != models.KindForbidden {
		t.Fatalf("a supervisor's entry: %v", err)
	}

	if err := f.s.SetInspectionRuleEnabled(ctx, f.admin, typo.ID, false); err != nil {
		t.Fatal(err)
	}
	on, err := f.s.EnabledInspectionRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var phrases []string
	for _, r := range on {
		phrases = append(phrases, r.Phrase)
	}
	if strings.Join(phrases, ",") != "某某国,张三丰" {
		t.Fatalf("enabled: %v", phrases)
	}
	all, err := f.s.InspectionRules(ctx)
	if err != nil || len(all) != 3 || all[2].Enabled || all[2].DisabledBy == nil || all[2].DisabledAt == nil {
		t.Fatalf("all: %+v %v", all, err)
	}
	// Withdrawn, the same pair may be added again.
	if _, err := f.s.AddInspectionRule(ctx, f.admin, models.InspectionRuleInput{Kind: models.RuleTypo, Phrase: "示范事", Correct: "示范市"}); err != nil {
		t.Fatalf("again after withdrawal: %v", err)
	}
	if err := f.s.SetInspectionRuleEnabled(ctx, f.admin, 99999, false); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("missing entry: %v", err)
	}

	ev := f.events(t, models.RegistryInspectionRule, typo.ID)
	if len(ev) != 2 || !strings.HasPrefix(ev[0], "created form ") || !strings.Contains(ev[0], "示范市") || !strings.HasPrefix(ev[1], "closed form ") {
		t.Fatalf("events: %q", ev)
	}
}

func TestInspectionRuleInputRefusesBadEntries(t *testing.T) {
	tests := []struct {
		name  string
		in    models.InspectionRuleInput
		field string
	}{
		{name: "no kind", in: models.InspectionRuleInput{Phrase: "示范事", Correct: "示范市"}, field: "kind"},
		{name: "unknown kind", in: models.InspectionRuleInput{Kind: "protected", Phrase: "示范事", Correct: "示范市"}, field: "kind"},
		{name: "one character", in: models.InspectionRuleInput{Kind: models.RuleTypo, Phrase: "事", Correct: "市"}, field: "phrase"},
		{name: "no right form", in: models.InspectionRuleInput{Kind: models.RuleWording, Phrase: "某某国"}, field: "correct"},
		{name: "same forms", in: models.InspectionRuleInput{Kind: models.RuleTypo, Phrase: "示范市", Correct: "示范市"}, field: "correct"},
		{name: "a tab in the phrase", in: models.InspectionRuleInput{Kind: models.RuleTypo, Phrase: "示范\t事", Correct: "示范市"}, field: "phrase"},
		{name: "leader without a start", in: models.InspectionRuleInput{Kind: models.RuleLeader, Phrase: "张三丰", Correct: "国务院副总理"}, field: "valid_from"},
		{name: "leader ending before starting", in: models.InspectionRuleInput{Kind: models.RuleLeader, Phrase: "张三丰", Correct: "国务院副总理",
			ValidFrom: "2026-03-12", ValidTo: "2020-01-01"}, field: "valid_to"},
		{name: "leader name too long", in: models.InspectionRuleInput{Kind: models.RuleLeader, Phrase: "国务院副总理张三丰", Correct: "国务院副总理",
			ValidFrom: "2026-03-12"}, field: "phrase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			var e *models.Error
			if !errors.As(err, &e) || e.Kind != models.KindInvalid || e.Field != tt.field {
				t.Fatalf("got %v, want invalid %s", err, tt.field)
			}
		})
	}
}
