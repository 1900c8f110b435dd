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
    #[cfg(target_os = "linux")]
    {
        use rayon::prelude::*;
        let bytes = v.capacity() * std::mem::size_of::<T>();
        let steps = page_steps(v.as_mut_ptr() as usize, bytes);
        if steps.len() > 4 {
            steps.into_par_iter().for_each(|(at, len)| {
                // SAFETY: whole pages inside the vector's allocation, whose
                // values are never read again (it is dropped next, and its
                // values have no drop to run); MADV_DONTNEED frees them and
                // the allocator, if it touches them, finds zero pages.
                unsafe {
                    libc::madvise(at as *mut libc::c_void, len, libc::MADV_DONTNEED);
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
        let steps = page_steps(region.as_mut_ptr() as usize, std::mem::size_of_val(region));
        if steps.len() > 1 {
            for (at, len) in steps {
                // SAFETY: the range lies inside an allocation the caller's
                // vector owns; MADV_POPULATE_WRITE maps its pages (zero-filled
                // where not yet mapped, as a first write would) and never
                // changes bytes already there.
                unsafe {
                    libc::madvise(at as *mut libc::c_void, len, libc::MADV_POPULATE_WRITE);
                }
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = region;
}

/// The whole 4 KiB pages of the `bytes` bytes from address `start`, as
/// (address, length) steps of at most 1 MiB for `madvise`: a call holds
/// the process's memory-map lock (for reading) while it works, and another
/// thread's allocation or free of a large block (mmap, munmap: the lock for
/// writing) waits for it; short steps keep such waits short.
#[cfg(target_os = "linux")]
fn page_steps(start: usize, bytes: usize) -> Vec<(usize, usize)> {
    const PAGE: usize = 4096;
    const STEP: usize = 1 << 20;
    let (from, to) = (start.div_ceil(PAGE) * PAGE, (start + bytes) / PAGE * PAGE);
    (from..to.max(from))
        .step_by(STEP)
        .map(|at| (at, STEP.min(to - at)))
        .collect()
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

    /// Page steps cover exactly the whole pages inside a range, in steps
    /// of at most 1 MiB.
    #[cfg(target_os = "linux")]
    #[test]
    fn page_steps_are_the_inner_pages() {
        assert!(page_steps(4096, 4095).is_empty());
        assert_eq!(page_steps(100, 8192), vec![(4096, 4096)]);
        let steps = page_steps(4096 * 3 + 1, (3 << 20) + 10_000);
        assert_eq!(steps.first().map(|s| s.0), Some(4096 * 4));
        let end = steps.last().map(|&(a, l)| a + l);
        assert_eq!(end, Some((4096 * 3 + 1 + (3 << 20) + 10_000) / 4096 * 4096));
        assert!(steps.windows(2).all(|w| w[0].0 + w[0].1 == w[1].0));
        assert!(steps
            .iter()
            .all(|&(a, l)| a % 4096 == 0 && l <= 1 << 20 && l > 0));
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
