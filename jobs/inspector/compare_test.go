package inspector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Runners for the outside link checkers of the speed benchmark. Each runs as a child
// process against the loopback server and is killed if it overruns.

const toolTimeout = 15 * time.Minute

// findTool looks for a binary in the environment variable, then on PATH.
func findTool(env, name string) (string, bool) {
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	p, err := exec.LookPath(name)
	return p, err == nil
}

// runTool runs a command and returns its output; a non-zero exit is expected (both
// tools exit 1 when they find broken links) and not an error.
func runTool(b *testing.B, path string, args ...string) ([]byte, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) || ctx.Err() != nil {
		b.Fatalf("%s: %v\n%s", path, err, stderr.String())
	}
	return stdout.Bytes(), elapsed
}

func runLinkinator(b *testing.B, base string, conc int) crawlRun {
	path, ok := findTool("LINKINATOR", "linkinator")
	if !ok {
		b.Skip("linkinator is not installed: npm install linkinator in a temporary directory and set " +
			"LINKINATOR to its node_modules/.bin/linkinator (jobs/inspector/testdata/compare.sh does both)")
	}
	out, elapsed := runTool(b, path, base, "--recurse", "--concurrency", strconv.Itoa(conc),
		"--timeout", "15000", "--format", "json")
	var report struct {
		Links []struct {
			URL   string `json:"url"`
			State string `json:"state"`
		} `json:"links"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		b.Fatalf("linkinator output: %v\n%.500s", err, out)
	}
	run := crawlRun{tool: "linkinator", elapsed: elapsed, broken: map[string]bool{}}
	urls := map[string]bool{}
	for _, l := range report.Links {
		urls[l.URL] = true
		if l.State == "BROKEN" {
			run.broken[l.URL] = true
		}
	}
	run.urls = len(urls)
	return run
}

var (
	linkcheckerStats   = regexp.MustCompile(`That's it\. (\d+) links? in (\d+) URLs? checked`)
	linkcheckerRealURL = regexp.MustCompile(`(?m)^Real URL\s+(\S+)`)
)

func runLinkchecker(b *testing.B, base string, conc int) crawlRun {
	path, ok := findTool("LINKCHECKER", "linkchecker")
	if !ok {
		b.Skip("linkchecker is not installed: apt-get install -y linkchecker")
	}
	// Lift linkchecker's own politeness pause (see benchSite.ServeHTTP): the comparison
	// is of crawling speed at equal concurrency, and the inspector runs unthrottled too.
	// linkchecker drops root privileges to nobody, so the file must be world-readable.
	dir := b.TempDir()
	conf := filepath.Join(dir, "linkcheckerrc")
	if err := os.WriteFile(conf, []byte("[checking]\nmaxrequestspersecond=100000\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	out, elapsed := runTool(b, path, "--config", conf, "--threads", strconv.Itoa(conc), "--no-status", "--no-warnings", base)
	m := linkcheckerStats.FindSubmatch(out)
	if m == nil {
		b.Fatalf("linkchecker printed no statistics:\n%.2000s", out)
	}
	run := crawlRun{tool: "linkchecker", elapsed: elapsed, broken: map[string]bool{}}
	run.urls, _ = strconv.Atoi(string(m[2]))
	// Its text output lists only errors, one block each.
	for _, block := range strings.Split(string(out), "\n\n") {
		if !strings.Contains(block, "\nResult     Error") {
			continue
		}
		if u := linkcheckerRealURL.FindStringSubmatch(block); u != nil {
			run.broken[u[1]] = true
		}
	}
	return run
}
