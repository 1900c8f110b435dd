//! Large working arrays (a value per record or class) whose pages are
//! faulted in by one call instead of one trap per 4 KiB page: on a virtual
//! machine a fresh 80 MB array cost ~150 ms of page faults, more than the
//! pass that fills it. The pages would be touched anyway, so the resident
//! memory is the same. And the cutting of such an array into parts for
//! threads.

/// `slice` cut into consecutive parts of the given lengths (each part then
/// goes to its own thread).
pub fn split_by<'a, T>(mut slice: &'a mut [T], lengths: &[usize]) -> Vec<&'a mut [T]> {
    lengths
        .iter()
        .map(|&l| {
            let (head, rest) = std::mem::take(&mut slice).split_at_mut(l);
            slice = rest;
            head
        })
        .collect()
}

/// A vector of `len` copies of `T::default()`, its pages already mapped.
/// For numbers (default zero) `vec!` takes fresh zeroed pages from the
/// system without writing them; they are then mapped by the threads in
/// parts, so nothing here is a serial pass over the array.
pub fn filled<T: Copy + Default + Send>(len: usize) -> Vec<T> {
    use rayon::prelude::*;
    let mut v = vec![T::default(); len];
    const PART: usize = 8 << 20;
    let per_part = (PART / std::mem::size_of::<T>().max(1)).max(1);
    v.par_chunks_mut(per_part).for_each(|part| populate(part));
    v
}

/// Map the pages of `region` writable now (Linux ≥ 5.14). Only advice:
/// failure, an older kernel or another platform changes nothing but speed.
fn populate<T>(region: &mut [T]) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        const WORTH_IT: usize = 1 << 20;
        let start = region.as_mut_ptr() as usize;
        let end = start + std::mem::size_of_val(region);
        let (from, to) = (start.div_ceil(PAGE) * PAGE, end / PAGE * PAGE);
        if to > from + WORTH_IT {
            // SAFETY: the range lies inside an allocation the caller's
            // vector owns; MADV_POPULATE_WRITE maps its pages (zero-filled
            // where not yet mapped, as a first write would) and never
            // changes bytes already there.
            unsafe {
                libc::madvise(
                    from as *mut libc::c_void,
                    to - from,
                    libc::MADV_POPULATE_WRITE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = region;
}

/// Hand memory the allocator holds freed back to the system (glibc keeps
/// freed small blocks in its heaps): after the streamed batches, the final
/// sort's arrays then come out of memory the batches left, not on top of it.
pub fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of the allocator's heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}
