//! kanon for Python: the native module `kanon._kanon`.
//!
//! A client of the kanon library, as the command line is: it turns the
//! keyword arguments of `kanon.analyse`, `kanon.suggest` and
//! `kanon.anonymise` (passed here as JSON by `kanon/__init__.py`) into the
//! library's configuration, with the command line's defaults, and returns
//! the same JSON document the command line prints with `--json`.
//! DataFrames arrive and leave through the Arrow C stream interface
//! (`__arrow_c_stream__`), so no temporary file is written.

use std::collections::BTreeMap;
use std::ffi::CStr;
use std::time::Instant;

use kanon::anonymise::local::Recoding;
use kanon::anonymise::search::Metric;
use kanon::anonymise::strategy::{Strategy, TimeLimit};
use kanon::choice::Choice;
use kanon::gate::targets::SIGNIFICANCE;
use kanon::gate::targets::{BetaKind, DeltaVariant, LKind, Targets};
use kanon::input::{Format, ReadOptions, Table};
use kanon::measure::closeness::Distance;
use kanon::measure::kmap::Estimator as KMapEstimator;
use kanon::progress::Silent;
use kanon::run::analyse::{Config, InferenceConfig, MissingAs, SudaConfig};
use kanon::run::suggest::{Plan, SearchSettings, SuppressMode};
use polars::prelude::{CompatLevel, DataFrame};
use polars_arrow::array::StructArray;
use polars_arrow::datatypes::{ArrowDataType, Field};
use polars_arrow::ffi::{self, ArrowArrayStream, ArrowArrayStreamReader};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use serde::Deserialize;

create_exception!(
    _kanon,
    KanonError,
    PyException,
    "A usage or input error: what kanon exits with 2 for on the command line."
);

const STREAM: &CStr = c"arrow_array_stream";

/// An input: a path, or Arrow data (a DataFrame's C stream) with a label.
enum Source<'py> {
    Path(String),
    Arrow(Bound<'py, PyAny>, String),
}

fn source<'py>(data: &Bound<'py, PyAny>, label: Option<String>) -> PyResult<Source<'py>> {
    match label {
        None => Ok(Source::Path(data.extract()?)),
        Some(label) => Ok(Source::Arrow(data.clone(), label)),
    }
}

fn error(e: kanon::Error) -> PyErr {
    KanonError::new_err(e.to_string())
}

fn usage(message: String) -> PyErr {
    KanonError::new_err(message)
}

/// Read Arrow data from an object with `__arrow_c_stream__` into a table
/// of every column (the library's [`kanon::input::typed::from_arrow`]).
fn import(data: &Bound<'_, PyAny>, label: &str) -> PyResult<Table> {
    let capsule = data.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let pointer = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: a capsule named "arrow_array_stream" holds an
    // ArrowArrayStream (the Arrow PyCapsule interface). The stream is moved
    // out and an empty one (release null) left behind, as the interface
    // asks of a consumer; the capsule's destructor then releases nothing.
    let stream = unsafe {
        std::ptr::replace(
            pointer.cast::<ArrowArrayStream>().as_ptr(),
            ArrowArrayStream::empty(),
        )
    };
    let mut reader = unsafe { ArrowArrayStreamReader::try_new(Box::new(stream)) }
        .map_err(|e| usage(format!("{label}: not an Arrow stream: {e}")))?;
    let fields = match reader.field().dtype() {
        ArrowDataType::Struct(fields) => fields.clone(),
        other => {
            return Err(usage(format!(
                "{label}: the Arrow stream holds {other:?}, not a table"
            )))
        }
    };
    let mut batches = Vec::new();
    // SAFETY: the stream came from the producer's own export.
    while let Some(batch) = unsafe { reader.next() } {
        let batch = batch.map_err(|e| usage(format!("{label}: reading Arrow data: {e}")))?;
        let Some(rows) = batch.as_any().downcast_ref::<StructArray>() else {
            return Err(usage(format!("{label}: an Arrow batch is not a table")));
        };
        batches.push(rows.values().to_vec());
    }
    kanon::input::typed::from_arrow(label, &fields, batches).map_err(error)
}

/// A DataFrame as an object with `__arrow_c_stream__`, which polars,
/// pyarrow and pandas (through pyarrow) take.
#[pyclass(module = "kanon._kanon", frozen)]
struct ArrowTable {
    frame: DataFrame,
}

