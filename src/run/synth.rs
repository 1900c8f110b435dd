//! A seeded generator of synthetic census-like microdata, so that
//! benchmarks and examples need no download.
//!
//! Columns: `age` (17–89, skewed young), `sex`, `race`, `marital_status`,
//! `education`, `workclass`, `country` (Zipf-skewed over 40), `postcode`
//! (5 digits, ~30,000 values, Zipf-skewed), `occupation` and `income`
//! (log-normal, rounded to 100). The same seed gives the same bytes whatever
//! the number of threads: each block of rows has its own random stream.

use std::io::Write;

use polars::prelude::*;
use rayon::prelude::*;

use crate::engine::splitmix::SplitMix64;
use crate::error::{Error, Result};
use crate::output::{write_atomic, write_frame};

const BLOCK: usize = 1 << 16;

const SEX: &[(&str, f64)] = &[("Female", 0.51), ("Male", 0.49)];
const RACE: &[(&str, f64)] = &[
    ("White", 0.76),
    ("Black", 0.13),
    ("Asian", 0.06),
    ("Native", 0.01),
    ("Other", 0.04),
];
const MARITAL: &[(&str, f64)] = &[
    ("Married", 0.47),
    ("Never-married", 0.33),
    ("Divorced", 0.13),
    ("Separated", 0.03),
    ("Widowed", 0.03),
    ("Married-spouse-absent", 0.008),
    ("Married-AF-spouse", 0.002),
];
const EDUCATION: &[(&str, f64)] = &[
    ("HS-grad", 0.32),
    ("Some-college", 0.22),
    ("Bachelors", 0.16),
    ("Masters", 0.055),
    ("Assoc-voc", 0.042),
    ("11th", 0.036),
    ("Assoc-acdm", 0.033),
    ("10th", 0.028),
    ("7th-8th", 0.02),
    ("Prof-school", 0.018),
    ("9th", 0.016),
    ("12th", 0.013),
    ("Doctorate", 0.013),
    ("5th-6th", 0.01),
    ("1st-4th", 0.005),
    ("Preschool", 0.002),
];
const WORKCLASS: &[(&str, f64)] = &[
    ("Private", 0.70),
    ("Self-emp-not-inc", 0.08),
    ("Local-gov", 0.064),
    ("State-gov", 0.04),
    ("Self-emp-inc", 0.035),
    ("Federal-gov", 0.03),
    ("Without-pay", 0.001),
    ("Never-worked", 0.05),
];
const OCCUPATION: &[(&str, f64)] = &[
    ("Prof-specialty", 0.13),
    ("Craft-repair", 0.13),
    ("Exec-managerial", 0.13),
    ("Adm-clerical", 0.12),
    ("Sales", 0.12),
    ("Other-service", 0.10),
    ("Machine-op-inspct", 0.065),
    ("Transport-moving", 0.05),
    ("Handlers-cleaners", 0.045),
    ("Farming-fishing", 0.03),
    ("Tech-support", 0.03),
    ("Protective-serv", 0.02),
    ("Priv-house-serv", 0.005),
    ("Armed-Forces", 0.001),
];
const COUNTRIES: [&str; 40] = [
    "United-States",
    "Mexico",
    "Philippines",
    "Germany",
    "Puerto-Rico",
    "Canada",
    "India",
    "El-Salvador",
    "Cuba",
    "England",
    "China",
    "Jamaica",
    "South",
    "Italy",
    "Dominican-Republic",
    "Vietnam",
    "Guatemala",
    "Japan",
    "Poland",
    "Columbia",
    "Iran",
    "Taiwan",
    "Haiti",
    "Portugal",
    "Nicaragua",
    "Peru",
    "Greece",
    "France",
    "Ecuador",
    "Ireland",
    "Hong",
    "Cambodia",
    "Trinadad&Tobago",
    "Thailand",
    "Laos",
    "Yugoslavia",
    "Outlying-US",
    "Hungary",
    "Honduras",
    "Scotland",
];
const POSTCODES: usize = 30_000;

/// SplitMix64 on one stream of a seed: fully determined by both.
struct Rng(SplitMix64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(SplitMix64(
            seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F),
        ));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0.unit()
    }
}

/// Cumulative distribution for sampling by binary search.
struct Cdf(Vec<f64>);

impl Cdf {
    fn new(weights: impl Iterator<Item = f64>) -> Self {
        let mut acc = 0.0;
        let mut v: Vec<f64> = weights
            .map(|w| {
                acc += w;
                acc
            })
            .collect();
        for x in &mut v {
            *x /= acc;
        }
        Cdf(v)
    }
    fn zipf(n: usize, s: f64) -> Self {
        Cdf::new((1..=n).map(|r| 1.0 / (r as f64).powf(s)))
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.0.partition_point(|&c| c <= u).min(self.0.len() - 1)
    }
}

/// Distributions of all columns.
struct Model {
    sex: Cdf,
    race: Cdf,
    marital: Cdf,
    education: Cdf,
    workclass: Cdf,
    occupation: Cdf,
    country: Cdf,
    postcode: Cdf,
    postcodes: Vec<String>,
}

impl Model {
    fn new() -> Self {
        let cat = |t: &[(&str, f64)]| Cdf::new(t.iter().map(|x| x.1));
        // Spread postcode ranks over 00000–99999 with a fixed bijection.
        let postcodes = (0..POSTCODES)
            .map(|r| format!("{:05}", (r as u64 * 7919 + 1013) % 100_000))
            .collect();
        Model {
            sex: cat(SEX),
            race: cat(RACE),
            marital: cat(MARITAL),
            education: cat(EDUCATION),
            workclass: cat(WORKCLASS),
            occupation: cat(OCCUPATION),
            country: Cdf::zipf(COUNTRIES.len(), 2.2),
            postcode: Cdf::zipf(POSTCODES, 0.9),
            postcodes,
        }
    }
}

