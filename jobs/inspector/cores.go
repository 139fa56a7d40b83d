package inspector

import (
	"io/fs"
	"math"
	"os"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// cores is how many pages a worker analyses at once unless Config.Analyses says: GOMAXPROCS, or
// fewer where the CPU quota of the process's cgroup (a container's CPU limit) is less. The Go
// runtime sizes GOMAXPROCS to such a quota rounded up, but to 2 at least; a worker of 0.6 cores
// with two analysis slots had its pages wait for the CPU before they reached a slot, so the slots
// never looked busy and the pacing started every crawl offered (docs/benchmarks-inspector.md,
// "Workers of the same size").
func cores() int {
	n := runtime.GOMAXPROCS(0)
	if q := cpuQuota(os.DirFS("/")); q > 0 {
		n = min(n, max(1, int(math.Ceil(q))))
	}
	return n
}

// cpuQuota is the CPU quota of the process's cgroup, in cores, read from root (the file system's
// root): cgroup v2's cpu.max, or v1's cpu.cfs_quota_us over cpu.cfs_period_us, in the group
// /proc/self/cgroup names, under /sys/fs/cgroup (or at its root, as in a container that sees
// only its own group). 0 when there is none or it cannot be read.
func cpuQuota(root fs.FS) float64 {
	b, err := fs.ReadFile(root, "proc/self/cgroup")
	if err != nil {
		return 0
	}
	quota := 0.0
	for line := range strings.Lines(string(b)) {
		// hierarchy-ID:controllers:path; v2's line has no controllers.
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 {
			continue
		}
		var q float64
		if parts[1] == "" {
			q = quotaV2(root, parts[2])
		} else if slices.Contains(strings.Split(parts[1], ","), "cpu") {
			q = quotaV1(root, parts[1], parts[2])
		}
		if q > 0 && (quota == 0 || q < quota) {
			quota = q
		}
	}
	return quota
}

// quotaV2 reads cpu.max ("max 100000", or "60000 100000") of the group.
func quotaV2(root fs.FS, group string) float64 {
	for _, dir := range []string{path.Join("sys/fs/cgroup", group), "sys/fs/cgroup"} {
		b, err := fs.ReadFile(root, path.Join(dir, "cpu.max"))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) != 2 || f[0] == "max" {
			return 0
		}
		return quotaRatio(f[0], f[1])
	}
	return 0
}

// quotaV1 reads cpu.cfs_quota_us (-1: none) and cpu.cfs_period_us of the group, in the cpu
// controller's hierarchy (mounted as cpu, or with cpuacct beside it).
func quotaV1(root fs.FS, controllers, group string) float64 {
	for _, mount := range []string{controllers, "cpu", "cpu,cpuacct"} {
		for _, dir := range []string{path.Join("sys/fs/cgroup", mount, group), path.Join("sys/fs/cgroup", mount)} {
			q, err := fs.ReadFile(root, path.Join(dir, "cpu.cfs_quota_us"))
			if err != nil {
				continue
			}
			p, err := fs.ReadFile(root, path.Join(dir, "cpu.cfs_period_us"))
			if err != nil {
				return 0
			}
			return quotaRatio(strings.TrimSpace(string(q)), strings.TrimSpace(string(p)))
		}
	}
	return 0
}

// quotaRatio is quota / period, 0 unless both are positive numbers.
func quotaRatio(quota, period string) float64 {
	q, err1 := strconv.ParseFloat(quota, 64)
	p, err2 := strconv.ParseFloat(period, 64)
	if err1 != nil || err2 != nil || q <= 0 || p <= 0 {
		return 0
	}
	return q / p
}
