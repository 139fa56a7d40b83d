package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// provinceUnits adds n units spread over the demo's regions and, for all but every tenth unit,
// staff and (for all but every seventh) a reviewer: a province's registry at its real size, with
// the gaps the desks warn of. It returns the users added.
func provinceUnits(b *testing.B, s *models.Store, n int) int {
	b.Helper()
	db := s.SQLDB()
	var regions []int64
	rows, err := db.Query("SELECT id FROM regions ORDER BY id")
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		regions = append(regions, id)
	}
	rows.Close()
	now := time.Date(2025, 3, 25, 2, 0, 0, 0, time.UTC)
	var firstUnit int64
	db.QueryRow("SELECT COALESCE(MAX(id), 0) FROM units").Scan(&firstUnit)
	insert := func(head string, count int, row func(i int) (string, []any)) {
		for from := 0; from < count; from += 500 {
			var values []string
			var args []any
			for i := from; i < min(from+500, count); i++ {
				v, a := row(i)
				values, args = append(values, v), append(args, a...)
			}
			if _, err := db.Exec(head+strings.Join(values, ","), args...); err != nil {
				b.Fatal(err)
			}
		}
	}
	insert("INSERT INTO units (id, name, region_id, kind, status, review_required, created_at) VALUES ", n, func(i int) (string, []any) {
		return "(?, ?, ?, ?, ?, ?, ?)", []any{firstUnit + 1 + int64(i), fmt.Sprintf("基准单位%05d", i), regions[i%len(regions)],
			models.UnitDepartment, models.UnitActive, true, now}
	})
	type person struct {
		unit int64
		role string
	}
	var people []person
	for i := range n {
		if i%10 == 0 {
			continue
		}
		people = append(people, person{firstUnit + 1 + int64(i), models.RoleUnitStaff})
		if i%7 != 0 {
			people = append(people, person{firstUnit + 1 + int64(i), models.RoleUnitReviewer})
		}
	}
	insert("INSERT INTO users (username, password_hash, role, unit_id, created_at, updated_at) VALUES ", len(people), func(i int) (string, []any) {
		return "(?, ?, ?, ?, ?, ?)", []any{fmt.Sprintf("bench-%06d", i), "x", people[i].role, people[i].unit, now, now}
	})
	return len(people)
}

// The desks' warnings at a province's size (5,000 units, 8,000 of their users): the admin's
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
	users := provinceUnits(b, s, 5000)
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
