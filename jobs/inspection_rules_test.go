package jobs_test

import (
	"context"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/indicator"
)

// An entry an administrator adds is found by the next site task's crawl on the running
// workers, and one withdrawn is no longer: no restart, no release.
func TestAddedRuleEntriesReachTheNextSiteTask(t *testing.T) {
	w := newInspectionWorld(t)
	w.workers(t, 1)
	ctx := context.Background()
	admin := models.RegistryActor{Scope: models.Scope{All: true}, UserID: w.admin.ID, Source: models.RegistryByForm}
	targets := func(round *models.InspectionRound, home, typ string) []string {
		_, byType := w.findings(t, round.ID, home)
		var out []string
		for _, f := range byType[typ] {
			out = append(out, f.Target)
		}
		return out
	}

	before := w.round(t)
	if got := targets(before, w.faulty, indicator.TypeTypo); strings.Join(got, ",") != "攻府" {
		t.Fatalf("typos before the entries: %q", got)
	}
	if got := targets(before, w.plain, indicator.TypeWording); len(got) != 0 {
		t.Fatalf("wording before the entries: %q", got)
	}

	if _, err := w.store.AddInspectionRule(ctx, admin, models.InspectionRuleInput{Kind: models.RuleTypo, Phrase: "通知正文", Correct: "通知全文"}); err != nil {
		t.Fatal(err)
	}
	wording, err := w.store.AddInspectionRule(ctx, admin, models.InspectionRuleInput{Kind: models.RuleWording, Phrase: "欢迎访问",
		Correct: "欢迎浏览", Serious: true})
	if err != nil {
		t.Fatal(err)
	}
	after := w.round(t)
	if got := targets(after, w.faulty, indicator.TypeTypo); strings.Join(got, ",") != "攻府,通知正文" {
		t.Fatalf("typos with the entry: %q", got)
	}
	_, byType := w.findings(t, after.ID, w.plain)
	if ws := byType[indicator.TypeWording]; len(ws) != 1 || ws[0].Target != "欢迎访问" || !ws[0].Veto ||
		ws[0].Status != models.FindingSuspected || !strings.Contains(ws[0].Evidence, "应为「欢迎浏览」：【欢迎访问】") {
		t.Fatalf("wording with the entry: %+v", ws)
	}

	if err := w.store.SetInspectionRuleEnabled(ctx, admin, wording.ID, false); err != nil {
		t.Fatal(err)
	}
	withdrawn := w.round(t)
	if got := targets(withdrawn, w.plain, indicator.TypeWording); len(got) != 0 {
		t.Fatalf("wording after withdrawal: %q", got)
	}
	if got := targets(withdrawn, w.faulty, indicator.TypeTypo); strings.Join(got, ",") != "攻府,通知正文" {
		t.Fatalf("typos after the wording's withdrawal: %q", got)
	}
}
