//! The binary's global allocator: mimalloc (v2), called by size where the layout allows.
//!
//! Reading YAML allocates a string per key and value, and a run over thousands of documents
//! makes hundreds of allocations per document. The `mimalloc` crate's allocator passes every
//! layout to `mi_malloc_aligned`, whose checks cost about thirty instructions a call. mimalloc
//! sizes every block in whole words from a word-aligned page start (`_mi_wsize_from_size`), so
//! any block is aligned to 8 bytes: a layout that asks for no more (strings, vectors, the map
//! entries of a document) gets `mi_malloc` directly. Any other layout still goes through the
//! aligned entry points: a 16-aligned layout may be served from a 24- or 56-byte block, which
//! `mi_malloc` alone would leave 8-aligned (hashbrown's tables ask for 16 with such sizes).
//!
//! Transparent huge pages are off. mimalloc would ask for them on its 1 GiB arena, and with the
//! kernel's default `defrag` setting a huge-page fault in such a region compacts memory first when
//! free memory is fragmented, which it is after any large process: a CI runner's normal state.
//! Measured after ajv-cli (a 260 MB node process), 10,000 documents took 93.6 ms with them and
//! 80.3 ms without; a one-file run 2.84 and 2.14 ms after a 250 MB Python process; the restore at
//! 4x 1.64 and 1.30 s. Back to back, with memory unfragmented, they win for one file of 0.3 to 3 MB
//! (3.3 MB: 23.7 against 28.5 ms) and for the restore at 2x (605 against 633 ms), and lose or tie
//! elsewhere. The README's performance section has the runs.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::{c_int, c_long, c_void};

use libmimalloc_sys as mi;

/// `mi_option_allow_thp` in `mimalloc.h`'s `mi_option_e` (v2.2), which libmimalloc-sys does not
/// name; `tests/binary.rs` holds the number to mimalloc's own report of its options.
const MI_OPTION_ALLOW_THP: c_int = 37;

unsafe extern "C" {
    fn mi_option_set_default(option: c_int, value: c_long);
}

/// Turns huge pages off before mimalloc starts, so that it disables them for the process
/// (`PR_SET_THP_DISABLE`) as it starts and never asks for them; `MIMALLOC_ALLOW_THP` still decides
/// when set, as mimalloc reads it afterwards. `src/main.rs` has the C runtime call this before
/// `main`, ahead of mimalloc's own initialisation: once it has run, an option's default is read.
pub extern "C" fn huge_pages_off() {
    // SAFETY: setting an option's default writes only mimalloc's option table.
    unsafe { mi_option_set_default(MI_OPTION_ALLOW_THP, 0) }
}

/// Alignment every mimalloc block has: a word.
const GUARANTEED: usize = std::mem::size_of::<usize>();

pub struct Mimalloc;

/// Whether `mi_malloc(size)` returns memory aligned as `align` asks.
fn naturally_aligned(align: usize) -> bool {
    align <= GUARANTEED
}

// SAFETY: every pointer returned comes from mimalloc with the layout's size and at least the
// layout's alignment (a word by `mi_malloc`, more by the aligned entry points), and every
// pointer freed or resized came from it: `mi_free` and `mi_realloc` take blocks of either.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's entry points accept any size; the alignment is a power of two.
        unsafe {
            if naturally_aligned(layout.align()) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        unsafe {
            if naturally_aligned(layout.align()) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator (the caller's contract).
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by this allocator with `layout` (the caller's contract).
        unsafe {
            if naturally_aligned(layout.align()) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size up to a few pages at every alignment up to a page, allocated, grown, shrunk,
    /// zeroed: each block is aligned as asked and keeps its bytes.
    #[test]
    fn every_layout_is_aligned_as_asked_and_keeps_its_bytes() {
        let allocator = Mimalloc;
        let aligned = |p: *mut u8, align: usize| !p.is_null() && p as usize % align == 0;
        let mut sizes: Vec<usize> = (1..=96).collect();
        sizes.extend([
            127,
            128,
            129,
            1000,
            1024,
            4095,
            4096,
            4097,
            65_536,
            70_000,
            1 << 20,
        ]);
        for shift in 0..=12 {
            let align = 1usize << shift;
            for &size in &sizes {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: nonzero sizes, pointers freed once with their layouts.
                unsafe {
                    let p = allocator.alloc(layout);
                    assert!(aligned(p, align), "alloc {size} at {align}");
                    std::ptr::write_bytes(p, 0xA5, size);
                    let grown = allocator.realloc(p, layout, size * 3);
                    assert!(aligned(grown, align), "grow {size} at {align}");
                    assert!((0..size).all(|i| *grown.add(i) == 0xA5), "grow {size}");
                    let grown_layout = Layout::from_size_align(size * 3, align).unwrap();
                    let shrunk = allocator.realloc(grown, grown_layout, size.div_ceil(2));
                    assert!(aligned(shrunk, align), "shrink {size} at {align}");
                    assert!((0..size.div_ceil(2)).all(|i| *shrunk.add(i) == 0xA5));
                    let shrunk_layout = Layout::from_size_align(size.div_ceil(2), align).unwrap();
                    allocator.dealloc(shrunk, shrunk_layout);

                    let z = allocator.alloc_zeroed(layout);
                    assert!(aligned(z, align), "zeroed {size} at {align}");
                    assert!((0..size).all(|i| *z.add(i) == 0), "zeroed {size}");
                    allocator.dealloc(z, layout);
                }
            }
        }
    }

    #[test]
    fn only_word_aligned_layouts_skip_the_aligned_entry_points() {
        assert!([1, 2, 4, 8].into_iter().all(naturally_aligned));
        assert!(![16, 32, 4096].into_iter().any(naturally_aligned));
    }
}
