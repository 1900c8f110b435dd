//! The `kanon` command: parse arguments, call the library, print, exit.
//!
//! Exit codes: 0 every target met, 1 a target missed, 2 usage or input error.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use kanon::anonymise::{suggest, suggest_report, SuppressMode};
use kanon::cli::{AnalyseArgs, AnonymiseArgs, Cli, Command, ProfileArgs, SuggestArgs, SynthArgs};
use kanon::progress::Progress;
use kanon::records::write_records;
use kanon::report::text::{render, render_suggest, Style};
use kanon::Result;

fn main() -> ExitCode {
    let cli = Cli::parse();
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
            eprintln!("kanon: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn progress(quiet: bool) -> Progress {
    if quiet {
        Progress::hidden()
    } else {
        Progress::stderr()
    }
}

fn run_analyse(args: &AnalyseArgs) -> Result<u8> {
    let check = args.to_check()?;
    run_check_with(&check, args.json, args.quiet, args.records.as_deref())
}

fn run_check(args: &kanon::cli::CheckArgs) -> Result<u8> {
    let check = args.to_check()?;
    run_check_with(&check, args.json, args.quiet, None)
}

/// Analyse, write what is asked for, print the summary or the JSON.
fn run_check_with(
    check: &kanon::policy::Check,
    json: bool,
    quiet: bool,
    records: Option<&str>,
) -> Result<u8> {
    let p = progress(quiet);
    let outcome = kanon::policy::execute(check, &command_line(), &p)?;
    let analysis = &outcome.analysis;
    if let Some(path) = records {
        p.stage(&format!("writing {path}"));
        write_records(path, &analysis.grouping, &analysis.per_class)?;
    }
    p.finish();
    let report = &analysis.report;
    if let (Some(s), false) = (&report.input.streaming, quiet) {
        eprintln!(
            "kanon: streamed {} rows from {} files in {} batches into {} combinations; peak memory {}",
            report.input.rows,
            s.files.len(),
            s.batches,
            s.merged_rows,
            kanon::stream::peak_rss().map_or("unknown".into(), |b| format!("{} MB", b >> 20))
        );
    }
    let out = if json {
        report.to_json()
    } else {
        render(report, style())
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth a message.
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(outcome.code)
}

fn run_init(args: &kanon::cli::InitArgs) -> Result<u8> {
    if std::path::Path::new(&args.policy).exists() && !args.force {
        return Err(kanon::Error::output(
            &args.policy,
            "exists already (give --force to overwrite)",
        ));
    }
    let profile = kanon::profile::profile(
        &args.input,
        &args.io.read_options()?,
        &args.io.missing_tokens(),
    )?;
    let named = kanon::policy::path_for_policy(&args.policy, &args.input);
    let text = kanon::policy::starting_policy(&named, &profile);
    kanon::output::write_atomic(&args.policy, |w| {
        w.write_all(text.as_bytes()).map_err(|e| e.to_string())
    })?;
    eprintln!(
        "kanon: wrote {} — review the guessed columns and the example targets, then run kanon check --config {}",
        args.policy, args.policy
    );
    Ok(0)
}

fn run_suggest(args: &SuggestArgs, anonymise: Option<&AnonymiseArgs>) -> Result<u8> {
    let plan = args.to_plan()?;
    let p = progress(args.quiet);
    let s = suggest(&plan, &p)?;
    let report = suggest_report(&plan, &s)?;
    if let (Some(a), Some(best)) = (anonymise, &s.result.best) {
        p.stage(&format!("writing {}", a.out));
        let all =
            kanon::input::read_table(&plan.analysis.input, s.all_columns(), &plan.analysis.read)?;
        let mode = if a.suppress_mode == "cell" {
            SuppressMode::Cell
        } else {
            SuppressMode::Remove
        };
        let mut df = s.apply(best, plan.goal.k, mode, &all)?;
        kanon::output::write_frame(&a.out, &mut df)?;
    }
    p.finish();
    let out = if args.json {
        report.to_json()
    } else {
        render_suggest(&report, s.result.seconds, style())
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(if s.result.best.is_some() { 0 } else { 1 })
}

fn run_link(args: &kanon::cli::LinkArgs) -> Result<u8> {
    let config = args.to_config()?;
    let p = progress(args.quiet);
    let report = kanon::linkage::files::run_link(&config, &p)?;
    let out = if args.json {
        report.to_json()
    } else {
        kanon::report::text::render_link(&report, style())
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(if report.targets_met { 0 } else { 1 })
}

fn run_profile(args: &ProfileArgs) -> Result<u8> {
    let p = kanon::profile::profile(
        &args.input,
        &args.io.read_options()?,
        &args.io.missing_tokens(),
    )?;
    let out = if args.json { p.to_json() } else { p.render() };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(0)
}

fn run_sql(args: &kanon::cli::SqlArgs) -> Result<u8> {
    let sql = kanon::sql::group_by_sql(&args.to_spec()?)?;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(sql.as_bytes());
    let _ = stdout.flush();
    Ok(0)
}

fn run_synth(args: &SynthArgs) -> Result<u8> {
    let p = Progress::stderr();
    p.stage(&format!(
        "writing {} synthetic records to {}",
        args.rows, args.out
    ));
    kanon::synth::write(&args.out, args.rows, args.seed)?;
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

/// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
fn style() -> Style {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if !no_color && std::io::stdout().is_terminal() {
        Style::Ansi
    } else {
        Style::Plain
    }
}
