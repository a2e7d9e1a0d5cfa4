//! The allocator against its contract, called directly (not as the global allocator).

use std::alloc::{GlobalAlloc, Layout};

use fast_alloc::Mimalloc;

/// Blocks of every small size and alignment come back aligned, zeroed when asked,
/// and keep their bytes when resized.
#[test]
fn blocks_have_the_requested_alignment_and_keep_their_bytes() {
    for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
        for size in [1, 7, 8, 12, 16, 24, 40, 48, 100, 1000, 70_000] {
            let layout = Layout::from_size_align(size, align).unwrap();
            // SAFETY: non-zero sizes, valid layouts; each block is freed once.
            unsafe {
                let zeroed = Mimalloc.alloc_zeroed(layout);
                assert!(!zeroed.is_null());
                assert_eq!(zeroed as usize % align, 0, "zeroed {size}/{align}");
                assert!(
                    std::slice::from_raw_parts(zeroed, size)
                        .iter()
                        .all(|&b| b == 0)
                );
                Mimalloc.dealloc(zeroed, layout);

                let block = Mimalloc.alloc(layout);
                assert_eq!(block as usize % align, 0, "{size}/{align}");
                for i in 0..size {
                    block.add(i).write(i as u8);
                }
                let grown = Mimalloc.realloc(block, layout, size * 3);
                assert_eq!(grown as usize % align, 0, "grown {size}/{align}");
                for i in 0..size {
                    assert_eq!(grown.add(i).read(), i as u8);
                }
                Mimalloc.dealloc(grown, Layout::from_size_align(size * 3, align).unwrap());
            }
        }
    }
}
