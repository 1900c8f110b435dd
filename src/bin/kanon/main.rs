//! The `kanon` command: parse arguments, call the library, print, exit.
//!
//! Exit codes: 0 every target met, 1 a target missed, 2 usage or input error.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::progress::Spinner;
use cli::{AnalyseArgs, AnonymiseArgs, Cli, Command, ProfileArgs, SuggestArgs, SynthArgs};
use kanon::output::check_outputs;
use kanon::output::records::write_records;
use kanon::progress::Progress;
use kanon::render::text::{render, render_suggest, Style};
use kanon::run::suggest::{suggest, suggest_report};
use kanon::Result;

/// Exit code of an internal fault (a panic): a bug in kanon, not the input.
const EXIT_INTERNAL: u8 = 3;

/// When the command started: `--time-limit` counts from here, reading
/// included.
pub(crate) fn started() -> std::time::Instant {
    static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *STARTED.get_or_init(std::time::Instant::now)
}

fn main() -> ExitCode {
    started();
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let _ = COLOR.set(colour_on(&cli.color, std::io::stdout().is_terminal()));
    match std::panic::catch_unwind(move || run(cli)) {
        Ok(code) => code,
        // The hook has said what happened.
        Err(_) => ExitCode::from(EXIT_INTERNAL),
    }
}

/// clap's own messages, except that a value its parser refused (a share
/// out of range, a word not among the choices) is one line like every
/// other kanon error: it names the flag and the value.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            eprintln!("kanon: {first}");
            ExitCode::from(2)
        }
        _ => {
            let _ = e.print();
            ExitCode::from(if e.use_stderr() { 2 } else { 0 })
        }
    }
}

/// A panic is a bug: say so plainly, once, without a backtrace wall. A
/// panic inside a guarded reader is a damaged input and is reported as
/// such by the reader, so the hook stays quiet then.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if kanon::input::typed::in_guarded_read() {
            return;
        }
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "kanon: internal error: {msg}{at}\nThis is a bug in kanon, not a problem with your input. \
             Please report it with the command you ran (exit code {EXIT_INTERNAL})."
        );
    }));
}

