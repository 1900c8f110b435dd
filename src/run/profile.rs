//! `kanon profile`: every column of an input profiled for its role.

use crate::measure::profile::profile_column;
use crate::report::{NotProfiled, Profile};

/// Read every column of `source` and profile it.
pub fn profile(
    source: &str,
    read: &crate::input::ReadOptions,
    missing: &[String],
) -> crate::Result<Profile> {
    let all = crate::input::columns(source, read)?;
    let header: Vec<String> = all
        .names
        .iter()
        .filter(|n| !all.unusable.iter().any(|u| &u.0 == *n))
        .cloned()
        .collect();
    let table = crate::input::read_table(source, &header, read)?;
    let columns = crate::input::columns::encode(&table, &header, missing)?;
    let profiles = columns
        .iter()
        .map(|c| {
            let mut counts = vec![0u64; c.dict.len()];
            for &x in &c.codes {
                counts[x as usize] += 1;
            }
            profile_column(c, &counts)
        })
        .collect();
    Ok(Profile {
        schema_version: crate::report::SCHEMA_VERSION,
        kanon_version: env!("CARGO_PKG_VERSION").to_string(),
        input: source.to_string(),
        rows: table.rows() as u64,
        columns: profiles,
        not_profiled: all
            .unusable
            .into_iter()
            .map(|(name, kind)| NotProfiled { name, kind })
            .collect(),
        files: table.files,
    })
}
