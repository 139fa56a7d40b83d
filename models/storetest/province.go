package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
)

// Province sizes a registry for the benchmarks that need a province's real size.
type Province struct {
	Units, Websites, Accounts int
}

// SeedProvince adds a province's registry in batched inserts, beside whatever the store holds
// (the demo, usually): p.Units units spread over the store's regions, each with a 统一社会信用代码;
// p.Websites websites with a base each (siteNNNN.bench.gov.cn), one per unit from the first;
// p.Accounts 新媒体 accounts (bench-N) over the units; and, for all but every tenth unit, a staff
// member and (for all but every seventh) a reviewer, usernames benchNNNNN: the gaps the desks
// warn of. It returns the users added. Rows go in by SQL, not through the store, so that seeding
// thousands takes seconds; the values are all made up.
func SeedProvince(tb testing.TB, s *models.Store, p Province) (users int) {
	tb.Helper()
	db := s.SQLDB()
	ids := func(query string, args ...any) []int64 {
		tb.Helper()
		rows, err := db.Query(query, args...)
		if err != nil {
			tb.Fatal(err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				tb.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	regions := ids("SELECT id FROM regions ORDER BY id")
	if len(regions) == 0 {
		tb.Fatal("storetest: SeedProvince needs the regions (seed the demo first)")
	}
	at := time.Date(2025, 3, 25, 2, 0, 0, 0, time.UTC)
	insert := func(head string, n int, row func(i int) []any) {
		tb.Helper()
		for from := 0; from < n; from += 500 {
			var values []string
			var args []any
			for i := from; i < min(from+500, n); i++ {
				a := row(i)
				values = append(values, "("+strings.TrimSuffix(strings.Repeat("?, ", len(a)), ", ")+")")
				args = append(args, a...)
			}
			if _, err := db.Exec(head+" VALUES "+strings.Join(values, ","), args...); err != nil {
				tb.Fatalf("%s: %v", head, err)
			}
		}
	}
	var before int64
	if err := db.QueryRow("SELECT COALESCE(MAX(id), 0) FROM units").Scan(&before); err != nil {
		tb.Fatal(err)
	}
	insert("INSERT INTO units (name, code, region_id, kind, status, review_required, created_at)", p.Units, func(i int) []any {
		return []any{fmt.Sprintf("压测单位%05d", i), fmt.Sprintf("115100%012d", i), regions[i%len(regions)],
			models.UnitDepartment, models.UnitActive, true, at}
	})
	unitIDs := ids("SELECT id FROM units WHERE id > ? ORDER BY id", before)
	if len(unitIDs) != p.Units {
		tb.Fatalf("storetest: %d units added, want %d", len(unitIDs), p.Units)
	}
	unit := func(i int) int64 { return unitIDs[i%len(unitIDs)] }
	var sitesBefore int64
	if err := db.QueryRow("SELECT COALESCE(MAX(id), 0) FROM websites").Scan(&sitesBefore); err != nil {
		tb.Fatal(err)
	}
	insert("INSERT INTO websites (name, unit_id, identifier_code, kind, status, home_url, created_at, updated_at)", p.Websites, func(i int) []any {
		return []any{fmt.Sprintf("压测网站%04d", i), unit(i), fmt.Sprintf("51%08d", i), models.SiteDepartment, models.SiteRunning,
			fmt.Sprintf("https://site%04d.bench.gov.cn/", i), at, at}
	})
	siteIDs := ids("SELECT id FROM websites WHERE id > ? ORDER BY id", sitesBefore)
	insert("INSERT INTO website_bases (website_id, host, path_prefix)", len(siteIDs), func(i int) []any {
		return []any{siteIDs[i], fmt.Sprintf("site%04d.bench.gov.cn", i), "/"}
	})
	insert("INSERT INTO media_accounts (name, platform, account, unit_id, status, created_at, updated_at)", p.Accounts, func(i int) []any {
		return []any{fmt.Sprintf("压测账号%05d", i), "微信", fmt.Sprintf("bench-%d", i), unit(i), "active", at, at}
	})
	type person struct {
		unit int64
		role string
	}
	var people []person
	for i := range p.Units {
		if i%10 == 0 {
			continue
		}
		people = append(people, person{unit(i), models.RoleUnitStaff})
		if i%7 != 0 {
			people = append(people, person{unit(i), models.RoleUnitReviewer})
		}
	}
	insert("INSERT INTO users (username, display_name, password_hash, role, unit_id, created_at, updated_at)", len(people), func(i int) []any {
		return []any{fmt.Sprintf("bench%05d", i), fmt.Sprintf("压测用户%05d", i), "x", people[i].role, people[i].unit, at, at}
	})
	return len(people)
}
