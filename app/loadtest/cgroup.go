package loadtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// cpuGroup is a control group of Linux that holds a worker of the farm to a share of the
// machine's cores (its CPU quota), so that one worker can be measured against two of the same
// size while the farm, MariaDB and Redis keep the rest of the machine. Pinning each worker to a
// core of its own cannot do that on a machine of two cores: the farm and the database would have
// a core beside one worker but none beside two. It needs root and the cpu controller, of cgroup v2
// (cpu.max) or v1 (cpu.cfs_quota_us).
type cpuGroup struct {
	dir string
	v2  bool
}

// cgroupRoot is where the cgroups are mounted.
const cgroupRoot = "/sys/fs/cgroup"

// newCPUGroup makes a cgroup named name limited to cores (e.g. 0.8: 80 ms of CPU each 100 ms).
func newCPUGroup(name string, cores float64) (*cpuGroup, error) {
	const period = 100_000 // µs, the kernel's default
	quota := int64(cores * period)
	if quota < 1000 {
		return nil, fmt.Errorf("farm: -cpus %g is less than the kernel's least quota (0.01)", cores)
	}
	var g *cpuGroup
	if ctl, err := os.ReadFile(filepath.Join(cgroupRoot, "cgroup.controllers")); err == nil && slices.Contains(strings.Fields(string(ctl)), "cpu") {
		// cgroup v2 alone: a child of the root, with the cpu controller enabled for children.
		if err := os.WriteFile(filepath.Join(cgroupRoot, "cgroup.subtree_control"), []byte("+cpu"), 0); err != nil {
			return nil, fmt.Errorf("farm: -cpus: enable the cpu controller: %w", err)
		}
		g = &cpuGroup{dir: filepath.Join(cgroupRoot, name), v2: true}
	} else if _, err := os.Stat(filepath.Join(cgroupRoot, "cpu", "cpu.cfs_quota_us")); err == nil {
		g = &cpuGroup{dir: filepath.Join(cgroupRoot, "cpu", name)}
	} else {
		return nil, errors.New("farm: -cpus needs Linux's cpu cgroup controller (v2 cpu.max or v1 cpu.cfs_quota_us) under " + cgroupRoot)
	}
	if err := os.Mkdir(g.dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("farm: -cpus (needs root): %w", err)
	}
	var err error
	if g.v2 {
		err = os.WriteFile(filepath.Join(g.dir, "cpu.max"), fmt.Appendf(nil, "%d %d", quota, period), 0)
	} else {
		err = os.WriteFile(filepath.Join(g.dir, "cpu.cfs_period_us"), fmt.Append(nil, period), 0)
		if err == nil {
			err = os.WriteFile(filepath.Join(g.dir, "cpu.cfs_quota_us"), fmt.Append(nil, quota), 0)
		}
	}
	if err != nil {
		g.remove()
		return nil, fmt.Errorf("farm: -cpus: set the quota: %w", err)
	}
	return g, nil
}

// wrap is the command line that runs argv inside the group: a shell that moves itself into the
// group and then becomes argv, so that the process started has argv's pid (its CPU and memory are
// read from /proc by that pid) and is in the group before it runs.
func (g *cpuGroup) wrap(argv ...string) []string {
	return append([]string{"/bin/sh", "-c", `echo $$ > "$0" && exec "$@"`, filepath.Join(g.dir, "cgroup.procs")}, argv...)
}

// remove deletes the group once its processes have ended.
func (g *cpuGroup) remove() { os.Remove(g.dir) }
