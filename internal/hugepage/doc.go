// Package hugepage lets a short, allocation-heavy process grow its Go heap
// into transparent huge pages.
//
// Where a page fault is expensive (virtual machines that shadow the guest's
// page tables pay tens of microseconds for each), a process that grows its
// heap to a hundred megabytes spends much of its time faulting in 4 KiB
// pages one at a time: rollspec building 1,000 releases took some 19,000
// faults. Linux backs a 2 MiB range with one huge page at its first fault
// when the range is marked MADV_HUGEPAGE (the usual `madvise` setting of
// /sys/kernel/mm/transparent_hugepage/enabled), but the Go runtime no
// longer marks its heap, and marking it after the fact does not stick:
// the runtime maps each new stretch of heap afresh, which clears the mark.
//
// Grow maps the stretch first, by allocating it, marks it, and frees it
// for the program to grow into.
package hugepage
