// Package inspector crawls a government website and checks it against the national
// inspection indicators (国办秘函〔2019〕19号): dead links, homepage and column freshness,
// blank columns, hidden links and links to gambling or porn sites, 错敏字, the 找错 entry
// and the footer marks, and 一稿多发. It also checks 政务新媒体 accounts from imported
// data and turns availability probes into the 站点无法访问 indicator.
//
// A mark counts only with its value (marks.go, rules/marks.txt): the 网站标识码 must be the
// registered one, and so must the code the 找错 entry sends to the national platform; ICP
// and 公安 备案 numbers must be numbers. The portal of a 县级以上人民政府 must show the 国徽.
// Pages must carry the metadata of 国办发〔2017〕47号 (meta.go): SiteName, SiteDomain and
// SiteIDCode on the homepage, ColumnName and ColumnType on column pages, ArticleTitle,
// PubDate and ContentSource on articles; a PubDate is an article's publishing date.
//
// It knows nothing of the database: the jobs package stores its Findings.
package inspector

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"zhaocuo/jobs/egress"
	"zhaocuo/models/indicator"
)

// Site is a registered website.
type Site struct {
	Name     string
	BaseURLs []string // the first is the homepage; all their hosts are the site's
	Columns  []Column // column list pages configured by hand; more are found on the homepage

	IdentifierCode string // 网站标识码 as registered; "" when unknown (the command line)
	GovPortal      bool   // the portal of a 县级以上人民政府: must carry the 国徽
}

// Column is a column (栏目) list page.
type Column struct {
	URL, Name string
	Type      string // news (动态要闻), notice (通知公告), policy (政策文件), personnel (人事), plan (规划计划), other
}

// Config sets the crawler's limits and manners. Zero values take the defaults noted.
type Config struct {
	UserAgent   string        // default DefaultUserAgent
	MaxPages    int           // pages fetched and read per round; default 10000
	MaxDepth    int           // clicks from the homepage; default 10
	MaxDuration time.Duration // of reading per round, memory-gate holds not counted (roundclock.go); default DefaultMaxDuration
	Timeout     time.Duration // per request; default 15 s, the indicator's limit

	PerHostConcurrency int     // requests in flight to one host; default 4
	PerHostRate        float64 // requests per second to one host; 0 = unlimited
	Analyses           int     // pages parsed and analysed at once, across all rounds; default the cores the process has (cores)
	// MemoryBudget: while the live heap is over this many bytes, the rounds running share it
	// in the order they started, and the youngest wait before each page (memgate.go); 0 = none.
	MemoryBudget int64

	// Egress says where fetches may go; the zero value: public addresses only (a page linking
	// to the server's own network gets a broken link, never a request there).
	Egress egress.Guard
	// Client, when set, is used instead of Egress's client; it must dial through an egress
	// guard (tests route made-up host names to their servers through Guard.Dialer).
	Client *http.Client
	// Resolver looks up the homepage's AAAA records for the IPv6 figure; default the system's,
	// which the crawl's dialer uses too. With a Client of its own and no Resolver (a test that
	// routes made-up names to its servers) a round has no IPv6 figure: the made-up names would
	// go to the real DNS.
	Resolver Resolver
	// Browser is the path of a Chromium to render the pages a plain request cannot read: a site
	// behind a script challenge, a column whose list a script fills. "" = none, and such a page is
	// skipped or unjudged with the reason. The browser starts on first need (browser.go).
	Browser string

	// FigureKey keys the hash of the figures of each page's 一稿多发 signature in its page
	// state (figures.go): rounds that carry each other's states must share it, so every replica
	// is given the same (the app derives it from JWT_SECRET); nil = a built-in key.
	FigureKey []byte

	Now    func() time.Time      // default time.Now
	Rules  *Rules                // default DefaultRules()
	Scores *indicator.ScoreTable // default indicator.DefaultScoreTable()
}

// DefaultMaxDuration is a round's reading time unless Config says otherwise.
const DefaultMaxDuration = 30 * time.Minute

// DefaultUserAgent names the crawler, so that a site's operators can tell who calls.
// ASCII only: some firewalls in front of government sites refuse other bytes in headers.
const DefaultUserAgent = "zhaocuo-inspector/1.0 (+government website inspection)"

// Inspector runs inspections; one value serves any number of rounds at once.
type Inspector struct {
	cfg     Config
	words   *words
	scores  indicator.ScoreTable
	browser *browser // nil without Config.Browser
	cpu     *analysisSlots
	mem     *memoryGate
}

