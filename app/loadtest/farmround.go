package loadtest

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
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
	fs.Float64Var(&f.changes, "changes", 0.02, "share of the pages that change each day")
	fs.IntVar(&f.day, "day", 1, "the farm's day: pages changed on days 2..N serve a new body, ETag and Last-Modified")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the pages' text and of which pages change")
	fs.IntVar(&f.port, "port", 18500, "port every site listens on")
	serveOnly := fs.Bool("serve", false, "only serve the farm until interrupted")
	worker := fs.String("worker", "", "the program binary to run as worker (default: this one)")
	label := fs.String("label", "", "name of the code measured, printed with the figures")
	replicas := fs.Int("workers", 1, "worker processes")
	probeEvery := fs.Duration("reminder-every", 2*time.Second, "plant a reminder due this often during the round")
	timeout := fs.Duration("timeout", 2*time.Hour, "give up on the round after this long")
	if err := fs.Parse(args); err != nil {
		return UsageError{err.Error()}
	}
	f.pageBytes = *pageKB << 10
	if f.sites < 1 || f.sites > 60000 || f.pages < 1 || f.fanout < 1 {
		return UsageError{"farm: -sites 1..60000, -pages and -fanout at least 1"}
	}
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
	defer func() {
		for _, p := range procs {
			p.Process.Signal(os.Interrupt)
			p.Wait()
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
		p := exec.Command(bin)
		p.Env = append(os.Environ(), "ROLE=worker", "DATA_DIR="+dir, "FETCH_ALLOW_PRIVATE=127.0.0.0/8", "LOG_LEVEL=warn")
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
	cpu0 := make([]time.Duration, len(procs))
	for i, p := range procs {
		cpu0[i] = procCPU(p.Process.Pid)
	}
	start := time.Now()
	round, _, err := store.StartRound(ctx, models.RoundScheduled, models.Scope{All: true}, nil)
	if err != nil {
		return err
	}
	task, opts := jobs.NewInspectRoundTask(round.ID)
	if _, err := queue.EnqueueContext(ctx, task, opts...); err != nil {
		return err
	}

	type planted struct {
		id  string
		due time.Time
	}
	var reminders []planted
	nextProbe := time.Now()
	deadline := time.Now().Add(*timeout)
	var peak []int64 = make([]int64, len(procs))
	for {
		if time.Now().After(deadline) {
			return fmt.Errorf("farm: the round did not finish in %s", *timeout)
		}
		if !time.Now().Before(nextProbe) {
			// A reminder of a ticket that does not exist: the real handler runs (reads the database,
			// finds nothing due, succeeds), and asynq keeps the task's completion time.
			due := time.Now().Add(3 * time.Second).Truncate(time.Millisecond)
			st := models.Stage{TicketID: 1_000_000_000 + int64(len(reminders)), Kind: models.StageOverdue, At: due, Version: 1}
			t, o := jobs.NewReminderTask(st)
			if _, err := queue.EnqueueContext(ctx, t, append(o, asynq.Retention(2*time.Hour))...); err == nil {
				reminders = append(reminders, planted{st.TaskID(), due})
			}
			nextProbe = nextProbe.Add(*probeEvery)
		}
		for i, p := range procs {
			peak[i] = max(peak[i], procPeakRSS(p.Process.Pid))
		}
		r, err := store.Round(ctx, round.ID)
		if err != nil {
			return err
		}
		if r.Status != models.RoundRunning {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	elapsed := time.Since(start)
	var cpu time.Duration
	for i, p := range procs {
		cpu += procCPU(p.Process.Pid) - cpu0[i]
		peak[i] = max(peak[i], procPeakRSS(p.Process.Pid))
	}
	_, rows, err := store.RoundResults(ctx, models.Scope{All: true}, round.ID)
	if err != nil {
		return err
	}
	pages, failed, stopped := 0, 0, 0
	for _, r := range rows {
		pages += r.Pages
		if r.Status == models.ResultFailed {
			failed++
		}
		if r.Stopped != "" {
			stopped++
		}
	}
	time.Sleep(6 * time.Second) // the last reminders come due
	var late []time.Duration
	missing := 0
	for _, r := range reminders {
		info, err := tasks.GetTaskInfo(jobs.QueueReminders, r.id)
		if err != nil || info.CompletedAt.IsZero() {
			missing++
			continue
		}
		late = append(late, max(0, info.CompletedAt.Sub(r.due)))
	}
	slices.Sort(late)
	quantile := func(q float64) string {
		if len(late) == 0 {
			return "-"
		}
		return late[min(len(late)-1, int(q*float64(len(late))))].Round(10 * time.Millisecond).String()
	}
	var peaks []string
	for _, p := range peak {
		peaks = append(peaks, strconv.FormatInt(p>>20, 10)+"MB")
	}
	perPage := time.Duration(0)
	if pages > 0 {
		perPage = cpu / time.Duration(pages)
	}
	fmt.Fprintf(out, "%s workers=%d sites=%d pages/site=%d latency=%s page=%dKB crawl-delay=%g day=%d | pages=%d failed=%d stopped=%d time=%s pages/s=%.1f cpu/page=%s peakRSS=%s reminders=%d late p50=%s p95=%s max=%s not-run=%d\n",
		*label, *replicas, f.sites, f.pages, f.latency, *pageKB, f.crawlDelay, f.day,
		pages, failed, stopped, elapsed.Round(100*time.Millisecond), float64(pages)/elapsed.Seconds(),
		perPage.Round(10*time.Microsecond), strings.Join(peaks, ","), len(reminders), quantile(0.5), quantile(0.95), quantile(1), missing)
	return nil
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
