//! Measures: pure functions of class tables and their histograms.
//!
//! Singling out ([`privacy`]: class statistics, k, sample uniques),
//! inference ([`diversity`], [`closeness`], [`inference`]),
//! re-identification risk ([`risk`], [`population`], [`individual`],
//! [`suda`], with missing values as wildcards in [`wildcard`]), linkage
//! ([`linkage`]) and column profiles ([`profile`]). [`tolerance`] is how
//! every figure computed in floating point is compared with a threshold;
//! [`special`] holds the special functions of the population models.

pub mod closeness;
pub mod diversity;
pub mod individual;
pub mod inference;
pub mod kmap;
pub mod linkage;
pub mod population;
pub mod presence;
pub mod privacy;
pub mod profile;
pub mod risk;
pub mod special;
pub mod suda;
pub mod tolerance;
pub mod wildcard;
