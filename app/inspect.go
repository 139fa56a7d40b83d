package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"zhaocuo/jobs/egress"
	"zhaocuo/jobs/inspector"
	"zhaocuo/models/indicator"
)

// inspectSite is one site of `app inspect --json`: one object per line.
// A site that could not be inspected has the reason in error, and no verdict and no score: a
// site nobody read is not 合格.
type inspectSite struct {
	URL      string           `json:"url"`
	Verdict  string           `json:"verdict,omitempty"`
	Score    *float64         `json:"score,omitempty"`
	Partial  string           `json:"partial,omitempty"` // 部分检查: a limit stopped the crawl, the verdict rests on the pages read
	Error    string           `json:"error,omitempty"`
	IPv6     *inspector.IPv6  `json:"ipv6,omitempty"`
	Findings []inspectFinding `json:"findings"`
}

type inspectFinding struct {
	Type     string `json:"type"`
	URL      string `json:"url"`
	Target   string `json:"target"`
	Page     string `json:"page"`
	Evidence string `json:"evidence"`
	Veto     bool   `json:"veto"`
}

// inspectCommand inspects the given sites now, registered or not, one after another, and prints
// what it found. It needs no database and no settings. Like every fetch of the server it does not
// reach private addresses, unless its operator names the ranges (--allow-private: an intranet
// site). The exit code is 0 when every site could be inspected (whatever it found), 1 when one
// could not (its homepage not read, say), 2 on bad arguments.
func inspectCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "one JSON object per site and line")
	maxPages := fs.Int("max-pages", 2000, "pages read per site")
	maxTime := fs.Duration("max-time", 10*time.Minute, "time per site")
	allowPrivate := fs.String("allow-private", "", "CIDR ranges of private networks it may fetch, e.g. 10.1.0.0/16 (none by default)")
	browser := fs.String("browser", os.Getenv("INSPECT_BROWSER"), "Chromium for pages behind a script challenge or listed by script (default $INSPECT_BROWSER; none: such pages are skipped)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	guard, err := egress.ParseAllow(*allowPrivate)
	if err != nil {
		fmt.Fprintf(stderr, "找错: --allow-private: %v\n", err)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "找错: inspect needs at least one URL, e.g. app inspect https://www.example.gov.cn/")
		return 2
	}
	for _, raw := range fs.Args() {
		if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
			fmt.Fprintf(stderr, "找错: %q is not an http(s) URL\n", raw)
			return 2
		}
	}
	in := inspector.New(inspector.Config{MaxPages: *maxPages, MaxDuration: *maxTime, Egress: guard, Browser: *browser})
	defer in.Close()
	code := 0
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, raw := range fs.Args() {
		site := inspectSite{URL: raw, Findings: []inspectFinding{}}
		res, err := in.Inspect(ctx, inspector.Site{Name: raw, BaseURLs: []string{raw}})
		if err != nil {
			if ctx.Err() != nil {
				fmt.Fprintf(stderr, "找错: %v\n", err)
				return 1
			}
			site.Error, code = err.Error(), 1
		} else {
			if res.Uninspected != "" {
				site.Error, code = "首页无法打开："+res.Uninspected, 1
			} else {
				site.Verdict, site.Score, site.IPv6 = res.Verdict, &res.Score, res.IPv6
				site.Partial = indicator.Partial(res.Stopped, res.Pages)
			}
			for _, f := range res.Findings {
				site.Findings = append(site.Findings, inspectFinding{Type: f.Type, URL: f.URL, Target: f.Target,
					Page: f.Page, Evidence: f.Evidence, Veto: f.Veto})
			}
		}
		if *asJSON {
			if err := enc.Encode(site); err != nil {
				return 1
			}
			continue
		}
		printSite(stdout, site, res)
	}
	return code
}

func printSite(w io.Writer, site inspectSite, res *inspector.Result) {
	if site.Error != "" {
		fmt.Fprintf(w, "%s\n  无法检查：%s\n\n", site.URL, site.Error)
		return
	}
	fmt.Fprintf(w, "%s\n  结论：%s  得分：%.2f  页面：%d  链接：%d  问题：%d\n", site.URL, site.Verdict, *site.Score, res.Pages, res.Links, len(res.Findings))
	if site.Partial != "" {
		fmt.Fprintf(w, "  %s（可用 --max-pages、--max-time 放宽）\n", site.Partial)
	}
	if v6 := site.IPv6; v6 != nil {
		switch {
		case v6.OK:
			fmt.Fprintln(w, "  IPv6：支持")
		default:
			fmt.Fprintf(w, "  IPv6：不支持（%s）\n", v6.Note)
		}
	}
	for _, f := range res.Findings {
		mark := ""
		switch {
		case f.Veto:
			mark = "［单项否决］"
		case f.Warning:
			mark = "［预警］"
		}
		if f.Suspected {
			mark += "［疑似］"
		}
		fmt.Fprintf(w, "  - %s %s%s\n      对象：%s\n      位置：%s\n      证据：%s\n", f.Type, f.Indicator, mark, f.Target, f.Page, f.Evidence)
	}
	fmt.Fprintln(w)
}
