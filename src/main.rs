//! The `tend` command line: parses arguments, calls the library, prints diagnostics.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// A build is millions of small allocations (template values, strings); mimalloc halves
// their cost compared with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use tend::diagnostic::{Severity, eprint_message};
use tend::{BuildOptions, Diagnostic, Error, Overrides};

/// A fast static site generator for evidence-based guides.
#[derive(Parser)]
#[command(version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build {
        /// Site root (default: the nearest folder upwards holding site.yaml).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Output folder, relative to the site root unless absolute.
        #[arg(long, short, default_value = "public")]
        output: PathBuf,
        /// Publish under this URL instead of site.yaml's base_url.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Print errors only.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Preview the site: build it in memory, serve it, rebuild and reload on every save.
    Serve {
        /// Site root (default: the nearest folder upwards holding site.yaml).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Address to listen on. Anything but loopback exposes drafts to your network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to try first; the next free one is used if it is taken.
        #[arg(long, short, default_value_t = tend::serve::DEFAULT_PORT)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Build links for this URL instead of the server's own address.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Check the site without writing it: everything build checks, plus links, images,
    /// headings, descriptions, references, review dates, readability and words to avoid.
    Check {
        /// Site root (default: the nearest folder upwards holding site.yaml).
        #[arg(long)]
        root: Option<PathBuf>,
        /// How to print problems: rustc-style text, GitHub workflow annotations, or one JSON report.
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
        /// Apply the per-file content checks only to files changed since this git ref (e.g. origin/main).
        #[arg(long, value_name = "REF")]
        changed_since: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Report broken internal links and anchors as errors (the default, whatever
        /// site.yaml's `links.internal` says) or as warnings.
        #[arg(long, value_enum, value_name = "LEVEL")]
        links: Option<LinkLevelArg>,
    },
    /// Create a new site: site.yaml (every key explained), a home page, one topic with one
    /// article, and a .gitignore. Refuses a folder that is not empty.
    Init {
        /// The folder to create the site in (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also copy the built-in default theme into themes/default/, to change it.
        #[arg(long)]
        eject_theme: bool,
    },
    /// Create a new article from the template: tend new <topic>/<slug>; or, with --lang,
    /// start a translation of an existing article, topic or home page (/).
    New {
        /// Where the article goes, e.g. feelings/feeling-low.
        path: String,
        /// The article's title (default: from the slug).
        #[arg(long, conflicts_with = "lang")]
        title: Option<String>,
        /// Start the translation of PATH into this language (one of site.yaml's languages):
        /// writes <name>.<lang>.md beside it, as a draft.
        #[arg(long)]
        lang: Option<String>,
        /// Site root (default: the nearest folder upwards holding site.yaml).
        #[arg(long)]
        root: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build { root, output, base_url, drafts, quiet } => find_root(root).and_then(|root| {
            let options = BuildOptions {
                root,
                output,
                overrides: Overrides { base_url, drafts, links: None, plain_assets: false },
            };
            build(&options, quiet)
        }),
        Command::Serve { root, bind, port, open, drafts, base_url } => find_root(root).and_then(|root| {
            let timeouts = tend::serve::Timeouts::default();
            serve(&tend::serve::ServeOptions { root, bind, port, drafts, base_url, timeouts }, open)
        }),
        Command::Check { root, format, changed_since, drafts, links } => {
            let options = find_root(root).map(|root| tend::check::CheckOptions {
                root,
                overrides: Overrides {
                    base_url: None,
                    drafts,
                    links: links.map(LinkLevelArg::level),
                    plain_assets: false,
                },
                today: chrono::Local::now().date_naive(),
                changed_since,
            });
            return options.and_then(|options| check(&options, format)).unwrap_or_else(|error| report(&error));
        }
        Command::Init { dir, eject_theme } => {
            let today = chrono::Local::now().date_naive();
            tend::init::create(&tend::init::NewSite { dir: dir.clone(), eject_theme, today }).map(|written| {
                for file in written {
                    eprintln!("created {}", dir.join(file).display());
                }
                eprintln!("next: cd {} && tend serve (preview), tend check, tend build", dir.display());
            })
        }
        Command::New { path, lang: Some(language), root, .. } => find_root(root).and_then(|root| {
            let today = chrono::Local::now().date_naive();
            let request = tend::new::NewTranslation { root: root.clone(), path, language: language.clone(), today };
            let started = tend::new::create_translation(&request)?;
            let shown = started.file.strip_prefix(&root).unwrap_or(&started.file);
            let then = if started.draft { ", then remove `draft: true`" } else { "" };
            eprintln!("created {}: translate it{then}", shown.display());
            for topic in &started.untranslated_topics {
                eprintln!(
                    "note: the topic `{topic}` has no `{language}` version yet: tend new --lang {language} {topic}"
                );
            }
            Ok(())
        }),
        Command::New { path, title, root, .. } => find_root(root).and_then(|root| {
            let today = chrono::Local::now().date_naive();
            let file = tend::new::create(&tend::new::NewArticle { root: root.clone(), path, title, today })?;
            let shown = file.strip_prefix(&root).unwrap_or(&file);
            eprintln!("created {}: fill in the front matter, then set `draft: false`", shown.display());
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

fn build(options: &BuildOptions, quiet: bool) -> Result<(), Error> {
    let spinner = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner().with_message("building");
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let result = tend::build(options);
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let report = result?;
    print_diagnostics(&report.warnings);
    if !quiet {
        let search = if report.search_index_reused {
            "search index unchanged, reused".to_owned()
        } else {
            format!("search index +{} ms", report.stages.search.as_millis())
        };
        eprintln!(
            "built {}, {} files, {} unchanged) in {} ms (render {} ms, {search}, write {} ms)",
            tend::counted(report.pages, report.topics, report.languages, report.tags),
            report.files,
            report.unchanged,
            report.elapsed.as_millis(),
            report.stages.render.as_millis(),
            report.stages.publish.as_millis(),
        );
    }
    Ok(())
}

fn serve(options: &tend::serve::ServeOptions, open: bool) -> Result<(), Error> {
    if !options.bind.is_loopback() {
        let message =
            format!("listening on {}: anyone on your network can read this site, drafts included", options.bind);
        eprint_message(Severity::Warning, &message);
    }
    let server = tend::serve::Server::start(options)?;
    eprintln!("serving {} (watching for changes; Ctrl-C to stop)", server.url);
    if open && let Err(error) = open::that(&server.url) {
        eprint_message(Severity::Warning, &format!("could not open a browser: {error}"));
    }
    server.wait();
    eprintln!("stopped");
    Ok(())
}

/// `tend check --format`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Human,
    Github,
    Json,
}

/// `tend check --links`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum LinkLevelArg {
    Error,
    Warn,
}

impl LinkLevelArg {
    fn level(self) -> tend::config::LinkLevel {
        match self {
            Self::Error => tend::config::LinkLevel::Error,
            Self::Warn => tend::config::LinkLevel::Warn,
        }
    }
}

/// Runs `tend check`: the report on stderr (human) or stdout (github, json), then a
/// summary line on stderr. Exit 1 when there are errors; warnings never fail.
fn check(options: &tend::check::CheckOptions, format: CheckFormat) -> Result<ExitCode, Error> {
    let report = tend::check(options)?;
    match format {
        CheckFormat::Human => tend::diagnostic::eprint(&report.diagnostics),
        CheckFormat::Github => {
            print!("{}", report.render(tend::check::Format::Github, &repository_prefix(&options.root)))
        }
        CheckFormat::Json => print!("{}", report.render(tend::check::Format::Json, "")),
    }
    if report.errors() > 0 {
        eprint_message(Severity::Error, &report.summary());
        return Ok(ExitCode::from(1));
    }
    eprintln!("{}", report.summary());
    Ok(ExitCode::SUCCESS)
}

/// The site root's path from the current folder (`site/`, or empty), since GitHub names
/// files from the repository root, where workflows run.
fn repository_prefix(root: &std::path::Path) -> String {
    let here = std::env::current_dir().and_then(std::fs::canonicalize).unwrap_or_default();
    let Ok(inside) = here.join(root).strip_prefix(&here).map(std::path::Path::to_path_buf) else {
        return String::new();
    };
    let mut prefix = String::new();
    for component in inside.components() {
        match component {
            std::path::Component::Normal(part) => prefix.push_str(&format!("{}/", part.to_string_lossy())),
            std::path::Component::CurDir => {}
            _ => return String::new(),
        }
    }
    prefix
}

/// The site root, absolute and canonical: every command compares paths with it (the
/// watcher's events, the output folder's safety checks), so it is normalised once, here.
fn find_root(root: Option<PathBuf>) -> Result<PathBuf, Error> {
    if let Some(root) = root {
        if !root.join(tend::config::FILE_NAME).is_file() {
            return Err(Error::Usage(format!("`{}` has no site.yaml", root.display())));
        }
        return root.canonicalize().map_err(|source| Error::Io { action: "could not resolve", path: root, source });
    }
    let here = std::env::current_dir().and_then(std::fs::canonicalize).map_err(|source| Error::Io {
        action: "could not read",
        path: ".".into(),
        source,
    })?;
    tend::config::find_root(&here).ok_or_else(|| {
        Error::Usage("no site.yaml here or in any folder above; run tend inside a site or pass --root DIR".into())
    })
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let mut sorted = diagnostics.to_vec();
    tend::diagnostic::sort(&mut sorted);
    tend::diagnostic::eprint(&sorted);
}

fn report(error: &Error) -> ExitCode {
    match error {
        Error::Site(diagnostics) => {
            print_diagnostics(diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprint_message(Severity::Error, &format!("build failed with {errors} error(s); nothing was published"));
            ExitCode::from(1)
        }
        Error::Usage(message) => {
            eprint_message(Severity::Error, message);
            ExitCode::from(2)
        }
        Error::Io { .. } => {
            eprint_message(Severity::Error, &error.to_string());
            ExitCode::from(1)
        }
    }
}
