package models_test

import (
	"context"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// A new draft's 三、下步要求 comes from the region's template once its supervisor (or an
// administrator) has written one; before that from its last published circular, and before that
// from the built-in text. Only the region's supervisor or an administrator edits it, and a bad
// template is refused with nothing stored.
func TestRequirementsTemplateFeedsNewDrafts(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	u := demoUsers(t, s)
	ctx := context.Background()
	sup := u["sc-supervisor"]
	sc, _ := s.ScopeOf(ctx, sup)
	src := models.RegistryInspection{Store: s}
	province, city := mustRegion(t, s, "510000"), mustRegion(t, s, "510100")
	draft := func(region models.Region) string {
		t.Helper()
		c, err := s.DraftCircular(ctx, src, models.CircularRequest{Region: region, Period: "2025Q1", Cutoff: "2025-03-20"})
		if err != nil {
			t.Fatal(err)
		}
		return c.Text.Requirements
	}
	source := func(region models.Region) string {
		t.Helper()
		tpl, err := s.RequirementsTemplateOf(ctx, region.ID)
		if err != nil {
			t.Fatal(err)
		}
		return tpl.Source
	}

	if draft(province) != models.DefaultRequirements || source(province) != models.RequirementsFromDefault {
		t.Fatal("a region without circulars or template does not start from the default")
	}

	// Published with its own 下步要求: the next draft carries it over.
	rec, err := s.CreateCircular(ctx, sup, src, models.CircularRequest{Period: "2025Q1", Cutoff: "2025-03-20", DocNumber: "川办便函〔2025〕78号"})
	if err != nil {
		t.Fatal(err)
	}
	text := rec.Text()
	text.Requirements = "（一）上期通报中的要求。"
	if _, err := s.SaveCircularText(ctx, sup, sc, rec.ID, text); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PublishCircular(ctx, sup, sc, rec.ID); err != nil {
		t.Fatal(err)
	}
	if draft(province) != "（一）上期通报中的要求。" || source(province) != models.RequirementsFromPublished {
		t.Fatalf("after publishing: %q from %s", draft(province), source(province))
	}

	for _, tc := range []struct {
		name, user, region, text string
		kind                     models.Kind
	}{
		{"empty", "sc-supervisor", "", "  \r\n ", models.KindInvalid},
		{"unknown placeholder", "sc-supervisor", "", "（一）按期办结率须达到{{办结率是多少}}。", models.KindInvalid},
		{"another region's supervisor", "cd-supervisor", "510000", "（一）成都写省里的模板。", models.KindForbidden},
		{"unit staff", "gzw-staff", "", "（一）单位写模板。", models.KindForbidden},
		{"unknown region", "admin", "999999", "（一）没有这个地区。", models.KindInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.SaveRequirementsTemplate(ctx, u[tc.user], tc.region, tc.text); models.ErrorKind(err) != tc.kind {
				t.Fatalf("got %v, want kind %d", err, tc.kind)
			}
			if source(province) != models.RequirementsFromPublished {
				t.Fatal("a refused template was stored")
			}
		})
	}

	// The supervisor's template wins over the published text; saving again replaces it.
	for _, text := range []string{"（一）模板初稿。", "（一）模板定稿。按期办结率须保持{{按期办结率}}。\r\n（二）第二条。"} {
		if _, err := s.SaveRequirementsTemplate(ctx, sup, "", text); err != nil {
			t.Fatal(err)
		}
	}
	if got := draft(province); got != "（一）模板定稿。按期办结率须保持{{按期办结率}}。\n（二）第二条。" || source(province) != models.RequirementsFromTemplate {
		t.Fatalf("draft starts from %q (%s)", got, source(province))
	}
	var n int
	s.SQLDB().QueryRow("SELECT COUNT(*) FROM circular_templates").Scan(&n)
	if n != 1 {
		t.Fatalf("%d template rows", n)
	}

	// An administrator edits 成都's; the province's stays as it was.
	if _, err := s.SaveRequirementsTemplate(ctx, u["admin"], "510100", "（一）成都的要求。"); err != nil {
		t.Fatal(err)
	}
	if draft(city) != "（一）成都的要求。" || source(province) != models.RequirementsFromTemplate {
		t.Fatal("the administrator's template for 成都")
	}
	// And 成都's own supervisor may change it.
	if _, err := s.SaveRequirementsTemplate(ctx, u["cd-supervisor"], "510100", "（一）成都改过的要求。"); err != nil || draft(city) != "（一）成都改过的要求。" {
		t.Fatalf("成都's supervisor: %v", err)
	}
}
