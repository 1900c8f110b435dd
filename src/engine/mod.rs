//! The engine: each quasi-identifier encoded once into dense integer codes
//! ([`encode`]), codes packed into keys and sorted in parallel ([`radix`]),
//! and grouped into the class table every measure works from ([`classes`]);
//! a seeded generator for synthetic data and tests ([`splitmix`]).

pub mod bulk;
pub mod classes;
pub mod encode;
pub mod intern;
pub mod radix;
pub mod roller;
pub mod splitmix;
