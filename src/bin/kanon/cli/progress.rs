//! The binary's [`Progress`]: on stderr, drawn only on a terminal, nothing
//! with `--quiet`. A stage shows as a spinner with its name and the time;
//! a stage that says how far it is (`work`, `work_bytes`) shows as a bar
//! with position, percentage, rate and the time left. With `KANON_TIMINGS=1` each stage's wall
//! time is printed when it ends.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kanon::progress::Progress;

pub struct Spinner {
    bar: Option<ProgressBar>,
    timings: bool,
    current: RefCell<Option<(String, Instant)>>,
    /// The template in use: a spinner until the stage says how far it is.
    shape: Cell<Shape>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Spinner,
    /// Rows, columns, nodes.
    Count,
    Bytes,
}

const SPINNER: &str = "{spinner} {msg} [{elapsed}]";
const BAR: &str =
    "{msg}\n[{wide_bar}] {percent:>3}% {human_pos}/{human_len}, {per_sec}, {eta} left [{elapsed}]";
const BYTES: &str = "{msg}\n[{wide_bar}] {percent:>3}% {binary_bytes}/{binary_total_bytes}, {binary_bytes_per_sec}, {eta} left [{elapsed}]";

fn style(bar: &ProgressBar, template: &str) {
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
}

impl Spinner {
    /// A spinner on stderr, or none with `quiet`. indicatif draws nothing
    /// when stderr is not a terminal, so stdout and redirected stderr stay
    /// clean.
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            style(&bar, SPINNER);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Spinner {
            bar,
            timings: std::env::var_os("KANON_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0"),
            current: RefCell::new(None),
            shape: Cell::new(Shape::Spinner),
        }
    }

    /// Show `done` of `total` in this shape, switching template if needed.
    fn position(&self, shape: Shape, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            if self.shape.replace(shape) != shape {
                style(bar, if shape == Shape::Bytes { BYTES } else { BAR });
                bar.reset_eta();
            }
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    fn end_stage(&self) {
        if let Some((name, start)) = self.current.borrow_mut().take() {
            let peak = peak_rss_mb().map_or(String::new(), |mb| format!(", peak {mb} MB so far"));
            eprintln!(
                "kanon: {name}: {:.3} s{peak}",
                start.elapsed().as_secs_f64()
            );
        }
    }
}

/// The process's peak resident memory so far (Linux's VmHWM), so that
/// the stage whose line it grows on is the one that sets the peak.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

impl Progress for Spinner {
    fn stage(&self, message: &str) {
        self.end_stage();
        if self.timings {
            *self.current.borrow_mut() = Some((message.to_string(), Instant::now()));
        }
        if let Some(bar) = &self.bar {
            if self.shape.replace(Shape::Spinner) != Shape::Spinner {
                style(bar, SPINNER);
            }
            bar.set_message(message.to_string());
        }
    }

    fn work(&self, done: u64, total: u64) {
        self.position(Shape::Count, done, total);
    }

    fn message(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_string());
        }
    }

    fn work_bytes(&self, done: u64, total: u64) {
        self.position(Shape::Bytes, done, total);
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
