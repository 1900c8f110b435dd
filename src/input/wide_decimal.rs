//! DECIMAL columns wider than 38 digits (Arrow's Decimal256, a Parquet
//! DECIMAL of precision 39 to 76), read exactly.
//!
//! polars' frames hold decimals in 128 bits, so its readers cannot give
//! such a column. The Arrow layer below them can: Parquet pages are
//! decoded by polars-parquet's own deserialiser and IPC record batches by
//! polars-arrow's file reader, both into 256-bit integers. kanon only needs
//! each value's identity and order, so a value becomes its exact decimal
//! text (`unscaled / 10^scale`, every digit of the scale written), the same
//! text a narrower DECIMAL gets.

use std::io::Cursor;

use polars::prelude::{Column, DataType, NamedFrom, PlSmallStr, PolarsResult, Series};
use polars_arrow::array::{Array, PrimitiveArray};
use polars_arrow::datatypes::ArrowDataType;
use polars_arrow::types::i256;

/// Whether polars' frame readers cannot hold this type but kanon reads it here.
pub fn is_wide(dtype: &ArrowDataType) -> bool {
    matches!(dtype, ArrowDataType::Decimal256(_, _))
}

/// `unscaled / 10^scale` written out exactly: `-1234` at scale 2 is `-12.34`.
pub fn text(unscaled: i256, scale: usize) -> String {
    let digits = unscaled.0.unsigned_abs().to_string();
    let sign = if unscaled.0 < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

/// Append the values of one decoded array as text (missing stays missing).
fn push(out: &mut Vec<Option<String>>, array: &dyn Array, scale: usize) -> PolarsResult<()> {
    let a = array
        .as_any()
        .downcast_ref::<PrimitiveArray<i256>>()
        .ok_or_else(|| {
            polars::prelude::polars_err!(ComputeError: "a DECIMAL column decoded to {:?}", array.dtype())
        })?;
    out.extend(a.iter().map(|v| v.map(|v| text(*v, scale))));
    Ok(())
}

fn scale_of(dtype: &ArrowDataType) -> PolarsResult<usize> {
    match dtype {
        ArrowDataType::Decimal256(_, s) => Ok(*s),
        other => Err(polars::prelude::polars_err!(ComputeError: "{other:?} is not a wide DECIMAL")),
    }
}

/// The column `name` of a Parquet file, row group by row group.
pub fn parquet(bytes: &[u8], name: &str) -> PolarsResult<Column> {
    use polars_parquet::read as pq;
    let meta = pq::read_metadata(&mut Cursor::new(bytes))?;
    let schema = pq::infer_schema(&meta)?;
    let field = schema
        .get(name)
        .cloned()
        .ok_or_else(|| polars::prelude::polars_err!(ColumnNotFound: "{name}"))?;
    let scale = scale_of(&field.dtype)?;
    let mut out = Vec::with_capacity(meta.num_rows);
    for group in &meta.row_groups {
        let chunks: Vec<_> = group
            .columns_under_root_iter(name)
            .map(|it| it.collect())
            .unwrap_or_default();
        let [chunk] = chunks[..] else {
            polars::prelude::polars_bail!(ComputeError: "column '{name}' has {} parts in a row group", chunks.len());
        };
        let range = chunk.byte_range();
        let body = usize::try_from(range.start)
            .ok()
            .zip(usize::try_from(range.end).ok())
            .and_then(|(a, b)| bytes.get(a..b))
            .ok_or_else(|| polars::prelude::polars_err!(ComputeError: "column '{name}' points outside the file"))?;
        let pages = pq::PageReader::new(
            Cursor::new(polars_buffer::Buffer::from(body.to_vec())),
            chunk,
            vec![],
            bytes.len(),
        );
        let (arrays, _) = pq::column_iter_to_arrays(
            vec![pq::BasicDecompressor::new(pages, vec![])],
            vec![&chunk.descriptor().descriptor.primitive_type],
            field.clone(),
            None,
        )?;
        for a in &arrays {
            push(&mut out, a.as_ref(), scale)?;
        }
    }
    Ok(text_column(name, out))
}

/// The column `name` of an Arrow IPC file, record batch by record batch.
///
/// polars-arrow's IPC reader has no 256-bit integers, but a Decimal256
/// column is laid out like a fixed-size binary of 32 bytes (validity bits,
/// then each value as a little-endian two's-complement integer), so it is
/// read as one and each value rebuilt from its two 128-bit halves.
pub fn ipc(bytes: &[u8], name: &str) -> PolarsResult<Column> {
    use polars_arrow::array::FixedSizeBinaryArray;
    use polars_arrow::io::ipc::read as ipc;
    let mut cursor = Cursor::new(bytes);
    let mut meta = ipc::read_file_metadata(&mut cursor)?;
    let mut schema = (*meta.schema).clone();
    let field = schema
        .get_mut(name)
        .ok_or_else(|| polars::prelude::polars_err!(ColumnNotFound: "{name}"))?;
    let scale = scale_of(&field.dtype)?;
    field.dtype = ArrowDataType::FixedSizeBinary(32);
    let at = schema.index_of(name).unwrap_or(0);
    meta.schema = std::sync::Arc::new(schema);
    let mut out = Vec::new();
    for batch in ipc::FileReader::new(cursor, meta, Some(vec![at]), None) {
        for a in batch?.arrays() {
            let a = a
                .as_any()
                .downcast_ref::<FixedSizeBinaryArray>()
                .ok_or_else(|| polars::prelude::polars_err!(ComputeError: "column '{name}' decoded to {:?}", a.dtype()))?;
            out.extend(a.iter().map(|v| v.map(|v| text(from_le_bytes(v), scale))));
        }
    }
    Ok(text_column(name, out))
}

/// A 256-bit integer from its 32 little-endian bytes.
fn from_le_bytes(b: &[u8]) -> i256 {
    let half = |r: std::ops::Range<usize>| {
        let mut w = [0u8; 16];
        w.copy_from_slice(&b[r]);
        i128::from_le_bytes(w)
    };
    i256::from_words(half(16..32), half(0..16))
}

fn text_column(name: &str, values: Vec<Option<String>>) -> Column {
    let s = Series::new(PlSmallStr::from(name), values);
    debug_assert_eq!(s.dtype(), &DataType::String);
    s.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: i128) -> i256 {
        i256(x.into())
    }

    #[test]
    fn values_are_written_exactly_with_every_digit_of_the_scale() {
        assert_eq!(text(v(-1234), 2), "-12.34");
        assert_eq!(text(v(5), 3), "0.005");
        assert_eq!(text(v(-5), 3), "-0.005");
        assert_eq!(text(v(1200), 2), "12.00");
        assert_eq!(text(v(0), 2), "0.00");
        assert_eq!(text(v(42), 0), "42");
        // Beyond 128 bits: ±(10^60 + 1) at scale 2 is ±(10^58 + 0.01).
        let big = v(10).0.pow(60) + v(1).0;
        assert_eq!(text(i256(big), 2), format!("1{}.01", "0".repeat(58)));
        assert_eq!(text(i256(-big), 2), format!("-1{}.01", "0".repeat(58)));
    }

    #[test]
    fn little_endian_bytes_rebuild_the_integer() {
        for x in [
            v(-1),
            v(0),
            v(1),
            v(i128::MAX),
            v(i128::MIN),
            i256(v(10).0.pow(70)),
        ] {
            assert_eq!(from_le_bytes(&x.0.to_le_bytes()), x);
        }
    }
}
