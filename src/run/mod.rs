//! The use cases, as library calls: `analyse` ([`analyse`], with its
//! population sections in [`survey`]), `suggest` and `anonymise`
//! ([`suggest`]), `link` ([`link`]), `check` with policy files ([`policy`],
//! comparing with a baseline), the SQL offload ([`sql`]) and synthetic
//! data ([`synth`]).

pub mod analyse;
pub mod config;
pub mod link;
pub mod policy;
mod population;
pub mod profile;
mod sensitive;
pub mod sql;
pub mod suggest;
pub mod survey;
pub mod synth;
