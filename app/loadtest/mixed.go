package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// mixed drives a busy province's mix of requests at a fixed rate (open loop: request i
// is sent at start + i/rate whether or not the earlier ones have been answered, so a slow server
// shows as latency and a lower achieved rate, not as a politely slower client). It then checks
// that every acknowledged report is in the database.
//
//	go run ./app loadtest mixed --url http://127.0.0.1:18080 --rate 2000 --duration 60s
//
// The mix, per 1,000 requests: 150 submissions, 354 status queries (204 API, 150 page), 100 report
// forms, 50 public replies pages, 180 staff reads (inbox and ticket), 60 dashboard figures,
// 105 staff actions (accept, reply, approve, each ticket in turn) and 1 sign-in (bcrypt: at
// 2,000 requests/s that is 7,200 sign-ins an hour, more than a province's staff in a day).
func mixed(ctx context.Context, env Env, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest mixed", flag.ContinueOnError)
	fs.SetOutput(out)
	base := fs.String("url", "http://127.0.0.1:8080", "the server (or proxy) under test")
	rate := fs.Int("rate", 2000, "requests per second to send")
	duration := fs.Duration("duration", 60*time.Second, "how long to send")
	clients := fs.Int("clients", 512, "most requests in flight at once")
	password := fs.String("password", env.DemoPassword, "the demo logins' password (DEMO_PASSWORD)")
	only := fs.String("only", "", "send only requests of this kind (to find what is slow); \"baseline\" sends GET /readyz, a database ping and a Redis ping, to size the machine")
	if err := fs.Parse(args); err != nil {
		return UsageError{err.Error()}
	}
	if *password == "" {
		return UsageError{"loadtest mixed needs the demo password: --password or DEMO_PASSWORD"}
	}
	if *only == "bare" { // the yardstick (loadtest bare): no users, no tickets
		m := &mix{base: *base, only: *only, client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			MaxIdleConns: *clients, MaxIdleConnsPerHost: *clients, IdleConnTimeout: time.Minute}}}
		fmt.Fprintf(out, "mixed: %d requests/s for %s against %s, GET /bare only\n", *rate, *duration, *base)
		m.run(ctx, *rate, *duration, *clients).print(out)
		return nil
	}
	store, err := env.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	before, err := store.CountTickets(ctx)
	if err != nil {
		return err
	}

	m := &mix{base: *base, password: *password, only: *only, queues: map[string]*actionQueues{},
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			MaxIdleConns: *clients, MaxIdleConnsPerHost: *clients, IdleConnTimeout: time.Minute}}}
	for _, u := range []struct{ unit, staff, reviewer string }{
		{"四川省人民政府办公厅", "scgov-staff", "scgov-reviewer"},
		{"四川省政府国有资产监督管理委员会", "gzw-staff", "gzw-reviewer"},
	} {
		q := &actionQueues{accept: make(chan string, 100000), reply: make(chan string, 100000), approve: make(chan string, 100000)}
		var err error
		if q.staff, err = m.signIn(u.staff); err != nil {
			return err
		}
		if q.reviewer, err = m.signIn(u.reviewer); err != nil {
			return err
		}
		m.queues[u.unit] = q
		m.units = append(m.units, u.unit)
	}
	if m.supervisor, err = m.signIn("sc-supervisor"); err != nil {
		return err
	}
	// The units' open tickets wait for their next action from the start (another run may have
	// left them: COSTS=1 in docs/bench/replicas.sh submits before it times the actions).
	for _, unit := range m.units {
		if err := m.pickUp(m.queues[unit]); err != nil {
			return err
		}
	}
	for i := 0; i < 50; i++ { // something to query from the first second
		m.submit()
	}

	fmt.Fprintf(out, "mixed: %d requests/s for %s against %s (at most %d in flight)\n", *rate, *duration, *base, *clients)
	res := m.run(ctx, *rate, *duration, *clients)
	after, err := store.CountTickets(ctx)
	if err != nil {
		return err
	}
	res.print(out)
	acked := m.acked.Load()
	fmt.Fprintf(out, "  tickets in the database: +%d, acknowledged %d, lost %d\n", after-before, acked, max(acked-(after-before), 0))
	if stored := after - before; stored > acked {
		// A report whose answer never arrived (a replica killed, the database cut mid-commit)
		// may still have been stored: the citizen saw an error, no acknowledged ticket is lost.
		fmt.Fprintf(out, "  stored without an acknowledgment: %d\n", stored-acked)
	}
	if res.errors > 0 || acked > after-before {
		return fmt.Errorf("%d errors, %d acknowledged reports not in the database", res.errors, acked-(after-before))
	}
	if res.unsent > res.sent/100 {
		return fmt.Errorf("the server kept up with %.0f of the %d requests/s asked", float64(res.sent)/res.elapsed.Seconds(), *rate)
	}
	return nil
}

