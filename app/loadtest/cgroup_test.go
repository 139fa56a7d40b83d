package loadtest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A worker started through a CPU group runs inside it, held to its quota: a loop that spins for a
// second gets about a fifth of a second of CPU in a group of 0.2 cores.
func TestAWorkersCPUGroupHoldsItToItsCores(t *testing.T) {
	if os.Getenv("ZHAOCUO_TEST_SPIN") != "" {
		spin() // the worker: this test binary again, started in the group
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("a cgroup needs root: `loadtest farm -cpus` is run as root, as CI runs the tests")
	}
	g, err := newCPUGroup(fmt.Sprintf("zhaocuo-test-%d", os.Getpid()), 0.2)
	if err != nil {
		t.Fatal(err)
	}
	defer g.remove()
	argv := g.wrap(os.Args[0], "-test.run=^TestAWorkersCPUGroupHoldsItToItsCores$")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "ZHAOCUO_TEST_SPIN=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var group string
	var cpu, wall time.Duration // in nanoseconds
	if _, err := fmt.Sscan(string(out), &group, (*int64)(&cpu), (*int64)(&wall)); err != nil {
		t.Fatalf("the worker said %q: %v", out, err)
	}
	if !strings.Contains(group, "zhaocuo-test-") {
		t.Fatalf("the worker did not run in the group: its cgroups are %s", group)
	}
	if share := cpu.Seconds() / wall.Seconds(); share > 0.3 {
		t.Fatalf("the group of 0.2 cores let its worker take %s of CPU in %s (%.2f cores)", cpu, wall, share)
	}
}

// spin prints the process's cgroups, then spins a second and prints the CPU it took and the time,
// in nanoseconds.
func spin() {
	cg, _ := os.ReadFile("/proc/self/cgroup")
	start := time.Now()
	for time.Since(start) < time.Second {
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Println(strings.Join(strings.Fields(string(cg)), ","), int64(cpu), int64(time.Since(start)))
}