fn run(cli: Cli) -> ExitCode {
    // Lets the tests see what an internal fault looks like to a user.
    if std::env::var_os("KANON_TEST_INTERNAL_FAULT").is_some() {
        panic!("a fault requested by KANON_TEST_INTERNAL_FAULT");
    }
    let show_values = match &cli.command {
        Command::Analyse(a) => a.show_values,
        Command::Suggest(a) => a.show_values,
        Command::Anonymise(a) => a.suggest.show_values,
        _ => false,
    };
    let outcome = match cli.command {
        Command::Analyse(args) => run_analyse(&args),
        Command::Suggest(args) => run_suggest(&args, None),
        Command::Anonymise(args) => run_suggest(&args.suggest, Some(&args)),
        Command::Check(args) => run_check(&args),
        Command::Init(args) => run_init(&args),
        Command::Link(args) => run_link(&args),
        Command::Profile(args) => run_profile(&args),
        Command::Sql(args) => run_sql(&args),
        Command::Synth(args) => run_synth(&args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let value = match e.value() {
                Some(v) if show_values => format!(" (the value: '{v}')"),
                Some(_) => " (the value is not shown; give --show-values to see it)".into(),
                None => String::new(),
            };
            eprintln!("kanon: error: {e}{value}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn progress(quiet: bool) -> Spinner {
    Spinner::new(quiet)
}

fn run_analyse(args: &AnalyseArgs) -> Result<u8> {
    let check = args.to_check()?;
    let mut outputs = check.outputs();
    outputs.extend(args.records.as_deref().map(|r| ("--records", r)));
    check_outputs(&outputs, &check.config.read_paths())?;
    run_check_with(&check, args.json, args.quiet, args.records.as_deref())
}

fn run_check(args: &cli::CheckArgs) -> Result<u8> {
    let check = args.to_check()?;
    let mut inputs = check.config.read_paths();
    inputs.push(args.config.clone());
    check_outputs(&check.outputs(), &inputs)?;
    run_check_with(&check, args.json, args.quiet, None)
}

/// Write to standard output. A closed pipe (`| head`) ends quietly; any
/// other failure (a full disk) is an error, never a silent success.
fn emit(out: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(kanon::Error::output("standard output", e.to_string())),
    }
}

/// Analyse, write what is asked for, print the summary or the JSON.
fn run_check_with(
    check: &kanon::run::policy::Check,
    json: bool,
    quiet: bool,
    records: Option<&str>,
) -> Result<u8> {
    let p = progress(quiet);
    let outcome = kanon::run::policy::execute(check, &command_line(), &p)?;
    let analysis = &outcome.analysis;
    if let Some(path) = records {
        p.stage(&format!("writing {path}"));
        write_records(
            path,
            &analysis.grouping,
            &analysis.per_class,
            analysis.frequencies.as_deref(),
        )?;
    }
    p.finish();
    let report = &analysis.report;
    if let (Some(s), false) = (&report.input.streaming, quiet) {
        eprintln!(
            "kanon: streamed {} rows from {} file{} in {} batches into {} combinations; peak memory {}",
            report.input.rows,
            s.files.len(),
            if s.files.len() == 1 { "" } else { "s" },
            s.batches,
            s.merged_rows,
            kanon::input::stream::peak_rss().map_or("unknown".into(), |b| format!("{} MB", b >> 20))
        );
    }
    let out = if json {
        report.to_json()
    } else {
        render(report, style(check.config.lang))
    };
    emit(&out)?;
    let code = outcome.code;
    outcome.analysis.free();
    Ok(code)
}

fn run_init(args: &cli::InitArgs) -> Result<u8> {
    let (input, policy) = args.resolve()?;
    check_outputs(
        &[("the policy file", &policy)],
        std::slice::from_ref(&input),
    )?;
    if std::path::Path::new(&policy).exists() && !args.force {
        return Err(kanon::Error::output(
            &policy,
            "exists already (give --force to overwrite)",
        ));
    }
    let profile =
        kanon::run::profile::profile(&input, &args.io.read_options()?, &args.io.missing_tokens())?;
    let named = kanon::run::policy::path_for_policy(&policy, &input);
    let text = kanon::run::policy::starting_policy(&named, &profile);
    kanon::output::write_atomic(&policy, |w| {
        w.write_all(text.as_bytes()).map_err(|e| e.to_string())
    })?;
    eprintln!(
        "kanon: wrote {} — review the guessed columns and the example targets, then run kanon check --config {}",
        policy, policy
    );
    Ok(0)
}

fn run_suggest(args: &SuggestArgs, anonymise: Option<&AnonymiseArgs>) -> Result<u8> {
    let plan = args.to_plan()?;
    if let Some(a) = anonymise {
        let mut inputs = vec![plan.analysis.input.clone()];
        inputs.extend(plan.hierarchies.iter().map(|h| h.1.clone()));
        let mut outputs = vec![("--out", a.out.as_str())];
        outputs.extend(a.report.as_deref().map(|p| ("--report", p)));
        outputs.extend(a.mapping.as_deref().map(|p| ("--mapping", p)));
        check_outputs(&outputs, &inputs)?;
        if let Some(path) = &a.report {
            kanon::render::document::DocFormat::from_path(path)?;
        }
    }
    let p = progress(args.quiet);
    let s = suggest(&plan, &p)?;
    let report = suggest_report(&plan, &s)?;
    if let Some(a) = anonymise {
        let mode = a.suppress_mode;
        kanon::run::suggest::write_release(&plan, &s, &a.out, mode, &p)?;
        let docs = kanon::run::suggest::ReleaseDocs {
            out: &a.out,
            removed: mode == kanon::run::suggest::SuppressMode::Remove,
            report: a.report.as_deref(),
            mapping: a.mapping.as_deref(),
            purpose: a.purpose.clone(),
            command: command_line(),
        };
        kanon::run::suggest::write_release_docs(&plan, &s, &report, &docs, &p)?;
    }
    p.finish();
    let out = if args.json {
        report.to_json()
    } else {
        render_suggest(&report, s.result.seconds, style(plan.analysis.lang))
    };
    emit(&out)?;
    // A transformation whose release misses a target (by the analysis of
    // the release itself) is no pass.
    let met = (report.search.result.as_ref()).is_some_and(|r| r.targets_met);
    Ok(if s.result.best.is_some() && met { 0 } else { 1 })
}

fn run_link(args: &cli::LinkArgs) -> Result<u8> {
    let config = args.to_config()?;
    let p = progress(args.quiet);
    let report = kanon::run::link::run_link(&config, &p)?;
    let out = if args.json {
        report.to_json()
    } else {
        kanon::render::text::render_link(&report, style(config.lang))
    };
    emit(&out)?;
    Ok(if report.targets_met { 0 } else { 1 })
}

fn run_profile(args: &ProfileArgs) -> Result<u8> {
    let p = kanon::run::profile::profile(
        &args.input,
        &args.io.read_options()?,
        &args.io.missing_tokens(),
    )?;
    let out = if args.json {
        p.to_json()
    } else {
        let lang = kanon::render::lang::Lang::parse(&args.lang)?;
        kanon::render::text::render_profile(&p, style(lang))
    };
    emit(&out)?;
    Ok(0)
}

fn run_sql(args: &cli::SqlArgs) -> Result<u8> {
    let sql = kanon::run::sql::group_by_sql(&args.to_spec()?)?;
    emit(&sql)?;
    Ok(0)
}

fn run_synth(args: &SynthArgs) -> Result<u8> {
    check_outputs(&[("--out", &args.out)], &[])?;
    let p = Spinner::new(false);
    p.stage(&format!(
        "writing {} synthetic records to {}",
        args.rows, args.out
    ));
    kanon::run::synth::write(&args.out, args.rows, args.seed)?;
    p.finish();
    Ok(0)
}

/// The command line as typed, quoted where a word needs it.
fn command_line() -> String {
    let words: Vec<String> = std::env::args()
        .enumerate()
        .map(|(i, a)| {
            let a = if i == 0 { "kanon".to_string() } else { a };
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=,:%".contains(c))
                && !a.is_empty()
            {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect();
    words.join(" ")
}

/// Whether the terminal summary is coloured, decided once from `--color`.
static COLOR: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// `--color always|never` decides; `auto` follows the conventions of
/// no-color.org (NO_COLOR set and not empty: off) and bixense.com/clicolors
/// (CLICOLOR_FORCE not 0: on even through a pipe; CLICOLOR=0: off), and
/// otherwise colours a terminal only.
fn colour_on(flag: &str, terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match flag {
        "always" => true,
        "never" => false,
        _ if set("NO_COLOR").is_some() => false,
        _ if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
        _ if set("CLICOLOR").is_some_and(|v| v == "0") => false,
        _ => terminal,
    }
}

fn style(lang: kanon::render::lang::Lang) -> Style {
    Style {
        colour: COLOR.get().copied().unwrap_or(false),
        lang,
    }
}