#[pymethods]
impl ArrowTable {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // A requested schema is a hint the producer may ignore.
        let _ = requested_schema;
        let mut frame = self.frame.clone();
        frame.rechunk_mut();
        let level = CompatLevel::oldest();
        let fields: Vec<Field> = frame
            .columns()
            .iter()
            .map(|c| c.field().to_arrow(level))
            .collect();
        let dtype = ArrowDataType::Struct(fields.clone());
        let batches: Vec<_> = frame
            .iter_chunks(level, false)
            .map(|batch| {
                let (height, arrays) = (batch.height(), batch.into_arrays());
                Ok(StructArray::new(dtype.clone(), height, arrays, None).boxed())
            })
            .collect();
        let stream = ffi::export_iterator(
            Box::new(batches.into_iter()),
            Field::new("".into(), dtype, false),
        );
        PyCapsule::new_with_value(py, stream, STREAM)
    }

    fn __len__(&self) -> usize {
        self.frame.height()
    }
}

fn choice<T: Choice>(name: &Option<String>, default: T) -> PyResult<T> {
    match name {
        Some(n) => T::parse(n).map_err(error),
        None => Ok(default),
    }
}

fn read_options(format: &Option<String>, delimiter: &Option<String>) -> PyResult<ReadOptions> {
    Ok(ReadOptions {
        format: format
            .as_deref()
            .map(Format::parse)
            .transpose()
            .map_err(error)?,
        delimiter: delimiter
            .as_deref()
            .map(kanon::input::parse_delimiter)
            .transpose()
            .map_err(error)?,
    })
}

fn options<'a, T: Deserialize<'a>>(json: &'a str) -> PyResult<T> {
    serde_json::from_str(json).map_err(|e| usage(e.to_string()))
}

/// The keyword arguments of `kanon.analyse`; absent means the command
/// line's default.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnalyseOptions {
    qi: Vec<String>,
    #[serde(default)]
    sensitive: Vec<String>,
    k: Option<u64>,
    max_risk: Option<f64>,
    max_average_risk: Option<f64>,
    max_records_at_risk: Option<f64>,
    max_uniques: Option<f64>,
    risk_threshold: Option<f64>,
    l: Option<f64>,
    l_kind: Option<String>,
    c: Option<f64>,
    t: Option<f64>,
    t_distance: Option<String>,
    #[serde(default)]
    hierarchy: BTreeMap<String, String>,
    #[serde(default)]
    order: BTreeMap<String, Vec<String>>,
    delta: Option<f64>,
    delta_variant: Option<String>,
    beta: Option<f64>,
    beta_kind: Option<String>,
    alpha: Option<f64>,
    homogeneity_threshold: Option<f64>,
    population_size: Option<f64>,
    sampling_fraction: Option<f64>,
    max_population_uniqueness: Option<f64>,
    max_global_risk: Option<f64>,
    max_suda_score: Option<f64>,
    k_map: Option<u64>,
    k_map_estimator: Option<String>,
    significance: Option<f64>,
    presence_min: Option<f64>,
    presence_max: Option<f64>,
    #[serde(default)]
    suda: bool,
    suda_max: Option<usize>,
    dis_fraction: Option<f64>,
    subsets: Option<usize>,
    person_id: Option<String>,
    weight: Option<String>,
    count: Option<String>,
    population: Option<String>,
    #[serde(default)]
    missing: Vec<String>,
    missing_as: Option<String>,
    format: Option<String>,
    delimiter: Option<String>,
    #[serde(default = "yes")]
    profile: bool,
    #[serde(default = "yes")]
    contribution: bool,
    #[serde(default)]
    show_values: bool,
    lang: Option<String>,
}

fn yes() -> bool {
    true
}

impl AnalyseOptions {
    fn config(&self, input: String) -> PyResult<Config> {
        let d = Config::default();
        let inference = InferenceConfig {
            c: self.c.unwrap_or(d.inference.c),
            homogeneity_threshold: (self.homogeneity_threshold)
                .unwrap_or(d.inference.homogeneity_threshold),
            distance: match &self.t_distance {
                Some(t) => Some(Distance::parse(t).map_err(error)?),
                None => None,
            },
            hierarchies: self.hierarchy.clone().into_iter().collect(),
            orders: self.order.clone().into_iter().collect(),
            ..InferenceConfig::default()
        };
        Ok(Config {
            input,
            read: read_options(&self.format, &self.delimiter)?,
            qis: self.qi.clone(),
            sensitive: self.sensitive.clone(),
            missing_tokens: self.missing.clone(),
            weight: self.weight.clone(),
            count: self.count.clone(),
            population: self.population.clone(),
            risk_threshold: self.risk_threshold.unwrap_or(d.risk_threshold),
            targets: Targets {
                k: self.k,
                max_risk: self.max_risk,
                max_average_risk: self.max_average_risk,
                max_records_at_risk: self.max_records_at_risk,
                max_uniques: self.max_uniques,
                l: self.l,
                l_kind: choice(&self.l_kind, LKind::default())?,
                t: self.t,
                delta: self.delta,
                delta_variant: choice(&self.delta_variant, DeltaVariant::default())?,
                beta: self.beta,
                beta_kind: choice(&self.beta_kind, BetaKind::default())?,
                alpha: self.alpha,
                max_population_uniqueness: self.max_population_uniqueness,
                max_global_risk: self.max_global_risk,
                max_suda_score: self.max_suda_score,
                k_map: self.k_map,
                k_map_estimator: choice(&self.k_map_estimator, KMapEstimator::default())?,
                significance: self.significance.unwrap_or(SIGNIFICANCE),
                presence_min: self.presence_min,
                presence_max: self.presence_max,
            },
            show_values: self.show_values,
            inference,
            population_size: self.population_size,
            sampling_fraction: self.sampling_fraction,
            suda: (self.suda || self.suda_max.is_some()).then(|| SudaConfig {
                max_size: self.suda_max,
                dis_fraction: self
                    .dis_fraction
                    .unwrap_or(SudaConfig::default().dis_fraction),
            }),
            subsets: self.subsets,
            person_id: self.person_id.clone(),
            missing_as: choice(&self.missing_as, MissingAs::default())?,
            profile_undeclared: self.profile,
            no_contribution: !self.contribution,
            lang: lang(&self.lang)?,
            ..d
        })
    }
}

