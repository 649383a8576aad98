//! Writing a table's parts (`part-00000.parquet`, …) into a staged folder while the reader keeps
//! producing batches: each part is encoded on the rayon pool, at most [`IN_FLIGHT`] at a time, so
//! the two cores overlap and memory stays bounded.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

use anyhow::Result;
use polars::prelude::*;

/// Parts being written at once (each holds one batch in memory).
pub const IN_FLIGHT: usize = 2;

/// Writes one telemetry part (snappy: 10 M rows must import in seconds, and snappy writes
/// several times faster than zstd).
pub fn write_part(path: &Path, df: &mut DataFrame) -> Result<()> {
    super::frames::write_parquet_with(path, df, ParquetCompression::Snappy)
}

/// Numbered parts of one folder, written on a rayon scope.
pub struct PartWriter<'scope, 'env> {
    scope: &'scope rayon::Scope<'env>,
    dir: PathBuf,
    /// Parts handed out so far.
    pub parts: usize,
    state: &'env (Mutex<Flight>, Condvar),
}

/// Parts in flight and the first error.
#[derive(Default)]
pub struct Flight {
    busy: usize,
    error: Option<anyhow::Error>,
}

impl<'scope, 'env> PartWriter<'scope, 'env> {
    /// A writer into `dir`, spawning on `scope`; `state` must outlive the scope.
    pub fn new(
        scope: &'scope rayon::Scope<'env>,
        dir: PathBuf,
        state: &'env (Mutex<Flight>, Condvar),
    ) -> Self {
        PartWriter { scope, dir, parts: 0, state }
    }

    /// Queues the next part; waits while [`IN_FLIGHT`] parts are being written. Reports an
    /// earlier part's write error.
    pub fn write(&mut self, mut df: DataFrame) -> Result<()> {
        let (lock, cv) = self.state;
        {
            let mut st = lock.lock().map_err(|_| anyhow::anyhow!("the Parquet writer panicked"))?;
            while st.busy >= IN_FLIGHT && st.error.is_none() {
                st = cv.wait(st).map_err(|_| anyhow::anyhow!("the Parquet writer panicked"))?;
            }
            if let Some(e) = st.error.take() {
                return Err(e);
            }
            st.busy += 1;
        }
        let path = self.dir.join(format!("part-{:05}.parquet", self.parts));
        self.parts += 1;
        let state = self.state;
        self.scope.spawn(move |_| {
            let r = write_part(&path, &mut df);
            drop(df);
            let (lock, cv) = state;
            if let Ok(mut st) = lock.lock() {
                st.busy -= 1;
                if let Err(e) = r {
                    st.error.get_or_insert(e);
                }
            }
            cv.notify_all();
        });
        Ok(())
    }
}

/// Runs `produce` with a [`PartWriter`] into `dir`; returns when every part is written, with
/// the number of parts, or the first error (the producer's or a writer's).
pub fn write_parts(
    dir: PathBuf,
    produce: impl FnOnce(&mut PartWriter) -> Result<()>,
) -> Result<usize> {
    let state = (Mutex::new(Flight::default()), Condvar::new());
    let (produced, parts) = rayon::in_place_scope(|s| {
        let mut w = PartWriter::new(s, dir, &state);
        let r = produce(&mut w);
        (r, w.parts)
    });
    produced?;
    let (lock, _) = state;
    let st = lock.into_inner().map_err(|_| anyhow::anyhow!("the Parquet writer panicked"))?;
    match st.error {
        Some(e) => Err(e),
        None => Ok(parts),
    }
}