// mix is the load's state: who is signed in, which tickets exist, what each unit has to do next.
type mix struct {
	base, password string
	only           string
	client         *http.Client
	supervisor     string
	units          []string
	queues         map[string]*actionQueues
	acked          atomic.Int64
	seq            atomic.Int64

	mu      sync.Mutex
	tickets []ticketRef // the latest acknowledged, to query
}

type ticketRef struct{ no, code string }

// actionQueues hold a unit's tickets by the next action they wait for.
type actionQueues struct {
	staff, reviewer        string
	accept, reply, approve chan string
}

type kindWeight struct {
	kind   string
	weight int
}

var mixWeights = []kindWeight{
	{"submit", 150}, {"status api", 204}, {"status page", 150}, {"form page", 100}, {"replies page", 50},
	{"staff inbox", 120}, {"staff ticket", 60}, {"dashboard", 60}, {"staff action", 105}, {"sign-in", 1},
}

func (m *mix) pick(r *rand.Rand) string {
	if m.only != "" {
		return m.only
	}
	n := r.IntN(1000)
	for _, kw := range mixWeights {
		if n < kw.weight {
			return kw.kind
		}
		n -= kw.weight
	}
	return "submit"
}

// do sends one request of kind; ok says it was answered as it should be.
func (m *mix) do(kind string, r *rand.Rand) (ok bool, detail string) {
	switch kind {
	case "submit":
		return m.submit()
	case "status api":
		t := m.someTicket(r)
		return m.expect("GET", "/api/v1/reports/"+t.no+"?code="+t.code, "", "", 200, nil)
	case "status page":
		return m.statusPage(m.someTicket(r))
	case "form page":
		return m.expect("GET", "/", "", "", 200, nil)
	case "replies page":
		return m.expect("GET", "/replies", "", "", 200, nil)
	case "staff inbox":
		q := m.queues[m.units[r.IntN(len(m.units))]]
		return m.expect("GET", "/api/v1/tickets?status=open", q.staff, "", 200, nil)
	case "staff ticket":
		t := m.someTicket(r)
		return m.expect("GET", "/api/v1/tickets/"+t.no, m.supervisor, "", 200, nil)
	case "dashboard":
		return m.expect("GET", "/api/v1/stats/completion?group_by=unit", m.supervisor, "", 200, nil)
	case "staff action":
		return m.act(r)
	case "bare": // not in the mix: the bare gin + gorm handler of loadtest bare
		return m.expect("GET", "/bare", "", "", 200, nil)
	case "baseline": // not in the mix: the lightest request through the whole stack, to size the machine
		return m.expect("GET", "/readyz", "", "", 200, nil)
	case "sign-in":
		_, err := m.signIn([]string{"scgov-staff", "gzw-staff", "sc-supervisor"}[r.IntN(3)])
		if err != nil {
			return false, err.Error()
		}
		return true, ""
	}
	return false, "unknown kind " + kind
}

func (m *mix) submit() (bool, string) {
	n := m.seq.Add(1)
	body := fmt.Sprintf(`{"page_url":"%s?n=%d","category":"链接不可用","description":"压力测试留言第 %d 条：页面链接无法打开。","contact_phone":"13800138000"}`,
		loadPages[n%int64(len(loadPages))], n, n)
	var created struct {
		TicketNo  string  `json:"ticket_no"`
		QueryCode string  `json:"query_code"`
		Status    string  `json:"status"`
		Unit      *string `json:"unit"`
	}
	ok, detail := m.expect("POST", "/api/v1/reports", "", body, http.StatusCreated, &created)
	if !ok {
		return ok, detail
	}
	m.acked.Add(1)
	m.mu.Lock()
	m.tickets = append(m.tickets, ticketRef{created.TicketNo, created.QueryCode})
	if len(m.tickets) > 10000 {
		m.tickets = slices.Clone(m.tickets[5000:])
	}
	m.mu.Unlock()
	if created.Unit != nil && created.Status == "assigned" { // not one linked to an earlier report of its page
		if q := m.queues[*created.Unit]; q != nil {
			offer(q.accept, created.TicketNo)
		}
	}
	return true, ""
}

