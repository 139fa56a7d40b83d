package inspector

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhaocuo/jobs/egress/egresstest"
	"zhaocuo/models/indicator"
)

// A page links to the server's own network: loopback, private and link-local addresses, cloud
// metadata, a name that resolves to loopback, a redirect there. Each link is a broken link in
// the refusal's words, a homepage there is unreachable in the same words, and nothing reached
// any of them. The inspector is built as production builds it: from a guard alone.
func TestCrawlRefusesTheServersOwnNetwork(t *testing.T) {
	r := egresstest.NewRefused(t)
	r.NeedGateway(t)
	in := New(Config{Egress: r.Guard, Timeout: 5 * time.Second, Now: func() time.Time { return testNow }})

	res := inspect(t, in, Site{Name: "示范网站", BaseURLs: []string{r.Gateway}})
	if res.Pages == 0 {
		t.Fatalf("the allowed site was not read:%s", dump(res))
	}
	dead := map[string]string{} // link text → evidence
	for _, f := range findingsOf(res, indicator.TypeDeadLink) {
		if i := strings.Index(f.Evidence, "链接文字「"); i >= 0 {
			dead[strings.TrimSuffix(f.Evidence[i+len("链接文字「"):], "」")] = f.Evidence
		}
	}
	for _, tg := range r.Targets {
		if ev := dead[tg.Name]; !strings.HasPrefix(ev, egresstest.Words) {
			t.Errorf("%s (%s): evidence %q, want a broken link reading %q", tg.Name, tg.URL, ev, egresstest.Words)
		}
	}

	for _, tg := range r.Targets {
		res := inspect(t, in, Site{Name: tg.Name, BaseURLs: []string{tg.URL}})
		got := findingsOf(res, indicator.TypeUnreachable)
		if len(got) != 1 || got[0].Evidence != "本轮检查首页无法打开："+egresstest.Words {
			t.Errorf("a homepage at %s (%s):%s", tg.Name, tg.URL, dump(res))
		}
	}
	if n := r.Connections(); n != 0 {
		t.Fatalf("%d connections reached the server's own network", n)
	}
}

// An account's menu links are checked by the same link checker, so the same refusal.
func TestAccountMenuLinksRefuseTheServersOwnNetwork(t *testing.T) {
	r := egresstest.NewRefused(t)
	in := New(Config{Egress: r.Guard, Timeout: 5 * time.Second})
	acc := Account{Name: "示范发布", Platform: "微信", Status: AccountActive, LastPost: testNow, InteractionAvailable: true}
	for _, tg := range r.Targets {
		acc.MenuLinks = append(acc.MenuLinks, tg.URL)
	}
	dead := map[string]string{}
	for _, f := range in.CheckAccount(context.Background(), acc, testNow) {
		if f.Type == indicator.TypeDeadMenuLink {
			dead[f.Target] = f.Evidence
		}
	}
	for _, tg := range r.Targets {
		if ev := dead[tg.URL]; ev != "菜单链接不可用："+egresstest.Words {
			t.Errorf("%s (%s): %q", tg.Name, tg.URL, ev)
		}
	}
	if n := r.Connections(); n != 0 {
		t.Fatalf("%d connections reached the server's own network", n)
	}
}
