//! Progress of a long run, as the library reports it.
//!
//! The library names its stages ("reading", "grouping", …); a caller
//! decides what to show by implementing [`Progress`] — the `kanon` binary
//! draws them as a spinner on a terminal. [`Silent`] shows nothing, so
//! library users and tests pay nothing.

/// Told the stages of a run.
pub trait Progress {
    /// A stage begins (the previous one, if any, has ended).
    fn stage(&self, message: &str);
    /// How far the current stage is: `done` of `total` units (rows,
    /// columns, nodes), so a caller can show a position, a percentage and
    /// an estimate of the time left.
    fn work(&self, _done: u64, _total: u64) {}
    /// As [`Progress::work`], the units being bytes (a file read).
    fn work_bytes(&self, done: u64, total: u64) {
        self.work(done, total)
    }
    /// A new description of the current stage, which goes on (its time
    /// and position are kept).
    fn message(&self, _message: &str) {}
    /// The run's work is done.
    fn finish(&self) {}
}

/// No progress output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _message: &str) {}
}
