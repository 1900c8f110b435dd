//! Making a table safer: hierarchies as per-level code maps
//! ([`generalise`]) and the search of the generalisation lattice on class
//! table roll-ups ([`search`]).

pub mod generalise;
pub mod lattice;
pub mod local;
pub mod population;
pub mod rollups;
pub mod search;
pub mod strategy;
