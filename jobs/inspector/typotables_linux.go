//go:build linux

package inspector

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of the pages the kernel backs a table with when asked (x86-64, arm64).
const hugePage = 2 << 20

// largeTable returns n zero values for a table the scan reads at random. The statistical
// check's tables are 20 MB read one cache line at a time across the whole of them: in 4 KB
// pages each lookup also misses the TLB (the 5,000 pages are more than it holds), which costs
// as much as the lookup. On Linux the table gets memory of its own, aligned to and asked to be
// backed by 2 MB pages (MADV_HUGEPAGE, which a kernel set to "madvise" honours). T must hold no
// pointers: the collector does not look into this memory. The lexicon is loaded once per
// process, so the memory is never given back.
func largeTable[T any](n int) []T {
	var zero T
	size := n * int(unsafe.Sizeof(zero))
	if size < hugePage {
		return make([]T, n)
	}
	mem, err := unix.Mmap(-1, 0, size+hugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return make([]T, n)
	}
	off := 0
	if r := int(uintptr(unsafe.Pointer(&mem[0])) % hugePage); r != 0 {
		off = hugePage - r
	}
	mem = mem[off : off+size]
	_ = unix.Madvise(mem, unix.MADV_HUGEPAGE) // a hint: without it the table works the same
	return unsafe.Slice((*T)(unsafe.Pointer(&mem[0])), n)
}