// act moves one ticket of a unit a step on: approve, else reply, else accept.
func (m *mix) act(r *rand.Rand) (bool, string) {
	q := m.queues[m.units[r.IntN(len(m.units))]]
	select {
	case no := <-q.approve:
		return m.expect("POST", "/api/v1/tickets/"+no+"/approve", q.reviewer, `{"public":true}`, 200, nil)
	default:
	}
	select {
	case no := <-q.reply:
		ok, d := m.expect("POST", "/api/v1/tickets/"+no+"/reply", q.staff, `{"text":"经核实，该链接已修复，感谢您的留言。","confirmed":true}`, 200, nil)
		if ok {
			offer(q.approve, no)
		}
		return ok, d
	default:
	}
	select {
	case no := <-q.accept:
		ok, d := m.expect("POST", "/api/v1/tickets/"+no+"/accept", q.staff, "", 200, nil)
		if ok {
			offer(q.reply, no)
		}
		return ok, d
	default:
	}
	return m.expect("GET", "/api/v1/tickets?status=open", q.staff, "", 200, nil)
}

// pickUp puts a unit's open tickets into its queues by the action each waits for (at most
// 10,000 of each status).
func (m *mix) pickUp(q *actionQueues) error {
	for _, st := range []struct {
		status string
		queue  chan string
	}{{"assigned", q.accept}, {"processing", q.reply}, {"reviewing", q.approve}} {
		token := q.staff
		if st.status == "reviewing" {
			token = q.reviewer
		}
		for page := 1; page <= 100; page++ {
			var list struct {
				Tickets []struct {
					TicketNo string `json:"ticket_no"`
				} `json:"tickets"`
			}
			path := fmt.Sprintf("/api/v1/tickets?status=%s&per_page=100&page=%d", st.status, page)
			if ok, detail := m.expect("GET", path, token, "", http.StatusOK, &list); !ok {
				return fmt.Errorf("open tickets: %s", detail)
			}
			for _, t := range list.Tickets {
				offer(st.queue, t.TicketNo)
			}
			if len(list.Tickets) < 100 {
				break
			}
		}
	}
	return nil
}

func offer(ch chan string, v string) {
	select {
	case ch <- v:
	default:
	}
}

func (m *mix) someTicket(r *rand.Rand) ticketRef {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tickets[r.IntN(len(m.tickets))]
}

func (m *mix) signIn(username string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": username, "password": m.password})
	var res struct {
		Token string `json:"token"`
	}
	if ok, detail := m.expect("POST", "/api/v1/auth/login", "", string(body), 200, &res); !ok {
		return "", fmt.Errorf("sign in %s: %s", username, detail)
	}
	return res.Token, nil
}

// expect sends a request and says whether it was answered with want.
// statusPage looks a ticket up as a citizen's browser does: the query form, whose answer keeps the
// ticket in a cookie and leads to its page.
func (m *mix) statusPage(t ticketRef) (bool, string) {
	form := url.Values{"ticket_no": {t.no}, "code": {t.code}}.Encode()
	req, err := http.NewRequest("POST", m.base+"/query", strings.NewReader(form))
	if err != nil {
		return false, err.Error()
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	browser := *m.client
	browser.Jar, _ = cookiejar.New(nil)
	resp, raw, failed := m.answer(&browser, req)
	if failed != "" {
		return false, failed
	}
	if resp.StatusCode != 200 || !bytes.Contains(raw, []byte(t.no)) {
		return false, fmt.Sprintf("query form %s: %d at %s", t.no, resp.StatusCode, resp.Request.URL.Path)
	}
	return true, ""
}

func (m *mix) expect(method, path, token, body string, want int, into any) (bool, string) {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewBufferString(body)
	}
	req, err := http.NewRequest(method, m.base+path, rd)
	if err != nil {
		return false, err.Error()
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, raw, failed := m.answer(m.client, req)
	if failed != "" {
		return false, failed
	}
	if resp.StatusCode != want {
		return false, fmt.Sprintf("%s %s: %d %.120s", method, path, resp.StatusCode, raw)
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			return false, fmt.Sprintf("%s %s: %v", method, path, err)
		}
	}
	return true, ""
}

// answer sends req through c and reads the whole answer; failed says why it is no answer at all:
// no response, a body cut short, or a 503 that does not tell the client when to try again
// (ha.sh counts those apart).
func (m *mix) answer(c *http.Client, req *http.Request) (resp *http.Response, raw []byte, failed string) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err.Error()
	}
	defer resp.Body.Close()
	if raw, err = io.ReadAll(resp.Body); err != nil {
		return nil, nil, err.Error()
	}
	if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
		return nil, nil, fmt.Sprintf("%s %s: 503 without Retry-After %.120s", req.Method, req.URL.Path, raw)
	}
	return resp, raw, ""
}

// mixResult is what the run measured, by kind and overall.
type mixResult struct {
	sent, errors, late int
	unsent             int // due within the run, never sent: every client was waiting on the server
	elapsed            time.Duration
	byKind             map[string][]time.Duration
	errorsByKind       map[string]int
	errorsByClass      map[string]int // 503, 502, timeout, ...
	errorsBySecond     map[int]int    // since the start, to see an outage begin and end
	firstErrors        []string
}

