//! Integration tests of the library API: figures against independent reference
//! computations on the benchmark datasets, the search, streaming.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod datasets;
mod inference;
mod layers;
mod population;
mod search;
mod stream;