/// One synthetic person, as indices into the tables above.
struct Person {
    age: u32,
    sex: usize,
    race: usize,
    marital: usize,
    education: usize,
    workclass: usize,
    country: usize,
    postcode: usize,
    occupation: usize,
    income: u64,
}

fn person(m: &Model, rng: &mut Rng) -> Person {
    let age = 17 + (73.0 * rng.unit().powf(1.4)) as u32;
    // Box-Muller for a log-normal income around 35,000.
    let (u1, u2) = (rng.unit().max(1e-12), rng.unit());
    let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    let income = ((10.46 + 0.75 * z).exp() / 100.0).round() as u64 * 100;
    Person {
        age,
        sex: m.sex.sample(rng),
        race: m.race.sample(rng),
        marital: m.marital.sample(rng),
        education: m.education.sample(rng),
        workclass: m.workclass.sample(rng),
        country: m.country.sample(rng),
        postcode: m.postcode.sample(rng),
        occupation: m.occupation.sample(rng),
        income,
    }
}

/// Column names of the synthetic table.
pub const COLUMNS: [&str; 10] = [
    "age",
    "sex",
    "race",
    "marital_status",
    "education",
    "workclass",
    "country",
    "postcode",
    "occupation",
    "income",
];

fn block(m: &Model, seed: u64, b: usize, rows: usize) -> Vec<Person> {
    let mut rng = Rng::new(seed, b as u64);
    let len = BLOCK.min(rows - b * BLOCK);
    (0..len).map(|_| person(m, &mut rng)).collect()
}

/// The synthetic table as a DataFrame (age and income as integers).
pub fn generate(rows: usize, seed: u64) -> Result<DataFrame> {
    let m = Model::new();
    let blocks = rows.div_ceil(BLOCK);
    let people: Vec<Person> = (0..blocks)
        .into_par_iter()
        .flat_map_iter(|b| block(&m, seed, b, rows))
        .collect();
    let text = |f: &dyn Fn(&Person) -> &str| -> Vec<&str> { people.iter().map(f).collect() };
    let columns = vec![
        Column::new(
            "age".into(),
            people.iter().map(|p| p.age).collect::<Vec<u32>>(),
        ),
        Column::new("sex".into(), text(&|p| SEX[p.sex].0)),
        Column::new("race".into(), text(&|p| RACE[p.race].0)),
        Column::new("marital_status".into(), text(&|p| MARITAL[p.marital].0)),
        Column::new("education".into(), text(&|p| EDUCATION[p.education].0)),
        Column::new("workclass".into(), text(&|p| WORKCLASS[p.workclass].0)),
        Column::new("country".into(), text(&|p| COUNTRIES[p.country])),
        Column::new(
            "postcode".into(),
            people
                .iter()
                .map(|p| m.postcodes[p.postcode].as_str())
                .collect::<Vec<&str>>(),
        ),
        Column::new("occupation".into(), text(&|p| OCCUPATION[p.occupation].0)),
        Column::new(
            "income".into(),
            people.iter().map(|p| p.income).collect::<Vec<u64>>(),
        ),
    ];
    DataFrame::new(rows, columns).map_err(|e| Error::usage(e.to_string()))
}

/// Write `rows` synthetic records to `path`: CSV (`,`), Parquet or Arrow IPC
/// by extension. CSV is written block by block without building a frame.
pub fn write(path: &str, rows: usize, seed: u64) -> Result<()> {
    let lower = path.to_ascii_lowercase();
    if [".parquet", ".arrow", ".ipc", ".feather"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return write_frame(path, &mut generate(rows, seed)?);
    }
    let m = Model::new();
    let blocks = rows.div_ceil(BLOCK);
    write_atomic(path, |w| {
        w.write_all(COLUMNS.join(",").as_bytes())
            .and_then(|_| w.write_all(b"\n"))
            .map_err(|e| e.to_string())?;
        // A few blocks at a time in parallel, written in order.
        let step = rayon::current_num_threads() * 2;
        for first in (0..blocks).step_by(step) {
            let texts: Vec<Vec<u8>> = (first..(first + step).min(blocks))
                .into_par_iter()
                .map(|b| csv_block(&m, &block(&m, seed, b, rows)))
                .collect();
            for t in texts {
                w.write_all(&t).map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    })
}

fn csv_block(m: &Model, people: &[Person]) -> Vec<u8> {
    let mut out = Vec::with_capacity(people.len() * 96);
    for p in people {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            p.age,
            SEX[p.sex].0,
            RACE[p.race].0,
            MARITAL[p.marital].0,
            EDUCATION[p.education].0,
            WORKCLASS[p.workclass].0,
            COUNTRIES[p.country],
            m.postcodes[p.postcode],
            OCCUPATION[p.occupation].0,
            p.income
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let a = generate(70_000, 7).unwrap();
        let b = generate(70_000, 7).unwrap();
        assert!(a.equals(&b));
        let c = generate(1000, 8).unwrap();
        assert!(!a.head(Some(1000)).equals(&c));
        assert_eq!(a.height(), 70_000);
        assert_eq!(a.width(), COLUMNS.len());
    }

    #[test]
    fn postcodes_are_skewed_five_digit_codes() {
        let df = generate(200_000, 1).unwrap();
        let pc = df.column("postcode").unwrap().str().unwrap().clone();
        assert!(pc.iter().all(|p| p.is_some_and(|p| p.len() == 5)));
        let distinct = pc.n_unique().unwrap();
        // Zipf(0.9) over 30,000 ranks: most ranks appear in 200k draws, not all.
        assert!((10_000..30_000).contains(&distinct), "{distinct}");
    }
}