func (m *mix) run(ctx context.Context, rate int, d time.Duration, clients int) *mixResult {
	res := &mixResult{byKind: map[string][]time.Duration{}, errorsByKind: map[string]int{},
		errorsByClass: map[string]int{}, errorsBySecond: map[int]int{}}
	total := int64(rate) * int64(d/time.Millisecond) / 1000
	interval := time.Second / time.Duration(rate)
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, seed*7+1))
			lat := map[string][]time.Duration{}
			errs := map[string]int{}
			classes, seconds := map[string]int{}, map[int]int{}
			var first []string
			sent, bad, late := 0, 0, 0
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= total || time.Since(start) > d {
					break // the rest was due and never sent: the server is behind the rate
				}
				due := start.Add(time.Duration(i) * interval)
				if wait := time.Until(due); wait > 0 {
					time.Sleep(wait)
				} else if wait < -100*time.Millisecond {
					late++ // every client was busy: the server is behind the rate
				}
				kind := m.pick(r)
				t0 := time.Now()
				ok, detail := m.do(kind, r)
				lat[kind] = append(lat[kind], time.Since(t0))
				sent++
				if !ok {
					bad++
					errs[kind]++
					classes[errorClass(detail)]++
					seconds[int(t0.Sub(start)/time.Second)]++
					if len(first) < 5 {
						first = append(first, kind+": "+detail)
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.sent, res.errors, res.late = res.sent+sent, res.errors+bad, res.late+late
			for k, v := range lat {
				res.byKind[k] = append(res.byKind[k], v...)
			}
			for k, v := range errs {
				res.errorsByKind[k] += v
			}
			for k, v := range classes {
				res.errorsByClass[k] += v
			}
			for k, v := range seconds {
				res.errorsBySecond[k] += v
			}
			if len(res.firstErrors) < 10 {
				res.firstErrors = append(res.firstErrors, first[:min(len(first), 10-len(res.firstErrors))]...)
			}
		}(uint64(w) + 1)
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.unsent = int(total) - res.sent
	return res
}

func (r *mixResult) print(out io.Writer) {
	var all []time.Duration
	fmt.Fprintf(out, "  %-14s %8s %7s %9s %9s %9s\n", "kind", "requests", "errors", "p50", "p99", "max")
	kinds := make([]string, 0, len(mixWeights)+1)
	for _, kw := range mixWeights {
		kinds = append(kinds, kw.kind)
	}
	for k := range r.byKind { // a kind outside the mix sent alone (--only baseline, bare)
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	for _, kind := range kinds {
		lat := r.byKind[kind]
		all = append(all, lat...)
		slices.Sort(lat)
		fmt.Fprintf(out, "  %-14s %8d %7d %9s %9s %9s\n", kind, len(lat), r.errorsByKind[kind], pct(lat, 50), pct(lat, 99), pct(lat, 100))
	}
	slices.Sort(all)
	fmt.Fprintf(out, "  %-14s %8d %7d %9s %9s %9s\n", "all", len(all), r.errors, pct(all, 50), pct(all, 99), pct(all, 100))
	fmt.Fprintf(out, "  achieved %.0f requests/s over %s; %d sent more than 100 ms behind schedule, %d due and never sent\n",
		float64(r.sent)/r.elapsed.Seconds(), r.elapsed.Round(time.Millisecond), r.late, r.unsent)
	if r.errors > 0 {
		fmt.Fprintf(out, "  errors by answer: %v\n", r.errorsByClass)
		var secs []int
		for s := range r.errorsBySecond {
			secs = append(secs, s)
		}
		slices.Sort(secs)
		fmt.Fprint(out, "  errors by second of the run:")
		for _, s := range secs {
			fmt.Fprintf(out, " %ds:%d", s, r.errorsBySecond[s])
		}
		fmt.Fprintln(out)
	}
	if len(r.firstErrors) > 0 {
		fmt.Fprintf(out, "  first errors: %q\n", r.firstErrors)
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)].Round(100 * time.Microsecond)
}

// errorClass sorts a failure by what the client saw.
func errorClass(detail string) string {
	if strings.Contains(detail, ": 503 without Retry-After") {
		return "503 without Retry-After"
	}
	for _, code := range []string{"500", "502", "503", "504", "400", "401", "404", "409", "429"} {
		if strings.Contains(detail, ": "+code+" ") {
			return code
		}
	}
	switch {
	case strings.Contains(detail, "Timeout"), strings.Contains(detail, "deadline exceeded"):
		return "timeout"
	case strings.Contains(detail, "connection refused"), strings.Contains(detail, "connection reset"), strings.Contains(detail, "EOF"):
		return "connection"
	}
	return "other"
}
