package inspector

import (
	"testing"
	"testing/fstest"
)

// The CPU quota is read from the process's cgroup, v2 or v1, in its group or at the root a
// container sees; no quota, or none readable, is 0.
func TestCPUQuota(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for _, c := range []struct {
		name  string
		files fstest.MapFS
		want  float64
	}{
		{"v2 group", fstest.MapFS{"proc/self/cgroup": file("0::/workers/w1\n"),
			"sys/fs/cgroup/workers/w1/cpu.max": file("60000 100000\n")}, 0.6},
		{"v2 no limit", fstest.MapFS{"proc/self/cgroup": file("0::/workers/w1\n"),
			"sys/fs/cgroup/workers/w1/cpu.max": file("max 100000\n")}, 0},
		{"v2 container", fstest.MapFS{"proc/self/cgroup": file("0::/\n"),
			"sys/fs/cgroup/cpu.max": file("150000 100000\n")}, 1.5},
		{"v1 group", fstest.MapFS{"proc/self/cgroup": file("4:memory:/x\n1:cpu:/zhaocuo-farm-1-0\n0::/\n"),
			"sys/fs/cgroup/cpu/zhaocuo-farm-1-0/cpu.cfs_quota_us":  file("60000\n"),
			"sys/fs/cgroup/cpu/zhaocuo-farm-1-0/cpu.cfs_period_us": file("100000\n")}, 0.6},
		{"v1 cpu,cpuacct, container", fstest.MapFS{"proc/self/cgroup": file("3:cpu,cpuacct:/docker/abc\n"),
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us":  file("200000\n"),
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": file("100000\n")}, 2},
		{"v1 no limit", fstest.MapFS{"proc/self/cgroup": file("1:cpu:/\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_quota_us":  file("-1\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_period_us": file("100000\n")}, 0},
		{"no cgroup", fstest.MapFS{}, 0},
		{"garbage", fstest.MapFS{"proc/self/cgroup": file("0::/\n"), "sys/fs/cgroup/cpu.max": file("lots\n")}, 0},
	} {
		if got := cpuQuota(c.files); got != c.want {
			t.Errorf("%s: quota %g, want %g", c.name, got, c.want)
		}
	}
}