// New fills in the defaults and compiles the rules.
func New(cfg Config) *Inspector {
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 10000
	}
	if cfg.MaxDepth <= 0 {
		cfg.MaxDepth = 10
	}
	if cfg.MaxDuration <= 0 {
		cfg.MaxDuration = DefaultMaxDuration
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.PerHostConcurrency <= 0 {
		cfg.PerHostConcurrency = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if len(cfg.FigureKey) == 0 {
		cfg.FigureKey = defaultFigureKey
	}
	if cfg.Client == nil {
		if cfg.Resolver == nil {
			cfg.Resolver = net.DefaultResolver
		}
		// As many idle connections per host as requests run at once: the standard client
		// keeps two, and reconnecting for every link halves the speed.
		cfg.Client = cfg.Egress.Client(egress.Options{IdleConnsPerHost: cfg.PerHostConcurrency})
	}
	rules := DefaultRules()
	if cfg.Rules != nil {
		rules = *cfg.Rules
	}
	scores := indicator.DefaultScoreTable()
	if cfg.Scores != nil {
		scores = *cfg.Scores
	}
	return &Inspector{cfg: cfg, words: compileWords(rules), scores: scores, browser: newBrowser(cfg.Browser),
		cpu: newAnalysisSlots(cfg.Analyses), mem: newMemoryGate(cfg.MemoryBudget)}
}

// Close stops the browser, if one was started; the Inspector stays usable (a later page that
// needs the browser starts it again). Without a call the browser stops after a while unused.
func (in *Inspector) Close() { in.browser.Close() }

// Result is one round of one site.
type Result struct {
	Site    Site
	Pages   int      // pages fetched and read
	Links   int      // distinct URLs requested (pages, links and documents), skipped ones not counted
	Stopped string   // why the crawl stopped early (indicator.StoppedMaxPages, …), or ""
	Columns []Column // the columns judged, found and configured
	// Uninspected says why the site could not be inspected: its homepage was not read (refused,
	// timed out, HTTP 4xx/5xx, not HTML, robots.txt). Such a round saw nothing, so it has no
	// Verdict and no Score; Findings holds the unreachable warning. "" when the site was inspected.
	Uninspected string
	Findings    []Finding
	Verdict     string // 合格 or 不合格 counting every finding (suspected ones included); "" when Uninspected
	Score       float64
	IPv6        *IPv6 // nil when not checked (uninspected, or no resolver: see Config.Resolver)
	Started     time.Time
	Finished    time.Time

	// States is what the round keeps of every URL it checked, for the next incremental round
	// (InspectIncremental); Incremental says this round started from such states.
	States      []PageState
	Incremental bool
}

// ErrNoHomepage: the site has no usable base URL.
var ErrNoHomepage = errors.New("inspector: site has no valid http(s) base URL")

// Inspect crawls the site once and runs every check. It fails only on bad input or a
// cancelled context; a site whose homepage does not answer is a Result with Uninspected set
// (and the warning), not an error: whether that is the 站点无法访问 veto is for the week of
// availability probes to say (Availability).
func (in *Inspector) Inspect(ctx context.Context, site Site) (*Result, error) {
	return in.inspect(ctx, site, nil, false)
}

// InspectFull is Inspect as the weekly full round of a site the rounds before kept states of:
// every page is read, and prev (Result.States of the last round; their records are not read)
// only keeps, for each page whose fingerprint did not change, when it last changed.
func (in *Inspector) InspectFull(ctx context.Context, site Site, prev []PageState) (*Result, error) {
	return in.inspect(ctx, site, prev, false)
}

func (in *Inspector) inspect(ctx context.Context, site Site, prev []PageState, incremental bool) (*Result, error) {
	r, err := in.newRound(ctx, site)
	if err != nil {
		return nil, err
	}
	defer r.cancel()
	if incremental {
		r.startIncremental(prev)
	} else {
		r.keepDates(prev)
	}
	res := &Result{Site: site, Started: in.cfg.Now(), Incremental: r.since.on}
	r.crawl()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inspector: inspect %s: %w", site.Name, err)
	}
	res.Pages, res.Links, res.Stopped = len(r.pages), r.checked(), r.stopped
	// The site's findings take a core like a page's analysis (slots.go): sites that end together
	// judge one after another, and so hold their working memory one after another too.
	release := in.cpu.hold()
	res.Findings, res.Columns = r.findings()
	release()
	res.Uninspected = r.unread()
	if res.Uninspected == "" && in.cfg.Resolver != nil {
		v6 := in.checkIPv6(ctx, r.home)
		res.IPv6 = &v6
	}
	res.Finished = in.cfg.Now()
	release = in.cpu.hold()
	res.States = r.states(res.Finished, res.Columns)
	release()
	for i := range res.Findings {
		f := &res.Findings[i]
		f.SeenAt = res.Finished
		if f.URL == "" {
			f.URL = r.home.String()
		}
		if f.Points == 0 && !f.Warning && !f.Veto {
			f.Points = in.scores.Points(f.Indicator)
		}
	}
	if res.Uninspected != "" {
		return res, nil
	}
	marks := make([]indicator.Mark, len(res.Findings))
	for i, f := range res.Findings {
		marks[i] = f.mark()
	}
	res.Verdict, res.Score = in.scores.Score(marks)
	return res, nil
}
