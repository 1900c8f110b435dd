//! What every target shares: the panic rule of the `kanon` binary.
//!
//! libFuzzer aborts on any panic. kanon's typed readers catch a panic of
//! polars on a damaged file and report it as an input error (the binary's
//! hook stays quiet then), so only a panic outside such a guarded read is
//! a crash here — exactly what a user would see as an internal error.

pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            if !kanon::input::typed::in_guarded_read() {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
}
