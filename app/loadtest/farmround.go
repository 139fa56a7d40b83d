package loadtest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/models"
)

// farm is `app loadtest farm`: it serves a farm of sites on loopback (farm.go), registers them,
// starts worker processes (this binary, or another build of the program: the benchmark runs
// today's code and the new in turns), opens a round, plants reminders due during it, and prints
// pages/s, the workers' CPU per page and peak memory, and how late each reminder was taken.
// Only this command lets the workers fetch from loopback (FETCH_ALLOW_PRIVATE=127.0.0.0/8).
func farm(ctx context.Context, env Env, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest farm", flag.ContinueOnError)
	fs.SetOutput(out)
	f := &farmSites{}
	fs.IntVar(&f.sites, "sites", 20, "sites in the farm, each on its own 127.1.x.y address")
	fs.IntVar(&f.pages, "pages", 200, "pages per site")
	fs.IntVar(&f.fanout, "fanout", 8, "links from each page to pages below it (the link graph is a tree plus one link across)")
	pageKB := fs.Int("page-kb", 60, "page size in KB")
	fs.DurationVar(&f.latency, "latency", 100*time.Millisecond, "server latency of every answer")
	fs.Float64Var(&f.crawlDelay, "crawl-delay", 0, "robots.txt Crawl-delay in seconds (0: none)")
	fs.Float64Var(&f.changes, "changes", 0.02, "share of the pages updated each day: a new text and date, shown on the parent's list")
	fs.Float64Var(&f.newPages, "new", 0.01, "pages that appear each day at the top of a column's list, as a share of -pages")
	fs.Float64Var(&f.edits, "edits", 0, "share of the pages edited in place each day, their list entries unchanged (a daily round does not see them)")
	fs.Float64Var(&f.typos, "typos", 0.5, "share of the texts new or changed on days 2.. that carry a typo (部暑 for 部署)")
	day := fs.Int("day", 1, "the farm's day: what changed on days 2..N is served changed")
	roundMode := fs.String("round", models.RoundFull, "the round without -incremental: full, or incremental (a daily round on -day, against the page states an earlier run left in the same database)")
	incremental := fs.Bool("incremental", false, "run a full round on day 1, then a daily (incremental) round and a full round on day 2, and compare the two")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the pages' text and of which pages change")
	fs.IntVar(&f.port, "port", 18500, "port every site listens on")
	serveOnly := fs.Bool("serve", false, "only serve the farm until interrupted")
	worker := fs.String("worker", "", "the program binary to run as worker (default: this one)")
	label := fs.String("label", "", "name of the code measured, printed with the figures")
	replicas := fs.Int("workers", 1, "worker processes")
	probeEvery := fs.Duration("reminder-every", 2*time.Second, "plant a reminder due this often during the round")
	timeout := fs.Duration("timeout", 2*time.Hour, "give up on the round after this long")
	window := fs.Duration("for", 0, "measure the first this long of the round only (0: the whole round); pages are then the farm's answers")
	pin := fs.Bool("pin", false, "run worker i on CPU i alone (taskset, GOMAXPROCS=1): one worker against two on as many cores")
	cpus := fs.Float64("cpus", 0, "hold each worker to this many cores, in a cgroup of its own (Linux, root): one worker against two of the same size, the rest of the machine left to the farm and the database")
	if err := fs.Parse(args); err != nil {
		return UsageError{err.Error()}
	}
	f.pageBytes = *pageKB << 10
	if f.sites < 1 || f.sites > 60000 || f.pages < 1 || f.fanout < 1 || *day < 1 {
		return UsageError{"farm: -sites 1..60000, -pages, -fanout and -day at least 1"}
	}
	if *roundMode != models.RoundFull && *roundMode != models.RoundIncremental {
		return UsageError{"farm: -round is full or incremental"}
	}
	if *cpus < 0 || *cpus > 0 && *pin {
		return UsageError{"farm: -cpus is a positive number of cores, and not with -pin"}
	}
	if *incremental {
		*day = 1
	}
	f.day.Store(int64(*day))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := f.serve(ctx); err != nil {
		return err
	}
	if *serveOnly {
		fmt.Fprintf(out, "farm: %d sites of %d pages on %s … %s\n", f.sites, f.pages, f.siteAddr(0), f.siteAddr(f.sites-1))
		<-ctx.Done()
		return nil
	}
	if env.Dialect != models.DialectMySQL {
		return UsageError{"farm needs DATABASE_URL=mysql://… (a fresh database) and REDIS_URL"}
	}
	redisOpt, err := asynq.ParseRedisURI(os.Getenv("REDIS_URL"))
	if err != nil {
		return UsageError{"farm: REDIS_URL: " + err.Error()}
	}
	store, err := env.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	spec := models.RegistrySpec{Regions: []models.RegionSpec{{Code: "510000", Name: "四川省", ShortName: "四川"}},
		Units: []models.UnitSpec{{Name: "农场测试局", RegionCode: "510000", Kind: models.UnitDepartment}}}
	for i := 0; i < f.sites; i++ {
		spec.Websites = append(spec.Websites, models.WebsiteSpec{Name: fmt.Sprintf("农场网站%05d", i), Unit: "农场测试局",
			Kind: models.SiteDepartment, Bases: []string{"http://" + f.siteAddr(i) + "/"}})
	}
	if _, err := store.LoadRegistry(ctx, spec); err != nil {
		return err
	}

	bin := *worker
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return err
		}
	}
	var procs []*exec.Cmd
	var groups []*cpuGroup
	defer func() {
		for _, p := range procs {
			p.Process.Signal(os.Interrupt)
			p.Wait()
		}
		for _, g := range groups { // emptied of their workers
			g.remove()
		}
	}()
	for w := 0; w < *replicas; w++ {
		dir, err := os.MkdirTemp("", "farm-worker")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		logf, err := os.Create(fmt.Sprintf("%s/worker.log", dir))
		if err != nil {
			return err
		}
		defer logf.Close()
		argv := []string{bin}
		penv := append(os.Environ(), "ROLE=worker", "DATA_DIR="+dir, "FETCH_ALLOW_PRIVATE=127.0.0.0/8", "LOG_LEVEL=warn")
		switch {
		case *pin:
			argv = append([]string{"taskset", "-c", strconv.Itoa(w % runtime.NumCPU())}, argv...)
			penv = append(penv, "GOMAXPROCS=1")
		case *cpus > 0:
			// The Go runtime sizes GOMAXPROCS to the group's quota itself, and the inspector its
			// analysis slots (jobs/inspector/cores.go), as in a container.
			g, err := newCPUGroup(fmt.Sprintf("zhaocuo-farm-%d-%d", os.Getpid(), w), *cpus)
			if err != nil {
				return err
			}
			groups = append(groups, g)
			argv = g.wrap(argv...)
		}
		p := exec.Command(argv[0], argv[1:]...)
		p.Env = penv
		p.Stdout, p.Stderr = logf, logf
		if err := p.Start(); err != nil {
			return fmt.Errorf("farm: start worker: %w", err)
		}
		procs = append(procs, p)
	}
	time.Sleep(3 * time.Second) // the workers connect and migrate

	queue := asynq.NewClient(redisOpt)
	defer queue.Close()
	tasks := asynq.NewInspector(redisOpt)
	defer tasks.Close()
	r := &farmRun{farm: f, store: store, queue: queue, tasks: tasks, procs: procs, probeEvery: *probeEvery, timeout: *timeout, window: *window}
	line := func(mode string, m *roundFigures) {
		fmt.Fprintf(out, "%s workers=%d sites=%d pages/site=%d latency=%s page=%dKB crawl-delay=%g day=%d mode=%s | %s\n",
			*label, *replicas, f.sites, f.pages, f.latency, *pageKB, f.crawlDelay, f.day.Load(), mode, m)
	}
	if !*incremental {
		m, err := r.round(ctx, *roundMode)
		if err != nil {
			return err
		}
		what := *roundMode
		if *window > 0 {
			what += fmt.Sprintf(" (its first %s)", *window)
		}
		if *pin {
			what += " pinned"
		}
		if *cpus > 0 {
			what += fmt.Sprintf(" cpus=%g", *cpus)
		}
		line(what, m)
		return nil
	}
	full1, err := r.round(ctx, models.RoundFull)
	if err != nil {
		return err
	}
	line(models.RoundFull, full1)
	f.day.Store(2)
	daily, err := r.round(ctx, models.RoundIncremental)
	if err != nil {
		return err
	}
	line(models.RoundIncremental, daily)
	full2, err := r.round(ctx, models.RoundFull)
	if err != nil {
		return err
	}
	line(models.RoundFull, full2)
	fmt.Fprintf(out, "day 2: the daily round took %.1f%% of the full round's time, %d requests (%.1f%%; %d answered 304) against %d (%d answered 304)\n",
		100*daily.elapsed.Seconds()/full2.elapsed.Seconds(), daily.requests, 100*float64(daily.requests)/float64(full2.requests),
		daily.notModified, full2.requests, full2.notModified)
	onlyDaily, onlyFull := findingsDiff(daily.findings, full2.findings)
	fmt.Fprintf(out, "day 2 findings: daily round %d, full round %d; only in the daily round %d, only in the full round %d\n",
		len(daily.findings), len(full2.findings), len(onlyDaily), len(onlyFull))
	for i, k := range onlyDaily {
		if i == 20 {
			fmt.Fprintf(out, "  … and %d more\n", len(onlyDaily)-i)
			break
		}
		fmt.Fprintf(out, "  only daily: %s\n", k)
	}
	for i, k := range onlyFull {
		if i == 20 {
			fmt.Fprintf(out, "  … and %d more\n", len(onlyFull)-i)
			break
		}
		fmt.Fprintf(out, "  only full:  %s\n", k)
	}
	return nil
}