fn lang(name: &Option<String>) -> PyResult<kanon::render::lang::Lang> {
    kanon::render::lang::Lang::parse(name.as_deref().unwrap_or("en")).map_err(error)
}

/// `kanon analyse … --json`, as a JSON string.
#[pyfunction]
#[pyo3(signature = (data, label, options))]
fn analyse(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    label: Option<String>,
    options: &str,
) -> PyResult<String> {
    let o: AnalyseOptions = self::options(options)?;
    let analysis = match source(data, label)? {
        Source::Path(path) => {
            let cfg = o.config(path)?;
            py.detach(|| kanon::run::analyse::analyse(&cfg, &Silent))
        }
        Source::Arrow(data, label) => {
            let cfg = o.config(label.clone())?;
            let table = import(&data, &label)?;
            py.detach(|| kanon::run::analyse::analyse_whole(&cfg, table, &Silent))
        }
    }
    .map_err(error)?;
    Ok(analysis.report.to_json())
}

/// The keyword arguments of `kanon.suggest` and `kanon.anonymise`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuggestOptions {
    qi: Vec<String>,
    k: u64,
    suppression: Option<f64>,
    #[serde(default)]
    hierarchy: BTreeMap<String, String>,
    #[serde(default)]
    sensitive: Vec<String>,
    l: Option<f64>,
    l_kind: Option<String>,
    c: Option<f64>,
    t: Option<f64>,
    t_distance: Option<String>,
    #[serde(default)]
    order: BTreeMap<String, Vec<String>>,
    delta: Option<f64>,
    delta_variant: Option<String>,
    beta: Option<f64>,
    beta_kind: Option<String>,
    max_risk: Option<f64>,
    max_average_risk: Option<f64>,
    max_uniques: Option<f64>,
    max_population_uniqueness: Option<f64>,
    population_size: Option<f64>,
    sampling_fraction: Option<f64>,
    k_map: Option<u64>,
    k_map_estimator: Option<String>,
    significance: Option<f64>,
    population: Option<String>,
    presence_min: Option<f64>,
    presence_max: Option<f64>,
    metric: Option<String>,
    strategy: Option<String>,
    recoding: Option<String>,
    time_limit: Option<f64>,
    count: Option<String>,
    weight: Option<String>,
    #[serde(default)]
    missing: Vec<String>,
    missing_as: Option<String>,
    format: Option<String>,
    delimiter: Option<String>,
    #[serde(default)]
    show_values: bool,
    lang: Option<String>,
    suppress_mode: Option<String>,
}

