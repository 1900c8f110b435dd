//! Writing output files whole or not at all.
//!
//! Everything kanon writes goes to a temporary file next to the target,
//! which is renamed over the target only when complete: a crash or an error
//! never leaves a half-written file behind.

pub mod records;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::{CsvWriter, DataFrame, IpcWriter, ParquetWriter, SerWriter};

use crate::error::{Error, Result};
use crate::input::files::{identity, Identity};

/// Refuse, before any work, every output that would destroy data or could
/// not be written: an output that is a file the run reads (by device and
/// inode, so also through a hard link), a symbolic link, a directory, a
/// FIFO or device, two outputs on one path, and a path whose directory is
/// missing or is not a directory. `outputs` pairs the flag with its path;
/// `inputs` are the paths the run reads (files, directories, patterns).
pub fn check_outputs(outputs: &[(&str, &str)], inputs: &[String]) -> Result<()> {
    let mut read: Vec<(Identity, String)> = Vec::new();
    for input in inputs.iter().filter(|i| i.as_str() != "-") {
        if let Ok(r) = crate::input::files::resolve(std::slice::from_ref(input)) {
            for f in r.files {
                if let Some(id) = identity(Path::new(&f)) {
                    read.push((id, f));
                }
            }
        }
    }
    let mut planned: Vec<(PathBuf, &str)> = Vec::new();
    for &(flag, path) in outputs {
        let refuse = |why: String| Err(Error::usage(format!("{flag} {path}: {why}")));
        if path.is_empty() {
            return refuse("the output path is empty".into());
        }
        let target = Path::new(path);
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        match std::fs::metadata(&parent) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return refuse(format!("{} is not a directory", parent.display())),
            Err(_) => return refuse(format!("the directory {} does not exist", parent.display())),
        }
        if let Ok(meta) = std::fs::symlink_metadata(target) {
            let kind = meta.file_type();
            if kind.is_symlink() {
                return refuse("is a symbolic link; kanon does not write through links".into());
            }
            if kind.is_dir() {
                return refuse("is a directory".into());
            }
            if !kind.is_file() {
                return refuse("is not a regular file (a FIFO, socket or device)".into());
            }
            if let Some((_, input)) =
                identity(target).and_then(|id| read.iter().find(|r| r.0 == id))
            {
                return refuse(format!(
                    "is an input of this run ({input}); writing it would destroy the data: choose another path"
                ));
            }
        }
        let name = target
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        let full = std::fs::canonicalize(&parent).unwrap_or(parent).join(name);
        if let Some((_, other)) = planned.iter().find(|(p, _)| *p == full) {
            return refuse(format!("{other} writes the same file"));
        }
        if TABLE_OUTPUTS.contains(&flag) && table_format(path).is_none() {
            return refuse(format!(
                "a table is written in the format of its extension: {} (not {})",
                TABLE_EXTENSIONS.join(", "),
                Path::new(path)
                    .extension()
                    .map_or("a path without one".to_string(), |e| format!(
                        ".{}",
                        e.to_string_lossy()
                    ))
            ));
        }
        planned.push((full, flag));
    }
    Ok(())
}

/// Write `path` through `write`, atomically.
pub fn write_atomic<F>(path: &str, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> std::result::Result<(), String>,
{
    let target = Path::new(path);
    if target.is_dir() {
        return Err(Error::output(path, "is a directory"));
    }
    let tmp = temp_path(target);
    let file = File::create(&tmp).map_err(|e| Error::output(path, e.to_string()))?;
    // An existing file keeps its permission bits.
    if let Ok(meta) = std::fs::metadata(target) {
        let _ = file.set_permissions(meta.permissions());
    }
    let mut w = BufWriter::new(file);
    let result = write(&mut w)
        .and_then(|_| w.flush().map_err(|e| e.to_string()))
        .and_then(|_| w.get_ref().sync_all().map_err(|e| e.to_string()));
    drop(w);
    match result {
        Ok(()) => std::fs::rename(&tmp, target).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::output(path, e.to_string())
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(Error::output(path, e))
        }
    }
}

/// Write a frame atomically in the format its extension names: `.parquet`,
/// `.arrow`/`.ipc`/`.feather`, else CSV.
pub fn write_frame(path: &str, df: &mut DataFrame) -> Result<()> {
    write_frame_delimited(path, df, None)
}

/// The flags whose file is a table written by [`write_frame`].
const TABLE_OUTPUTS: [&str; 3] = ["--out", "--records", "--mapping"];

/// The extensions [`write_frame`] writes, in any case.
const TABLE_EXTENSIONS: [&str; 7] = [
    ".csv", ".tsv", ".txt", ".parquet", ".arrow", ".ipc", ".feather",
];

/// What a table output's extension asks for; `None` for an extension
/// kanon does not write (`.xlsx`, `.jsonl`, none), which is refused
/// before the work rather than written as CSV under that name.
fn table_format(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    TABLE_EXTENSIONS
        .iter()
        .copied()
        .find(|e| lower.ends_with(e))
}

/// [`write_frame`], a CSV written with `delimiter` (the input's, so a
/// release keeps its source's dialect); `.tsv` is always tab-separated.
pub fn write_frame_delimited(path: &str, df: &mut DataFrame, delimiter: Option<u8>) -> Result<()> {
    let lower = path.to_ascii_lowercase();
    let delimiter = if lower.ends_with(".tsv") {
        b'\t'
    } else {
        delimiter.unwrap_or(b',')
    };
    write_atomic(path, |w| {
        let r = if lower.ends_with(".parquet") {
            ParquetWriter::new(w).finish(df).map(|_| ())
        } else if [".arrow", ".ipc", ".feather"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            IpcWriter::new(w).finish(df)
        } else {
            CsvWriter::new(w).with_separator(delimiter).finish(df)
        };
        r.map_err(|e| e.to_string())
    })
}

/// `dir/.name.<pid>.tmp` beside the target, so the rename stays on one file system.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".to_string());
    let tmp = format!(".{name}.{}.tmp", std::process::id());
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(tmp),
        _ => PathBuf::from(tmp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("kanon-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.csv");
        let p = path.to_str().unwrap();
        let err = write_atomic(p, |w| {
            w.write_all(b"half").map_err(|e| e.to_string())?;
            Err("boom".into())
        });
        assert!(err.is_err());
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        write_atomic(p, |w| w.write_all(b"whole").map_err(|e| e.to_string())).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "whole");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
