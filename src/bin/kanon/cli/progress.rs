//! The binary's [`Progress`]: an indicatif spinner with the stage and the
//! time on stderr, drawn only on a terminal; nothing with `--quiet`. With
//! `KANON_TIMINGS=1` each stage's wall time is printed when it ends.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kanon::progress::Progress;

pub struct Spinner {
    bar: Option<ProgressBar>,
    timings: bool,
    current: RefCell<Option<(String, Instant)>>,
}

impl Spinner {
    /// A spinner on stderr, or none with `quiet`. indicatif draws nothing
    /// when stderr is not a terminal, so stdout and redirected stderr stay
    /// clean.
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Spinner {
            bar,
            timings: std::env::var_os("KANON_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0"),
            current: RefCell::new(None),
        }
    }

    fn end_stage(&self) {
        if let Some((name, start)) = self.current.borrow_mut().take() {
            eprintln!("kanon: {name}: {:.3} s", start.elapsed().as_secs_f64());
        }
    }
}

impl Progress for Spinner {
    fn stage(&self, message: &str) {
        self.end_stage();
        if self.timings {
            *self.current.borrow_mut() = Some((message.to_string(), Instant::now()));
        }
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_string());
        }
    }

    fn finish(&self) {
        self.end_stage();
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.finish();
    }
}
