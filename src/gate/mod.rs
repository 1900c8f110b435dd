//! What a release must meet: the targets and their check ([`targets`]),
//! and the WP216 verdicts on singling out, linkability and inference
//! ([`wp216`]).

pub mod baseline;
pub mod targets;
pub mod wp216;
