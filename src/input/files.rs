//! Which files an input names: itself, the data files under a directory (a
//! partitioned dataset, `key=value` folders included) or the matches of a
//! glob pattern.
//!
//! A file is identified by its device and inode, not its name: the same
//! file reached twice (named twice, as `./name`, through a hard link or a
//! symbolic link, or a directory and a file inside it) is refused, because
//! reading it twice would double its records. Directories are walked once
//! each, so a link back to a parent cannot loop. Hidden files and files
//! starting with `_` (`_SUCCESS`, `.crc`) are not data; any other file that
//! is not read is named in a note.

use std::path::{Path, PathBuf};

use super::Format;
use crate::error::{Error, Result};
use crate::notice::Notice;

/// Device and inode of a file (follows symbolic links).
pub type Identity = (u64, u64);

/// The identity of the file at `path`, if it exists.
pub fn identity(path: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(path).ok()?;
    Some(meta_identity(&meta))
}

#[cfg(unix)]
fn meta_identity(meta: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn meta_identity(meta: &std::fs::Metadata) -> Identity {
    // Without inodes, size and modification time stand in; outputs are
    // also compared by canonical path (see the output module).
    let t = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (meta.len(), t)
}

/// Compressed files kanon reads, by the extension after the data extension.
pub fn gzip(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".gz")
}

/// The data format of a file name, looking through a `.gz` suffix.
pub fn data_format(name: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    let inner = lower.strip_suffix(".gz").unwrap_or(&lower);
    Format::from_extension(inner)
        .filter(|f| !gzip(name) || matches!(f, Format::Csv | Format::Ndjson))
}

const COMPRESSED: [&str; 7] = [".zst", ".bz2", ".xz", ".zip", ".lz4", ".snappy", ".7z"];

/// The files an input resolves to.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Files to read, in a reproducible order.
    pub files: Vec<String>,
    /// Files in a directory that were not read, with the reason.
    pub notes: Vec<Notice>,
}

/// Resolve every input (paths, directories, patterns, `-`) into files,
/// each read once.
pub fn resolve(inputs: &[String]) -> Result<Resolved> {
    let mut out = Resolved::default();
    let mut seen: Vec<(Identity, String)> = Vec::new();
    for input in inputs {
        for file in resolve_one(input, &mut out.notes)? {
            if file == "-" {
                if out.files.iter().any(|f| f == "-") {
                    return Err(Error::usage("standard input (-) is named twice"));
                }
                out.files.push(file);
                continue;
            }
            if let Some(id) = identity(Path::new(&file)) {
                if let Some((_, first)) = seen.iter().find(|(i, _)| *i == id) {
                    return Err(Error::file(
                        &file,
                        format!(
                            "is the same file as {first} (same device and inode); each file may be read only once"
                        ),
                    ));
                }
                seen.push((id, file.clone()));
            }
            out.files.push(file);
        }
    }
    Ok(out)
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn resolve_one(input: &str, notes: &mut Vec<Notice>) -> Result<Vec<String>> {
    if input == "-" {
        return Ok(vec![input.to_string()]);
    }
    let path = Path::new(input);
    let mut files = Vec::new();
    if path.is_dir() {
        let mut dirs = Vec::new();
        walk(path, &mut files, &mut dirs, notes)
            .map_err(|e| Error::file(input, format!("cannot list the directory: {e}")))??;
        if files.is_empty() {
            return Err(Error::file(
                input,
                "is a directory without any .csv, .parquet, .arrow, .ipc, .feather, .ndjson or .jsonl file",
            ));
        }
    } else if !path.exists() && has_glob(input) {
        let matches = glob::glob(input)
            .map_err(|e| Error::usage(format!("bad file pattern '{input}': {e}")))?;
        for m in matches {
            let p = m.map_err(|e| Error::file(input, format!("cannot read a match: {e}")))?;
            if p.is_file() {
                files.push(p);
            }
        }
        if files.is_empty() {
            return Err(Error::file(input, "the pattern matches no file"));
        }
    } else {
        return Ok(vec![input.to_string()]);
    }
    files.sort();
    Ok(files
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect())
}

/// Collect the data files under `dir`; every directory is entered once.
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    dirs: &mut Vec<Identity>,
    notes: &mut Vec<Notice>,
) -> std::io::Result<Result<()>> {
    if let Some(id) = identity(dir) {
        if dirs.contains(&id) {
            return Ok(Err(Error::file(
                &dir.to_string_lossy(),
                "leads back to a directory already read (a symbolic-link loop); remove the link",
            )));
        }
        dirs.push(id);
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) => {
                return Ok(Err(Error::file(
                    &p.to_string_lossy(),
                    format!("cannot be read ({e}); a broken link?"),
                )))
            }
        };
        if meta.is_dir() {
            if let Err(e) = walk(&p, out, dirs, notes)? {
                return Ok(Err(e));
            }
        } else if data_format(&name).is_some() {
            out.push(p);
        } else if COMPRESSED
            .iter()
            .any(|c| name.to_ascii_lowercase().ends_with(c))
        {
            return Ok(Err(Error::file(
                &p.to_string_lossy(),
                "is compressed in a form kanon does not read (gzip only); decompress it or move it out of the directory",
            )));
        } else {
            notes.push(Notice::FileNotRead {
                file: p.to_string_lossy().into_owned(),
            });
        }
    }
    Ok(Ok(()))
}

/// `key=value` folder names on the path of a file (Hive-style partitions).
pub fn partitions(file: &str) -> Vec<(String, String)> {
    Path::new(file)
        .parent()
        .map(|p| {
            p.components()
                .filter_map(|c| c.as_os_str().to_str())
                .filter_map(|c| c.split_once('='))
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_partitions_from_the_path() {
        assert_eq!(
            partitions("data/year=2020/region=north/part-0.parquet"),
            vec![
                ("year".to_string(), "2020".to_string()),
                ("region".to_string(), "north".to_string())
            ]
        );
        assert!(partitions("data/part-0.parquet").is_empty());
    }

    #[test]
    fn formats_through_gzip() {
        assert_eq!(data_format("a.csv.gz"), Some(Format::Csv));
        assert_eq!(data_format("a.ndjson.GZ"), Some(Format::Ndjson));
        assert_eq!(data_format("a.parquet.gz"), None);
        assert_eq!(data_format("a.parquet"), Some(Format::Parquet));
        assert_eq!(data_format("README"), None);
    }
}
