//! The `tend` command line: parses arguments, calls the library, prints diagnostics.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
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
    /// Create a new article from the template: tend new <topic>/<slug>.
    New {
        /// Where the article goes, e.g. feelings/feeling-low.
        path: String,
        /// The article's title (default: from the slug).
        #[arg(long)]
        title: Option<String>,
        /// Site root (default: the nearest folder upwards holding site.yaml).
        #[arg(long)]
        root: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build { root, output, base_url, drafts, quiet } => find_root(root).and_then(|root| {
            let options = BuildOptions { root, output, overrides: Overrides { base_url, drafts } };
            build(&options, quiet)
        }),
        Command::New { path, title, root } => find_root(root).and_then(|root| {
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
        eprintln!(
            "built {} pages in {} topics ({} tags, {} files, {} unchanged) in {} ms",
            report.pages,
            report.topics,
            report.tags,
            report.files,
            report.unchanged,
            report.elapsed.as_millis()
        );
    }
    Ok(())
}

fn find_root(root: Option<PathBuf>) -> Result<PathBuf, Error> {
    if let Some(root) = root {
        if root.join(tend::config::FILE_NAME).is_file() {
            return Ok(root);
        }
        return Err(Error::Usage(format!("`{}` has no site.yaml", root.display())));
    }
    let here =
        std::env::current_dir().map_err(|source| Error::Io { action: "could not read", path: ".".into(), source })?;
    tend::config::find_root(&here).ok_or_else(|| {
        Error::Usage("no site.yaml here or in any folder above; run tend inside a site or pass --root DIR".into())
    })
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let mut sorted = diagnostics.to_vec();
    tend::diagnostic::sort(&mut sorted);
    for diagnostic in &sorted {
        eprintln!("{diagnostic}");
    }
}

fn report(error: &Error) -> ExitCode {
    match error {
        Error::Site(diagnostics) => {
            print_diagnostics(diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("error: build failed with {errors} error(s); nothing was published");
            ExitCode::from(1)
        }
        Error::Usage(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Error::Io { .. } => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
