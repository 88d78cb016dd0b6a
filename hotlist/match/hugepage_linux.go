package match

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks the kernel to back a large, freshly allocated and not yet
// written array with transparent huge pages. The index is read at random
// over ~100 MB: with 4 KiB pages nearly every probe also misses the TLB.
// The advice is only a hint (THP may be off); failure changes nothing.
func adviseHuge[T any](s []T) {
	const huge = 2 << 20
	n := uintptr(len(s)) * unsafe.Sizeof(*new(T))
	if n < 2*huge {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	lo := (start + huge - 1) &^ (huge - 1)
	hi := (start + n) &^ (huge - 1)
	if hi <= lo {
		return
	}
	all := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), n)
	_ = syscall.Madvise(all[lo-start:hi-start], 14 /* MADV_HUGEPAGE */)
}
