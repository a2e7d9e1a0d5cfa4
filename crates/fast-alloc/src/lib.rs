//! The global allocator of the `osec` binary: mimalloc, called the way the system
//! allocator is. A crate of its own because it is the workspace's only `unsafe`
//! code besides the io_uring reader, and because only a program chooses its
//! allocator: the binary names [`Mimalloc`] as `#[global_allocator]` and calls
//! [`without_huge_pages`] first thing in `main`.
//!
//! Parsing opam files makes many small, short-lived allocations (about fifty per
//! file, for the nodes of the tree); with glibc's malloc and free they were a quarter
//! of the instructions of `osec opam check` on opam-repository. The `mimalloc` crate's
//! own `GlobalAlloc` sends every request through `mi_malloc_aligned`, whose checks
//! cost about 60 instructions a call, more than the allocation itself: 7% of the
//! parse. Every mimalloc block is aligned to 8 bytes, so a request that needs no more
//! goes to plain `mi_malloc` (as Rust's `System` allocator uses plain `malloc`), and
//! only the rare larger alignment takes the aligned path.
//!
//! The process also opts out of transparent huge pages ([`without_huge_pages`]).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};

/// The alignment every block of mimalloc has: its size classes are multiples of the
/// word size, and its pages start aligned.
const GUARANTEED_ALIGN: usize = std::mem::size_of::<usize>();

/// mimalloc, with the plain entry points for ordinary alignments.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mimalloc;

// SAFETY: each method forwards to the mimalloc function with the same contract
// (a block of at least `size` bytes aligned to `layout.align()`, or null on
// failure), taking the unaligned entry point only when mimalloc guarantees the
// alignment anyway; every block, however allocated, is released by `mi_free` or
// resized by the matching realloc, as mimalloc allows.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= GUARANTEED_ALIGN {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= GUARANTEED_ALIGN {
                mi_zalloc(layout.size()).cast()
            } else {
                mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (the caller's contract).
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout` (the caller's contract).
        unsafe {
            if layout.align() <= GUARANTEED_ALIGN {
                mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing).
///
/// Where the system makes every large enough anonymous mapping a huge page (THP
/// `always`), each 2 MiB region mimalloc touches is zeroed whole on its first fault.
/// A run of osec is short and its memory small, so it never earns that back: on
/// opam-repository's 18,793 files `osec opam check` spent about 10% of its time
/// (one thread, hyperfine: 281 ms against 254 ms) zeroing a few huge pages of
/// which it used a sliver. Called first thing in `main`; the few allocations made
/// before it stay where they are.
pub fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and changes nothing
    // but the kernel's choice of page size for later faults. Its result is ignored:
    // on a kernel without it, the pages stay as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
