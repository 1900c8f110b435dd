//! Parallel LSD radix sort of packed `u64` keys, optionally carrying a `u32`
//! payload (the row), for the class engine.
//!
//! Keys only use the low `bits` bits (the summed code widths of the QIs), so
//! a 42-bit key needs four 11-bit passes instead of a comparison sort's
//! log₂(n) passes over memory. Each pass counts digits per chunk in
//! parallel, turns the counts into per-chunk write offsets, and scatters
//! the chunks in parallel into disjoint slots. The sort is stable, so the
//! result does not depend on the number of threads.

use rayon::prelude::*;

use super::bulk;

/// Widest digit: 4,096 buckets keep the per-chunk counts and the scatter
/// targets cache-friendly.
const MAX_DIGIT: u32 = 12;
/// Below this, a plain sort is faster than setting up passes.
const SMALL: usize = 1 << 14;

/// A raw pointer that may cross threads: every thread writes disjoint slots.
#[derive(Clone, Copy)]
struct Shared<T>(*mut T);
unsafe impl<T> Send for Shared<T> {}
unsafe impl<T> Sync for Shared<T> {}

impl<T> Shared<T> {
    /// # Safety
    /// `i` must be in bounds and written by one thread only.
    unsafe fn write(self, i: usize, v: T) {
        unsafe { self.0.add(i).write(v) }
    }
}

/// Sort `keys` ascending; only their low `bits` bits may be set.
pub fn sort_keys(keys: &mut Vec<u64>, bits: u32) {
    if keys.len() <= SMALL {
        keys.sort_unstable();
        return;
    }
    let mut scratch = bulk::filled::<u64>(keys.len());
    if bits <= MAX_DIGIT {
        pass(keys, &mut scratch, None, 0, bits.max(1));
        std::mem::swap(keys, &mut scratch);
        bulk::free(scratch);
        return;
    }
    // One pass over memory on the top digit (most significant first), then
    // each bucket sorted on the remaining bits while it sits in cache: two
    // sweeps of the whole array instead of one per digit.
    let width = MAX_DIGIT;
    let shift = bits - width;
    let starts = pass(keys, &mut scratch, None, shift, width);
    let lengths: Vec<usize> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    let low = digits(shift);
    let big = keys.len() / (rayon::current_num_threads() * 4).max(1);
    bulk::split_by(&mut scratch, &lengths)
        .into_par_iter()
        .zip(bulk::split_by(keys, &lengths))
        .for_each(|(bucket, out)| sort_low(bucket, out, &low, big));
    bulk::free(scratch);
}

/// Sort `src` on the digits `low` (least significant first) into `out`
/// (`src` is left as scratch). A bucket larger than `big` is sorted by the
/// parallel passes.
fn sort_low(src: &mut [u64], out: &mut [u64], low: &[(u32, u32)], big: usize) {
    if src.len() < 1024 {
        src.sort_unstable();
        out.copy_from_slice(src);
        return;
    }
    let (mut from, mut to) = (src, out);
    for &(shift, width) in low {
        if from.len() > big || from.len() > u32::MAX as usize {
            pass(from, to, None, shift, width);
        } else {
            local_pass(from, to, shift, width);
        }
        std::mem::swap(&mut from, &mut to);
    }
    // After an even number of passes the result is back in `src`.
    if low.len() % 2 == 0 {
        to.copy_from_slice(from);
    }
}

/// One stable counting pass on one thread, for a bucket that fits in cache.
fn local_pass(src: &[u64], dst: &mut [u64], shift: u32, width: u32) {
    let mask = (1usize << width) - 1;
    let mut at = [0u32; 1 << MAX_DIGIT];
    for &k in src {
        at[((k >> shift) as usize) & mask] += 1;
    }
    let mut sum = 0;
    for a in &mut at[..=mask] {
        (*a, sum) = (sum, sum + *a);
    }
    for &k in src {
        let d = ((k >> shift) as usize) & mask;
        dst[at[d] as usize] = k;
        at[d] += 1;
    }
}

/// (shift, width) of each pass: as few passes as 12-bit digits allow, with
/// the bits spread evenly over them (36 bits: three 12-bit passes).
fn digits(bits: u32) -> Vec<(u32, u32)> {
    let bits = bits.clamp(1, 64);
    let passes = bits.div_ceil(MAX_DIGIT);
    let width = bits.div_ceil(passes);
    (0..passes).map(|p| (p * width, width)).collect()
}

