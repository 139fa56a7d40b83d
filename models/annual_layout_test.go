package models_test

import (
	"errors"
	"strings"
	"testing"

	"zhaocuo/models"
)

// Each layout names an item once, and the items a unit fills are typed: a count is a whole
// number ≥ 0, yes/no is 是 or 否, text is bounded, and what the system fills cannot be typed in.
func TestAnnualValuesAreTyped(t *testing.T) {
	for _, kind := range []string{models.AnnualWork, models.AnnualSupervision} {
		seen := map[string]bool{}
		for _, it := range models.AnnualLayout(kind) {
			if seen[it.Key] {
				t.Errorf("%s: item %s twice", kind, it.Key)
			}
			seen[it.Key] = true
		}
	}
	long := string(make([]rune, 201))
	for _, c := range []struct {
		name, kind, key, value, field string
	}{
		{"negative count", models.AnnualWork, "visits", "-1", "visits"},
		{"count with a fraction", models.AnnualWork, "visits", "1.5", "visits"},
		{"yes/no as text", models.AnnualWork, "smart_qa", "有", "smart_qa"},
		{"system item", models.AnnualWork, "msg_received", "12", "msg_received"},
		{"unknown item", models.AnnualWork, "nonsense", "1", "nonsense"},
		{"text too long", models.AnnualWork, "inno_other", long, "inno_other"},
		{"bad date", models.AnnualSupervision, "filled_on", "2026-13-01", "filled_on"},
		{"system rate", models.AnnualSupervision, "pass_year", "100%", "pass_year"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := models.ValidateAnnual(c.kind, map[string]string{c.key: c.value})
			var e *models.Error
			if !errors.As(err, &e) || e.Kind != models.KindInvalid || e.Field != c.field {
				t.Fatalf("got %v, want invalid %s", err, c.field)
			}
		})
	}
	v, err := models.ValidateAnnual(models.AnnualWork, map[string]string{"visits": " 0012 ", "smart_qa": "是", "icp": "", "filled_on": "2026-01-20"})
	if err != nil {
		t.Fatal(err)
	}
	if v["visits"] != "12" || v["smart_qa"] != "是" || v["filled_on"] != "2026-01-20" {
		t.Errorf("cleaned values: %v", v)
	}
	if _, ok := v["icp"]; ok {
		t.Error("an empty item is kept")
	}
}

// Whatever a form posts, ValidateAnnual answers without panicking, and what it accepts as a count
// is a whole number ≥ 0 written plainly.
func FuzzValidateAnnual(f *testing.F) {
	for _, seed := range []string{"12", "-1", " 007 ", "1e3", "是", "２", "9999999999999999999"} {
		f.Add("visits", seed)
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		v, err := models.ValidateAnnual(models.AnnualWork, map[string]string{key: value})
		if err != nil || key != "visits" {
			return
		}
		if got, ok := v["visits"]; ok && (got == "" || strings.TrimLeft(got, "0123456789") != "" || len(got) > 1 && got[0] == '0') {
			t.Errorf("visits %q accepted as %q", value, got)
		}
	})
}
