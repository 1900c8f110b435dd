//! Progress on stderr (indicatif), shown only on a terminal.
//!
//! The library reports stages ("reading", "grouping", …); a hidden
//! [`Progress`] makes that a no-op, so library users and tests pay nothing.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A stage spinner, or nothing. With `KANON_TIMINGS=1` in the environment,
/// each stage's wall time is printed on stderr when it ends.
pub struct Progress {
    bar: Option<ProgressBar>,
    timings: bool,
    current: RefCell<Option<(String, Instant)>>,
}

impl Progress {
    /// No output.
    pub fn hidden() -> Self {
        Progress {
            bar: None,
            timings: timings_wanted(),
            current: RefCell::new(None),
        }
    }

    /// A spinner on stderr; indicatif draws nothing when stderr is not a
    /// terminal, so stdout and redirected stderr stay clean.
    pub fn stderr() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress {
            bar: Some(bar),
            timings: timings_wanted(),
            current: RefCell::new(None),
        }
    }

    /// Start a stage.
    pub fn stage(&self, message: &str) {
        self.end_stage();
        if self.timings {
            *self.current.borrow_mut() = Some((message.to_string(), Instant::now()));
        }
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_string());
        }
    }

    /// Remove the spinner.
    pub fn finish(&self) {
        self.end_stage();
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress {
    fn end_stage(&self) {
        if let Some((name, start)) = self.current.borrow_mut().take() {
            eprintln!("kanon: {name}: {:.3} s", start.elapsed().as_secs_f64());
        }
    }
}

fn timings_wanted() -> bool {
    std::env::var_os("KANON_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0")
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