/// Sort `keys` ascending and apply the same permutation to `rows`; equal
/// keys keep the order of their rows.
pub fn sort_pairs(keys: &mut Vec<u64>, rows: &mut Vec<u32>, bits: u32) {
    debug_assert_eq!(keys.len(), rows.len());
    if keys.len() <= SMALL {
        let mut pairs: Vec<(u64, u32)> = keys.iter().copied().zip(rows.iter().copied()).collect();
        pairs.sort_unstable();
        for (i, (k, r)) in pairs.into_iter().enumerate() {
            keys[i] = k;
            rows[i] = r;
        }
        return;
    }
    let mut scratch = bulk::filled::<u64>(keys.len());
    let mut rows_scratch = bulk::filled::<u32>(rows.len());
    for (shift, width) in digits(bits) {
        let _ = pass(
            keys,
            &mut scratch,
            Some((rows, &mut rows_scratch)),
            shift,
            width,
        );
        std::mem::swap(keys, &mut scratch);
        std::mem::swap(rows, &mut rows_scratch);
    }
}

/// One stable counting pass on the digit at `shift`; returns where each
/// digit's keys start in `dst` (and the length, last).
fn pass(
    src: &[u64],
    dst: &mut [u64],
    rows: Option<(&[u32], &mut [u32])>,
    shift: u32,
    width: u32,
) -> Vec<usize> {
    let buckets = 1usize << width;
    let n = src.len();
    let chunks = (rayon::current_num_threads() * 2).clamp(1, n.div_ceil(SMALL));
    let chunk = n.div_ceil(chunks);
    let digit = |k: u64| ((k >> shift) as usize) & (buckets - 1);
    let counts: Vec<Vec<usize>> = src
        .par_chunks(chunk)
        .map(|c| {
            let mut h = vec![0usize; buckets];
            for &k in c {
                h[digit(k)] += 1;
            }
            h
        })
        .collect();
    // offsets[chunk][bucket]: where the chunk's first key of that digit goes.
    let mut offsets = vec![vec![0usize; buckets]; counts.len()];
    let mut starts = Vec::with_capacity(buckets + 1);
    let mut at = 0;
    for b in 0..buckets {
        starts.push(at);
        for (c, h) in counts.iter().enumerate() {
            offsets[c][b] = at;
            at += h[b];
        }
    }
    starts.push(at);
    let out = Shared(dst.as_mut_ptr());
    match rows {
        None => src
            .par_chunks(chunk)
            .zip(offsets.into_par_iter())
            .for_each(|(c, mut off)| {
                for &k in c {
                    let d = digit(k);
                    // SAFETY: offsets partition 0..n across chunks and digits.
                    unsafe { out.write(off[d], k) };
                    off[d] += 1;
                }
            }),
        Some((rsrc, rdst)) => {
            let rout = Shared(rdst.as_mut_ptr());
            src.par_chunks(chunk)
                .zip(rsrc.par_chunks(chunk))
                .zip(offsets.into_par_iter())
                .for_each(|((c, r), mut off)| {
                    for (&k, &row) in c.iter().zip(r) {
                        let d = digit(k);
                        // SAFETY: as above; keys and rows share the slots.
                        unsafe {
                            out.write(off[d], k);
                            rout.write(off[d], row);
                        }
                        off[d] += 1;
                    }
                })
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo(n: usize, bits: u32) -> Vec<u64> {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x & ((1u64 << bits) - 1)
            })
            .collect()
    }

    #[test]
    fn sorts_keys_like_std() {
        for (n, bits) in [(10, 5), (100_000, 13), (200_000, 42), (70_000, 64 - 1)] {
            let mut a = pseudo(n, bits);
            let mut b = a.clone();
            sort_keys(&mut a, bits);
            b.sort_unstable();
            assert_eq!(a, b, "n={n} bits={bits}");
        }
    }

    #[test]
    fn a_bucket_holding_most_keys_is_sorted_too() {
        // 90 % of the keys share the top digit: that bucket is larger than
        // a thread's share and takes the parallel passes; small buckets
        // take the in-cache passes or a plain sort.
        let mut a: Vec<u64> = pseudo(400_000, 42)
            .into_iter()
            .enumerate()
            .map(|(i, k)| if i % 10 == 0 { k } else { k & ((1 << 30) - 1) })
            .collect();
        let mut b = a.clone();
        sort_keys(&mut a, 42);
        b.sort_unstable();
        assert_eq!(a, b);
    }

    #[test]
    fn digits_cover_the_bits() {
        assert_eq!(digits(36), vec![(0, 12), (12, 12), (24, 12)]);
        assert_eq!(digits(42), vec![(0, 11), (11, 11), (22, 11), (33, 11)]);
        assert_eq!(digits(0), vec![(0, 1)]);
        assert_eq!(digits(64).len(), 6);
    }

    #[test]
    fn pairs_are_stable() {
        let mut keys = pseudo(150_000, 9);
        let mut rows: Vec<u32> = (0..keys.len() as u32).collect();
        let mut expect: Vec<(u64, u32)> = keys.iter().copied().zip(rows.iter().copied()).collect();
        expect.sort();
        sort_pairs(&mut keys, &mut rows, 9);
        let got: Vec<(u64, u32)> = keys.into_iter().zip(rows).collect();
        assert_eq!(got, expect);
    }
}
