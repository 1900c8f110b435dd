//! Baselines for docs/performance.md (benches/compare.sh): polars reading
//! the QI columns of a file and nothing else, or reading them and grouping
//! by them (the class sizes kanon starts from), to put `kanon analyse`
//! timings and memory beside.
//!
//! `cargo run --release --example polars_read -- FILE COL[,COL…] [--group-by]`

use polars::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 || args.len() > 4 || args.get(3).is_some_and(|a| a != "--group-by") {
        eprintln!("usage: polars_read FILE COL[,COL...] [--group-by]");
        std::process::exit(2);
    }
    let cols: Vec<PlSmallStr> = args[2].split(',').map(PlSmallStr::from).collect();
    let df = if args[1].ends_with(".parquet") {
        ParquetReader::new(std::fs::File::open(&args[1]).expect("open"))
            .with_columns(Some(cols.iter().map(|c| c.to_string()).collect()))
            .finish()
    } else {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_columns(Some(cols.clone().into_iter().collect()))
            .try_into_reader_with_file_path(Some(args[1].clone().into()))
            .and_then(|r| r.finish())
    };
    let df = df.and_then(|df| match args.get(3) {
        Some(_) => df.group_by(cols.iter().cloned()).and_then(|g| g.count()),
        None => Ok(df),
    });
    match df {
        Ok(df) => println!("{} rows x {} columns", df.height(), df.width()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