// farmRun is what a round on the farm needs: the farm, the store, the queue and the workers.
type farmRun struct {
	farm       *farmSites
	store      *models.Store
	queue      *asynq.Client
	tasks      *asynq.Inspector
	procs      []*exec.Cmd
	probeEvery time.Duration
	timeout    time.Duration
	window     time.Duration // measure this long only; 0: the whole round
}

// roundFigures are what a round cost and found.
type roundFigures struct {
	pages, failed, stopped int
	elapsed                time.Duration
	cpu                    time.Duration // of the workers, over the round
	peak                   []int64       // each worker's peak RSS so far
	requests, notModified  int64         // the farm answered during the round
	late                   []time.Duration
	missing                int      // reminders not run
	toTheSecond            int      // reminders whose time done is known to the second only
	findings               []string // findingKey of each finding stored, sorted
}

func (m *roundFigures) String() string {
	quantile := func(q float64) string {
		if len(m.late) == 0 {
			return "-"
		}
		return m.late[min(len(m.late)-1, int(q*float64(len(m.late))))].Round(10 * time.Millisecond).String()
	}
	var peaks []string
	for _, p := range m.peak {
		peaks = append(peaks, strconv.FormatInt(p>>20, 10)+"MB")
	}
	perPage := time.Duration(0)
	if m.pages > 0 {
		perPage = m.cpu / time.Duration(m.pages)
	}
	coarse := ""
	if m.toTheSecond > 0 {
		coarse = fmt.Sprintf(" (%d known to the second only)", m.toTheSecond)
	}
	return fmt.Sprintf("pages=%d failed=%d stopped=%d time=%s pages/s=%.1f cpu/page=%s peakRSS=%s requests=%d 304=%d findings=%d reminders=%d late p50=%s p95=%s max=%s%s not-run=%d",
		m.pages, m.failed, m.stopped, m.elapsed.Round(100*time.Millisecond), float64(m.pages)/m.elapsed.Seconds(),
		perPage.Round(10*time.Microsecond), strings.Join(peaks, ","), m.requests, m.notModified, len(m.findings),
		len(m.late)+m.missing, quantile(0.5), quantile(0.95), quantile(1), coarse, m.missing)
}

