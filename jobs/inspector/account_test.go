package inspector

import (
	"context"
	"testing"
	"time"

	"zhaocuo/models/indicator"
)

func TestCheckAccount(t *testing.T) {
	f := newFarm(t)
	f.static("mp.shifan.gov.cn", map[string]string{"/menu/ok": "<html>办事指南</html>"})
	in := f.inspector(Config{})
	active := Account{Name: "示范发布", Platform: "微信公众号", Unit: "示范市政府办公室", Status: AccountActive,
		LastPost: testNow.AddDate(0, 0, -3), InteractionAvailable: true, ReportedOnline: true,
		MenuLinks: []string{"http://mp.shifan.gov.cn/menu/ok"}, RecentPosts: []string{"市政府召开常务会议，部署春季工作。"}}
	tests := []struct {
		name  string
		edit  func(*Account)
		types []string
		veto  []bool
	}{
		{name: "healthy account", edit: func(a *Account) {}},
		{name: "no update in two weeks", edit: func(a *Account) { a.LastPost = testNow.AddDate(0, 0, -15) },
			types: []string{indicator.TypeAccountStale}, veto: []bool{true}},
		{name: "exactly two weeks is still fresh", edit: func(a *Account) { a.LastPost = testNow.AddDate(0, 0, -14) }},
		{name: "never posted", edit: func(a *Account) { a.LastPost = time.Time{} },
			types: []string{indicator.TypeAccountStale}, veto: []bool{true}},
		{name: "no interaction", edit: func(a *Account) { a.InteractionAvailable = false },
			types: []string{indicator.TypeNoInteraction}, veto: []bool{true}},
		{name: "dead menu links", edit: func(a *Account) {
			a.MenuLinks = append(a.MenuLinks, "http://mp.shifan.gov.cn/menu/gone", "http://nowhere.example/x", "not a link")
		}, types: []string{indicator.TypeDeadMenuLink, indicator.TypeDeadMenuLink, indicator.TypeDeadMenuLink}, veto: []bool{false, false, false}},
		{name: "typo in a recent post", edit: func(a *Account) { a.RecentPosts = []string{"认真贯彻中华人民共合国宪法"} },
			types: []string{indicator.TypeTypo}, veto: []bool{true}},
		{name: "cancelled but still online", edit: func(a *Account) { a.Status = AccountCancelled; a.LastPost = time.Time{} },
			types: []string{indicator.TypeLedgerMismatch}, veto: []bool{false}},
		{name: "online but never filed", edit: func(a *Account) { a.Status = "" },
			types: []string{indicator.TypeLedgerMismatch}, veto: []bool{false}},
		{name: "suspended and offline", edit: func(a *Account) { a.Status = AccountSuspended; a.ReportedOnline = false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc := active
			acc.MenuLinks = append([]string(nil), active.MenuLinks...)
			tt.edit(&acc)
			got := in.CheckAccount(context.Background(), acc, testNow)
			if len(got) != len(tt.types) {
				t.Fatalf("got %d findings %+v, want %v", len(got), got, tt.types)
			}
			for i, f := range got {
				if f.Type != tt.types[i] || f.Veto != tt.veto[i] || f.Page != "微信公众号：示范发布" || f.Key == "" || f.SeenAt != testNow {
					t.Errorf("finding %d = %+v, want %s veto %v", i, f, tt.types[i], tt.veto[i])
				}
				if f.Type == indicator.TypeDeadMenuLink && f.Points != 1 {
					t.Errorf("dead menu link deducts %g, want 1", f.Points)
				}
			}
		})
	}
}
