//! Everything shown to a person: the terminal summary ([`text`]), the
//! auditor's report in Markdown and HTML ([`document`]), and the two
//! languages ([`lang`]).

pub mod chart;
pub mod document;
pub mod labels;
pub mod lang;
pub mod notice;
pub mod pdf;
pub mod text;
pub mod wp216;
