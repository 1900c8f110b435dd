//! δ-presence (Nergiz, Atzori & Clifton 2007, SIGMOD): how likely a person
//! of the population is to be in the release, given the class they fall
//! in. With F_c people of the population in class c and f_c of them
//! released, P(in release | class c) = f_c / F_c; a release is
//! (δmin, δmax)-present when every class lies within [δmin, δmax]. F comes
//! from a population table (or the weights); with the sample as its own
//! population every class is at 1, which says nothing, so the figure is
//! reported only with a population.

/// The smallest and largest f_c / F_c over the classes (`None` without
/// classes). F_c is never below f_c here (the analysis raises it).
pub fn presence(sizes: &[u64], population: &[f64]) -> Option<(f64, f64)> {
    sizes
        .iter()
        .zip(population)
        .map(|(&f, &big_f)| f as f64 / big_f)
        .fold(None, |acc, d| match acc {
            None => Some((d, d)),
            Some((lo, hi)) => Some((f64::min(lo, d), f64::max(hi, d))),
        })
}

/// k-map against a population (Sweeney 2002): the smallest population
/// class over the released classes; k-map with k holds when it is at
/// least k.
pub fn smallest_population_class(population: &[f64]) -> Option<f64> {
    population.iter().copied().reduce(f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: classes of 2, 1 and 4 released records among 10, 2 and 40
    /// people: presence 0.2, 0.5 and 0.1, so (0.1, 0.5); the smallest
    /// population class is 2, so k-map holds for k = 2 and not for 3.
    #[test]
    fn worked_by_hand() {
        let (sizes, population) = ([2u64, 1, 4], [10.0, 2.0, 40.0]);
        assert_eq!(presence(&sizes, &population), Some((0.1, 0.5)));
        assert_eq!(smallest_population_class(&population), Some(2.0));
        assert_eq!(presence(&[], &[]), None);
    }
}