impl SuggestOptions {
    fn plan(&self, input: String, started: Instant) -> PyResult<Plan> {
        let analysis = Config {
            input,
            read: read_options(&self.format, &self.delimiter)?,
            qis: self.qi.clone(),
            missing_tokens: self.missing.clone(),
            sensitive: self.sensitive.clone(),
            targets: Targets {
                k: Some(self.k),
                max_average_risk: self.max_average_risk,
                max_uniques: self.max_uniques,
                max_population_uniqueness: self.max_population_uniqueness,
                l: self.l,
                l_kind: choice(&self.l_kind, LKind::default())?,
                t: self.t,
                delta: self.delta,
                delta_variant: choice(&self.delta_variant, DeltaVariant::default())?,
                beta: self.beta,
                beta_kind: choice(&self.beta_kind, BetaKind::default())?,
                k_map: self.k_map,
                k_map_estimator: choice(&self.k_map_estimator, KMapEstimator::default())?,
                significance: self.significance.unwrap_or(SIGNIFICANCE),
                presence_min: self.presence_min,
                presence_max: self.presence_max,
                ..Targets::default()
            },
            population: self.population.clone(),
            inference: InferenceConfig {
                c: self.c.unwrap_or(InferenceConfig::default().c),
                distance: match &self.t_distance {
                    Some(t) => Some(Distance::parse(t).map_err(error)?),
                    None => None,
                },
                orders: self.order.clone().into_iter().collect(),
                ..InferenceConfig::default()
            },
            show_values: self.show_values,
            missing_as: choice(&self.missing_as, MissingAs::default())?,
            count: self.count.clone(),
            weight: self.weight.clone(),
            population_size: self.population_size,
            sampling_fraction: self.sampling_fraction,
            lang: lang(&self.lang)?,
            ..Config::default()
        };
        let settings = SearchSettings {
            hierarchies: self.hierarchy.clone().into_iter().collect(),
            suppression: self.suppression.unwrap_or(0.0),
            metric: choice(&self.metric, Metric::default())?,
            strategy: choice(&self.strategy, Strategy::default())?,
            time_limit: (self.time_limit)
                .map(|t| TimeLimit::seconds(started, t))
                .transpose()
                .map_err(error)?,
            max_risk: self.max_risk,
            recoding: choice(&self.recoding, Recoding::default())?,
        };
        Plan::new(analysis, settings).map_err(error)
    }
}

/// Run the search on a path or on Arrow data; the plan, the suggestion
/// and, for Arrow data with `whole`, every column (what anonymise
/// releases; a column of a type kanon cannot read is refused then, as the
/// command line refuses it in a file).
fn search(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    label: Option<String>,
    o: &SuggestOptions,
    whole: bool,
) -> PyResult<(Plan, kanon::run::suggest::Suggestion, Option<Table>)> {
    let started = Instant::now();
    match source(data, label)? {
        Source::Path(path) => {
            let plan = o.plan(path, started)?;
            let s = py
                .detach(|| kanon::run::suggest::suggest(&plan, &Silent))
                .map_err(error)?;
            Ok((plan, s, None))
        }
        Source::Arrow(data, label) => {
            let plan = o.plan(label.clone(), started)?;
            let table = import(&data, &label)?;
            let whole = match whole {
                true => Some(table.select(&table.all_columns).map_err(error)?),
                false => None,
            };
            let s = py
                .detach(|| kanon::run::suggest::suggest_table(&plan, table, &Silent))
                .map_err(error)?;
            Ok((plan, s, whole))
        }
    }
}

/// `kanon suggest … --json`, as a JSON string.
#[pyfunction]
#[pyo3(signature = (data, label, options))]
fn suggest(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    label: Option<String>,
    options: &str,
) -> PyResult<String> {
    let o: SuggestOptions = self::options(options)?;
    let (plan, s, _) = search(py, data, label, &o, false)?;
    let report = py
        .detach(|| kanon::run::suggest::suggest_report(&plan, &s))
        .map_err(error)?;
    Ok(report.to_json())
}

/// `kanon anonymise`: the released table (every column, the QIs
/// generalised, suppressed records left out or set to `*`) and the search
/// report as JSON; no table when nothing meets the targets.
#[pyfunction]
#[pyo3(signature = (data, label, options))]
fn anonymise(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    label: Option<String>,
    options: &str,
) -> PyResult<(Option<ArrowTable>, String)> {
    let o: SuggestOptions = self::options(options)?;
    let mode = choice(&o.suppress_mode, SuppressMode::default())?;
    let (plan, s, whole) = search(py, data, label, &o, true)?;
    let report = py
        .detach(|| kanon::run::suggest::suggest_report(&plan, &s))
        .map_err(error)?;
    let Some(best) = &s.result.best else {
        return Ok((None, report.to_json()));
    };
    let frame = py
        .detach(|| -> kanon::Result<DataFrame> {
            let all = match whole {
                Some(t) => t,
                None => kanon::input::read_table_with(
                    &plan.analysis.input,
                    s.all_columns(),
                    &plan.analysis.read,
                    &Silent,
                )?,
            };
            s.apply(best, mode, &all)
        })
        .map_err(error)?;
    Ok((Some(ArrowTable { frame }), report.to_json()))
}

#[pymodule]
fn _kanon(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("KanonError", m.py().get_type::<KanonError>())?;
    m.add_class::<ArrowTable>()?;
    m.add_function(wrap_pyfunction!(analyse, m)?)?;
    m.add_function(wrap_pyfunction!(suggest, m)?)?;
    m.add_function(wrap_pyfunction!(anonymise, m)?)?;
    Ok(())
}
