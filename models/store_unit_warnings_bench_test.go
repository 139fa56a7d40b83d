package models_test

import (
	"context"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// The desks' warnings at a province's size (5,000 units, 8,357 of their users): the admin's
// (the whole province) and a city supervisor's. Each desk view runs it once; the list
// pages answer within 300 ms p95. Beside them, the list of every unit (Store.Units) as the
// baseline of the same run.
//
//	go test ./models -run '^$' -bench UnitWarnings -benchtime 50x
func BenchmarkUnitWarnings(b *testing.B) {
	s := storetest.Open(b, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx, "demo-pass-123"); err != nil {
		b.Fatal(err)
	}
	users := storetest.SeedProvince(b, s, storetest.Province{Units: 5000})
	var chengdu models.Region
	for _, r := range mustRegions(b, s) {
		if r.Code == "510100" {
			chengdu = r
		}
	}
	// The baseline, in the same run: the list of the province's units the assign form reads.
	b.Run("baseline-units-list", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Units(ctx, models.Scope{All: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name string
		sc   models.Scope
	}{{"admin", models.Scope{All: true}}, {"city", models.Scope{RegionID: chengdu.ID, RegionPath: chengdu.Path}}} {
		b.Run(c.name, func(b *testing.B) {
			var w *models.UnitWarnings
			for b.Loop() {
				var err error
				if w, err = s.UnitWarnings(ctx, c.sc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.NoStaff), "no-staff")
			b.ReportMetric(float64(w.NoReviewer), "no-reviewer")
			b.ReportMetric(float64(users), "users")
		})
	}
}

func mustRegions(b *testing.B, s *models.Store) []models.Region {
	rs, err := s.Regions(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return rs
}