// round runs a scheduled round of the mode over every site, planting reminders while it runs.
func (r *farmRun) round(ctx context.Context, mode string) (*roundFigures, error) {
	m := &roundFigures{peak: make([]int64, len(r.procs))}
	cpu0 := make([]time.Duration, len(r.procs))
	for i, p := range r.procs {
		cpu0[i] = procCPU(p.Process.Pid)
	}
	req0, nm0 := r.farm.requests.Load(), r.farm.notModified.Load()
	start := time.Now()
	round, _, err := r.store.StartRoundMode(ctx, models.RoundScheduled, mode, models.Scope{All: true}, nil)
	if err != nil {
		return nil, err
	}
	task, opts := jobs.NewInspectRoundTask(round.ID)
	if _, err := r.queue.EnqueueContext(ctx, task, opts...); err != nil {
		return nil, err
	}

	type planted struct {
		id  string
		due time.Time
	}
	var reminders []planted
	nextProbe := time.Now()
	deadline := time.Now().Add(r.timeout)
	for {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("farm: the round did not finish in %s", r.timeout)
		}
		if !time.Now().Before(nextProbe) {
			// A reminder of a ticket that does not exist: the real handler runs (reads the database,
			// finds nothing due, succeeds), and asynq keeps the task's completion time.
			due := time.Now().Add(3 * time.Second).Truncate(time.Millisecond)
			st := models.Stage{TicketID: 1_000_000_000 + time.Now().UnixMilli(), Kind: models.StageOverdue, At: due, Version: 1}
			t, o := jobs.NewReminderTask(st)
			if _, err := r.queue.EnqueueContext(ctx, t, append(o, asynq.Retention(2*time.Hour))...); err == nil {
				reminders = append(reminders, planted{st.TaskID(), due})
			}
			nextProbe = nextProbe.Add(r.probeEvery)
		}
		for i, p := range r.procs {
			m.peak[i] = max(m.peak[i], procPeakRSS(p.Process.Pid))
		}
		rd, err := r.store.Round(ctx, round.ID)
		if err != nil {
			return nil, err
		}
		if rd.Status != models.RoundRunning {
			break
		}
		if r.window > 0 && time.Since(start) >= r.window {
			// A window of the round: its pages are the farm's answers so far (a page read is one
			// answer; robots.txt and 304s are few), and nothing was stored yet to count.
			m.elapsed = time.Since(start)
			m.requests, m.notModified = r.farm.requests.Load()-req0, r.farm.notModified.Load()-nm0
			m.pages = int(m.requests)
			for i, p := range r.procs {
				m.cpu += procCPU(p.Process.Pid) - cpu0[i]
				m.peak[i] = max(m.peak[i], procPeakRSS(p.Process.Pid))
			}
			return m, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	m.elapsed = time.Since(start)
	m.requests, m.notModified = r.farm.requests.Load()-req0, r.farm.notModified.Load()-nm0
	for i, p := range r.procs {
		m.cpu += procCPU(p.Process.Pid) - cpu0[i]
		m.peak[i] = max(m.peak[i], procPeakRSS(p.Process.Pid))
	}
	_, rows, err := r.store.RoundResults(ctx, models.Scope{All: true}, round.ID)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		m.pages += row.Pages
		if row.Status == models.ResultFailed {
			m.failed++
		}
		if row.Stopped != "" {
			m.stopped++
		}
		_, findings, err := r.store.Result(ctx, models.Scope{All: true}, row.ID)
		if err != nil {
			return nil, err
		}
		for _, f := range findings {
			m.findings = append(m.findings, findingKey(row.WebsiteName, f))
		}
	}
	slices.Sort(m.findings)
	time.Sleep(6 * time.Second) // the last reminders come due
	for _, p := range reminders {
		info, err := r.tasks.GetTaskInfo(jobs.QueueReminders, p.id)
		if err != nil || info.CompletedAt.IsZero() {
			m.missing++
			continue
		}
		// When the reminder was done, as the task's result says; a worker of code older than
		// the result leaves only the completion, to the second.
		done := info.CompletedAt
		var rd jobs.ReminderDone
		if json.Unmarshal(info.Result, &rd) == nil && !rd.At.IsZero() {
			done = rd.At
		} else {
			m.toTheSecond++
		}
		m.late = append(m.late, max(0, done.Sub(p.due)))
	}
	slices.Sort(m.late)
	return m, nil
}

// findingKey is what makes two rounds' findings the same: the site, the type, the page, the
// target and the finding's own key (models.Finding.FindingKey, the same in every round).
func findingKey(site string, f models.Finding) string {
	return strings.Join([]string{site, f.Type, f.Page, f.URL, f.Target, f.FindingKey}, " | ")
}

// findingsDiff returns the keys only in a and those only in b, both sorted.
func findingsDiff(a, b []string) (onlyA, onlyB []string) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			onlyA = append(onlyA, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			onlyB = append(onlyB, b[j])
			j++
		default:
			i, j = i+1, j+1
		}
	}
	return onlyA, onlyB
}

// procCPU is the CPU time (user and system) a process has spent, from /proc (Linux; 100 ticks a
// second, the kernel's USER_HZ).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // after the command's name
	if len(fields) < 13 {
		return 0
	}
	user, _ := strconv.ParseInt(fields[11], 10, 64)
	sys, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(user+sys) * 10 * time.Millisecond
}

// procPeakRSS is a process's peak resident memory (VmHWM), in bytes.
func procPeakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
