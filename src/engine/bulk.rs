//! Large working arrays (a value per record or class) whose pages are
//! faulted in by one call instead of one trap per 4 KiB page: on a virtual
//! machine a fresh 80 MB array cost ~150 ms of page faults, more than the
//! pass that fills it. The pages would be touched anyway, so the resident
//! memory is the same. And the cutting of such an array into parts for
//! threads, and exact passes over them in parallel parts.

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

/// Classes (or records) a part of a parallel pass: a smaller array is
/// one part, done on the calling thread with no hand-over to the pool (some
/// callers run on many small tables).
pub const PART: usize = 1 << 16;

/// `f` of each part of `0..len` (in parallel when there is more than one),
/// combined by `add` in part order: for exact operations (integer sums,
/// minima) the same result as `f(0..len)`, whatever the threads.
pub fn by_parts<A: Send>(
    len: usize,
    f: impl Fn(std::ops::Range<usize>) -> A + Sync + Send,
    add: impl Fn(A, A) -> A + Sync + Send,
) -> A {
    use rayon::prelude::*;
    if len <= PART {
        return f(0..len);
    }
    (0..len.div_ceil(PART))
        .into_par_iter()
        .map(|p| f(p * PART..((p + 1) * PART).min(len)))
        .reduce_with(add)
        .unwrap_or_else(|| f(0..0))
}

/// The sum of `values` ([`by_parts`]).
pub fn sum(values: &[u64]) -> u64 {
    by_parts(values.len(), |r| values[r].iter().sum(), |a, b| a + b)
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

/// Drop a large vector, its pages handed back to the system first by the
/// threads in parts: a plain drop unmaps them on one thread (some
/// milliseconds for tens of MB) while the others wait for the next step.
/// Numbers and other plain values only (nothing to drop in them).
pub fn free<T: Copy + Send>(mut v: Vec<T>) {
    use rayon::prelude::*;
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        const STEP: usize = 1 << 20;
        let start = v.as_mut_ptr() as usize;
        let end = start + v.capacity() * std::mem::size_of::<T>();
        let (from, to) = (start.div_ceil(PAGE) * PAGE, end / PAGE * PAGE);
        if to > from + 4 * STEP {
            let steps: Vec<usize> = (from..to).step_by(STEP).collect();
            steps.into_par_iter().for_each(|at| {
                // SAFETY: whole pages inside the vector's allocation, whose
                // values are never read again (it is dropped next, and its
                // values have no drop to run); MADV_DONTNEED frees them and
                // the allocator, if it touches them, finds zero pages.
                unsafe {
                    libc::madvise(
                        at as *mut libc::c_void,
                        STEP.min(to - at),
                        libc::MADV_DONTNEED,
                    );
                }
            });
        }
    }
    drop(v);
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
        // The call holds the process's memory-map lock (for reading) while
        // it maps its range, and another thread's allocation or free of a
        // large block (mmap, munmap: the lock for writing) waits for it;
        // steps of 1 MiB keep such waits short.
        const STEP: usize = 1 << 20;
        if to > from + WORTH_IT {
            for at in (from..to).step_by(STEP) {
                // SAFETY: the range lies inside an allocation the caller's
                // vector owns; MADV_POPULATE_WRITE maps its pages (zero-filled
                // where not yet mapped, as a first write would) and never
                // changes bytes already there.
                unsafe {
                    libc::madvise(
                        at as *mut libc::c_void,
                        STEP.min(to - at),
                        libc::MADV_POPULATE_WRITE,
                    );
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Freeing vectors hands back only their own pages: the neighbours'
    /// values stay (sizes not a whole number of pages, so a rounding
    /// outwards would zero a neighbour's first or last values).
    #[test]
    fn free_leaves_neighbours_alone() {
        let len = (5 << 20) / 8 + 123;
        let mut vecs: Vec<Vec<u64>> = (0..8u64).map(|i| vec![i + 1; len]).collect();
        for v in vecs.iter_mut().skip(1).step_by(2) {
            free(std::mem::take(v));
        }
        for (i, v) in vecs.iter().enumerate().step_by(2) {
            assert!(v.iter().all(|&x| x == i as u64 + 1), "vector {i}");
        }
        // A filled vector after the frees is zero throughout.
        assert!(filled::<u64>(len).iter().all(|&x| x == 0));
    }

    /// Sums and minima by parts equal the serial ones, at the part edges.
    #[test]
    fn by_parts_is_exact() {
        let mut rng = crate::engine::splitmix::SplitMix64(17);
        for len in [0, 1, PART - 1, PART, PART + 1, 3 * PART + 5] {
            let v: Vec<u64> = (0..len).map(|_| 1 + rng.next_u64() % 1000).collect();
            assert_eq!(sum(&v), v.iter().sum::<u64>(), "{len}");
            let min = by_parts(
                len,
                |r| v[r].iter().min().copied(),
                |a, b| a.min(b).or(a).or(b),
            );
            assert_eq!(min, v.iter().min().copied(), "{len}");
            let parts = by_parts(len, |r| vec![r], |a, b| [a, b].concat());
            let covered: usize = parts.iter().map(|r| r.len()).sum();
            assert_eq!(covered, len);
            assert!(parts.windows(2).all(|w| w[0].end == w[1].start));
        }
    }
}
