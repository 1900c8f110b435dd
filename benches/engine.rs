//! Benchmarks of the class engine and of a whole analysis, next to polars'
//! plain read of the same file, on synthetic census-like data.
//!
//! Sizes come from `KANON_BENCH_ROWS` (comma-separated, default
//! `1000000,10000000`). Data files are generated once into `bench-data/`
//! (git-ignored) by `kanon::run::synth`. Peak memory is measured per process by
//! `benches/memory.sh`, since criterion runs everything in one process.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kanon::engine::classes::Want;
use kanon::input::columns::encode as encode_qis;
use kanon::input::{read_table, ReadOptions};
use kanon::progress::Silent;
use kanon::run::analyse::{analyse, group_columns, Config, SudaConfig};
use polars::prelude::*;

/// The first eight synthetic columns (all but occupation and income).
const QIS: [&str; 8] = [
    kanon::run::synth::COLUMNS[0],
    kanon::run::synth::COLUMNS[1],
    kanon::run::synth::COLUMNS[2],
    kanon::run::synth::COLUMNS[3],
    kanon::run::synth::COLUMNS[4],
    kanon::run::synth::COLUMNS[5],
    kanon::run::synth::COLUMNS[6],
    kanon::run::synth::COLUMNS[7],
];

fn sizes() -> Vec<usize> {
    std::env::var("KANON_BENCH_ROWS")
        .unwrap_or_else(|_| "1000000,10000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// `bench-data/census_<rows>.<ext>`, generated on first use.
fn data(rows: usize, ext: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("census_{rows}.{ext}"));
    let p = path.to_str().unwrap().to_string();
    if !path.exists() {
        eprintln!("generating {p}");
        kanon::run::synth::write(&p, rows, 42).unwrap();
    }
    p
}

fn qis() -> Vec<String> {
    QIS.iter().map(|s| s.to_string()).collect()
}

/// The class engine alone: pre-encoded codes → class table.
fn engine(c: &mut Criterion) {
    let mut g = c.benchmark_group("class_engine");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for rows in sizes() {
        let path = data(rows, "parquet");
        let table = read_table(&path, &qis(), &ReadOptions::default()).unwrap();
        let cols = encode_qis(&table, &qis(), &[]).unwrap();
        g.throughput(Throughput::Elements(rows as u64));
        g.bench_with_input(BenchmarkId::new("group_8_qis", rows), &cols, |b, cols| {
            b.iter(|| black_box(group_columns(cols, None, None, Want::default()).table.len()))
        });
        g.bench_with_input(
            BenchmarkId::new("group_8_qis_row_classes", rows),
            &cols,
            |b, cols| {
                b.iter(|| {
                    black_box(
                        group_columns(
                            cols,
                            None,
                            None,
                            Want {
                                row_class: true,
                                members: false,
                            },
                        )
                        .table
                        .len(),
                    )
                })
            },
        );
    }
    g.finish();
}

/// A whole `analyse` of a CSV and a Parquet file, next to polars' plain
/// read of the same columns in the same run.
fn whole(c: &mut Criterion) {
    let mut g = c.benchmark_group("analyse");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for rows in sizes() {
        g.throughput(Throughput::Elements(rows as u64));
        for ext in ["csv", "parquet"] {
            let path = data(rows, ext);
            let cfg = Config {
                input: path.clone(),
                qis: qis(),
                ..Config::default()
            };
            g.bench_function(
                BenchmarkId::new(format!("kanon_analyse_{ext}"), rows),
                |b| b.iter(|| black_box(analyse(&cfg, &Silent).unwrap().report.classes.count)),
            );
            let cols: Vec<PlSmallStr> = QIS.iter().map(|s| PlSmallStr::from(*s)).collect();
            g.bench_function(BenchmarkId::new(format!("polars_read_{ext}"), rows), |b| {
                b.iter(|| black_box(polars_read(&path, ext, &cols).height()))
            });
        }
    }
    g.finish();
}

/// polars reading the QI columns, the way it reads by default (CSV with
/// schema inference, Parquet with projection).
fn polars_read(path: &str, ext: &str, cols: &[PlSmallStr]) -> DataFrame {
    if ext == "csv" {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_columns(Some(cols.iter().cloned().collect()))
            .try_into_reader_with_file_path(Some(path.into()))
            .unwrap()
            .finish()
            .unwrap()
    } else {
        ParquetReader::new(std::fs::File::open(path).unwrap())
            .with_columns(Some(cols.iter().map(|c| c.to_string()).collect()))
            .finish()
            .unwrap()
    }
}

/// The inference measures' cost: the same analysis with one and two
/// sensitive attributes (issue target: at most +20 %).
fn inference(c: &mut Criterion) {
    let mut g = c.benchmark_group("inference");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for rows in sizes() {
        g.throughput(Throughput::Elements(rows as u64));
        let path = data(rows, "parquet");
        for sensitive in [vec![], vec!["occupation"], vec!["occupation", "income"]] {
            let cfg = Config {
                input: path.clone(),
                qis: qis(),
                sensitive: sensitive.iter().map(|s| s.to_string()).collect(),
                ..Config::default()
            };
            let name = format!(
                "analyse_sensitive_{}",
                if sensitive.is_empty() {
                    "none".into()
                } else {
                    sensitive.join("+")
                }
            );
            g.bench_function(BenchmarkId::new(name, rows), |b| {
                b.iter(|| black_box(analyse(&cfg, &Silent).unwrap().report.classes.count))
            });
        }
    }
    g.finish();
}

/// SUDA2 and the QI-subset sweep on 1M records (issue: seconds, not
/// minutes); their cost on top of a plain analysis of the same file.
fn survey(c: &mut Criterion) {
    let mut g = c.benchmark_group("survey");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    let rows = 1_000_000;
    g.throughput(Throughput::Elements(rows as u64));
    let path = data(rows, "parquet");
    for (name, suda, subsets) in [
        ("analyse_plain", None, None),
        ("analyse_suda2", Some(SudaConfig::default()), None),
        ("analyse_subsets_3", None, Some(3)),
    ] {
        let cfg = Config {
            input: path.clone(),
            qis: qis(),
            suda,
            subsets,
            ..Config::default()
        };
        g.bench_function(BenchmarkId::new(name, rows), |b| {
            b.iter(|| black_box(analyse(&cfg, &Silent).unwrap().report.classes.count))
        });
    }
    g.finish();
}

/// Generalisation search on the shared benchmark datasets with their ARX
/// hierarchies, k = 5, with 0 % and 5 % suppression.
fn lattice_search(c: &mut Criterion) {
    use kanon::anonymise::search::{Goal, Metric};
    use kanon::run::suggest::{suggest, Plan};
    let shared = format!("{}/../shared/datasets", env!("CARGO_MANIFEST_DIR"));
    let cases: [(&str, &str, &[&str]); 3] = [
        (
            "adult",
            "adult",
            &[
                "age",
                "education",
                "marital-status",
                "native-country",
                "race",
                "salary-class",
                "sex",
                "workclass",
            ],
        ),
        (
            "cup",
            "cup",
            &[
                "AGE", "GENDER", "INCOME", "MINRAMNT", "NGIFTALL", "STATE", "ZIP",
            ],
        ),
        (
            "fars_int",
            "fars_int",
            &[
                "iage",
                "ideathday",
                "ideathmon",
                "ihispanic",
                "iinjury",
                "irace",
                "isex",
            ],
        ),
    ];
    let mut g = c.benchmark_group("search");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (dir, name, qis) in cases {
        let input = format!("{shared}/{dir}/{name}.csv");
        if !std::path::Path::new(&input).exists() {
            eprintln!("skipping {input}: ../shared/datasets is not beside the repository");
            continue;
        }
        use kanon::anonymise::local::Recoding;
        for (suppression, recoding) in [
            (0.0, Recoding::Global),
            (0.05, Recoding::Global),
            (0.0, Recoding::Local),
            (0.05, Recoding::Local),
        ] {
            let plan = Plan {
                analysis: Config {
                    input: input.clone(),
                    qis: qis.iter().map(|s| s.to_string()).collect(),
                    ..Config::default()
                },
                hierarchies: qis
                    .iter()
                    .map(|q| {
                        (
                            q.to_string(),
                            format!("{shared}/{dir}/{name}_hierarchy_{q}.csv"),
                        )
                    })
                    .collect(),
                goal: Goal {
                    k: 5,
                    suppression,
                    metric: Metric::Loss,
                    max_average_risk: None,
                    max_uniques: None,
                    max_population_uniqueness: None,
                    wildcard: false,
                },
                time_limit: None,
                strategy: kanon::anonymise::strategy::Strategy::Auto,
                recoding,
            };
            let local = if recoding == Recoding::Local {
                "_local"
            } else {
                ""
            };
            let id = BenchmarkId::new(
                format!("{dir}_k5{local}"),
                format!("{}pct", (suppression * 100.0) as u32),
            );
            g.bench_function(id, |b| {
                b.iter(|| black_box(suggest(&plan, &Silent).unwrap().result.nodes_checked))
            });
        }
    }
    g.finish();
}

/// A release of `rows` records with age in 10-year intervals and postcode
/// masked to two digits (as text, from the raw synthetic CSV), and an
/// attacker table of every tenth raw record on the eight QIs.
fn linkage_data(rows: usize) -> (String, String, String) {
    let raw = data(rows, "csv");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench-data");
    let generalised = dir.join(format!("release_generalised_{rows}.csv"));
    let aux = dir.join(format!("aux_{rows}.csv"));
    if !generalised.exists() || !aux.exists() {
        let text = std::fs::read_to_string(&raw).unwrap();
        let mut g = String::with_capacity(text.len());
        let mut a = String::new();
        for (i, line) in text.lines().enumerate() {
            let cells: Vec<&str> = line.split(',').collect();
            if i == 0 {
                g.push_str(line);
                a.push_str(&cells[..8].join(","));
            } else {
                let age: u32 = cells[0].parse().unwrap();
                let lo = age - age % 10;
                let zip = format!("{}***", &cells[7][..2]);
                let mut out = vec![format!("\"[{lo}, {}[\"", lo + 10)];
                out.extend(cells[1..7].iter().map(|c| c.to_string()));
                out.push(zip);
                out.extend(cells[8..].iter().map(|c| c.to_string()));
                g.push_str(&out.join(","));
                if i % 10 == 1 {
                    a.push_str(&cells[..8].join(","));
                    a.push('\n');
                }
            }
            g.push('\n');
            if i == 0 {
                a.push('\n');
            }
        }
        std::fs::write(&generalised, g).unwrap();
        std::fs::write(&aux, a).unwrap();
    }
    let s = |p: PathBuf| p.to_str().unwrap().to_string();
    (raw, s(generalised), s(aux))
}

/// `kanon link`: a release against an attacker table of a tenth of its
/// size, raw-on-raw and raw-on-generalised (intervals and masks).
fn linkage(c: &mut Criterion) {
    use kanon::run::link::{run_link, AuxSpec, LinkConfig};
    let mut g = c.benchmark_group("linkage");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for rows in sizes().into_iter().filter(|&r| r <= 1_000_000) {
        let (raw, generalised, aux) = linkage_data(rows);
        for (name, release) in [("raw", raw), ("generalised", generalised)] {
            let cfg = LinkConfig {
                release,
                aux: Some(AuxSpec {
                    path: aux.clone(),
                    on: qis(),
                    ..AuxSpec::default()
                }),
                on: qis(),
                reference_k: 5,
                ..LinkConfig::default()
            };
            g.throughput(Throughput::Elements(rows as u64));
            g.bench_with_input(
                BenchmarkId::new(format!("link_{name}"), rows),
                &cfg,
                |b, cfg| {
                    b.iter(|| {
                        black_box(
                            run_link(cfg, &Silent)
                                .unwrap()
                                .linkability
                                .map(|l| l.unique_matches),
                        )
                    })
                },
            );
        }
    }
    g.finish();
}

/// One case of the search at scale: the first `n` columns of a shared
/// dataset as QIs with its hierarchies, k = 5, 5 % suppression.
fn scale_plan(
    shared: &str,
    name: &str,
    n: usize,
    sensitive: Option<(&str, f64)>,
    metric: kanon::anonymise::search::Metric,
) -> Option<kanon::run::suggest::Plan> {
    use kanon::anonymise::search::Goal;
    use kanon::anonymise::strategy::Strategy;
    let input = format!("{shared}/{name}/{name}.csv");
    let header = std::fs::read_to_string(&input).ok()?;
    let qis: Vec<String> = header
        .lines()
        .next()?
        .split(';')
        .filter(|c| Some(*c) != sensitive.map(|s| s.0))
        .take(n)
        .map(str::to_string)
        .collect();
    let mut analysis = Config {
        input: input.clone(),
        qis: qis.clone(),
        ..Config::default()
    };
    if let Some((column, l)) = sensitive {
        analysis.sensitive = vec![column.to_string()];
        analysis.targets.l = Some(l);
    }
    Some(kanon::run::suggest::Plan {
        analysis,
        hierarchies: qis
            .iter()
            .map(|q| {
                (
                    q.clone(),
                    format!("{shared}/{name}/{name}_hierarchy_{q}.csv"),
                )
            })
            .collect(),
        goal: Goal {
            k: 5,
            suppression: 0.05,
            metric,
            max_average_risk: None,
            max_uniques: None,
            max_population_uniqueness: None,
            wildcard: false,
        },
        time_limit: None,
        strategy: Strategy::Auto,
        recoding: Default::default(),
    })
}

/// The search at scale (docs/search.md): mach2019 with 12, 14 and 16 QIs
/// and creditcard with 24 under a 10 s limit, cup with distinct l = 5 and
/// the entropy metric to the end. Each iteration is one whole `suggest`.
fn search_at_scale(c: &mut Criterion) {
    use kanon::anonymise::search::Metric;
    use kanon::anonymise::strategy::TimeLimit;
    use kanon::run::suggest::suggest;
    let shared = format!("{}/../shared/datasets", env!("CARGO_MANIFEST_DIR"));
    let mut g = c.benchmark_group("search_at_scale");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    let limited = [
        ("mach2019_int", 12),
        ("mach2019_int", 14),
        ("mach2019_int", 16),
        ("creditcard_int", 24),
    ];
    for (name, n) in limited {
        let Some(plan) = scale_plan(&shared, name, n, None, Metric::Loss) else {
            eprintln!("skipping {name}: ../shared/datasets is not beside the repository");
            continue;
        };
        g.bench_function(
            BenchmarkId::new(format!("{name}_k5_5pct_limit10s"), n),
            |b| {
                b.iter(|| {
                    let mut plan = plan.clone();
                    plan.time_limit = Some(TimeLimit {
                        from: std::time::Instant::now(),
                        limit: Duration::from_secs(10),
                    });
                    black_box(suggest(&plan, &Silent).unwrap().result.nodes_checked)
                })
            },
        );
    }
    if let Some(plan) = scale_plan(&shared, "cup", 7, Some(("RAMNTALL", 5.0)), Metric::Entropy) {
        g.bench_function("cup_k5_5pct_l5_entropy", |b| {
            b.iter(|| black_box(suggest(&plan, &Silent).unwrap().result.nodes_checked))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    engine,
    whole,
    inference,
    survey,
    lattice_search,
    search_at_scale,
    linkage
);
criterion_main!(benches);
