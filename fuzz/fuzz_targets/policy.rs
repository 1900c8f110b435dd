//! Any text as a policy file: an error or a policy that resolves into a
//! check or an error, never a panic.
#![no_main]
use kanon::run::policy::Policy;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::init();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = Policy::parse("fuzz.toml", text) {
        let _ = p.resolve("fuzz.toml");
    }
});
