//! What `tend` prints to a person: colour only where it is wanted (a terminal, no
//! `NO_COLOR`, not `TERM=dumb`, or `CLICOLOR_FORCE`), never in a pipe, and a huge line
//! cut around the caret with its true line and column.

use std::process::Command;

use crate::support::SiteTest;

const ESCAPE: char = '\u{1b}';

/// The basic fixture with one error that has a place, a source line and a hint.
fn broken_site() -> SiteTest {
    SiteTest::fixture("basic").write("content/care/x.md", "---\ntitel: T\ndescription: D\n---\nBody.\n")
}

/// `tend` in `site` with the colour variables of the test's own environment removed,
/// then `env` set.
fn command(site: &SiteTest, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tend"));
    command.args(args).current_dir(&site.root);
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "TERM", "CI"] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command
}

/// Runs tend with stderr piped: (stdout, stderr).
fn piped(site: &SiteTest, args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let output = command(site, args, env).output().expect("run tend");
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn piped_output_has_no_escape_codes() {
    let site = broken_site();
    for args in [&["build", "--quiet"][..], &["check"]] {
        let (_, stderr) = piped(&site, args, &[("TERM", "xterm-256color")]);
        assert!(stderr.contains("error: unknown front matter key `titel`"), "{stderr}");
        assert!(!stderr.contains(ESCAPE), "{args:?}: {stderr:?}");
    }
}

#[test]
fn clicolor_force_colours_the_same_text() {
    let site = broken_site();
    for args in [&["build", "--quiet"][..], &["check"]] {
        let (_, plain) = piped(&site, args, &[]);
        let (_, coloured) = piped(&site, args, &[("CLICOLOR_FORCE", "1")]);
        assert!(coloured.contains("\u{1b}["), "{args:?}: {coloured:?}");
        assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), plain, "{args:?}");
    }
    // An empty NO_COLOR is no NO_COLOR (https://no-color.org).
    let (_, coloured) = piped(&site, &["check"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]);
    assert!(coloured.contains(ESCAPE), "{coloured:?}");
}

/// NO_COLOR "prevents the addition of ANSI color"; only a program's own option or
/// configuration may override it, and CLICOLOR_FORCE is neither.
#[test]
fn no_color_wins_over_clicolor_force() {
    let site = broken_site();
    let (_, stderr) = piped(&site, &["check"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(stderr.contains("error: unknown front matter key"), "{stderr}");
    assert!(!stderr.contains(ESCAPE), "{stderr:?}");
}

#[test]
fn forcing_colour_leaves_json_and_github_annotations_alone() {
    let site = broken_site();
    for format in ["json", "github"] {
        let (plain, _) = piped(&site, &["check", "--format", format], &[]);
        let (forced, _) = piped(&site, &["check", "--format", format], &[("CLICOLOR_FORCE", "1")]);
        assert!(plain.contains("titel"), "{plain}");
        assert_eq!(forced, plain, "--format {format}");
    }
}

/// Runs tend with stderr on a new pseudo-terminal `columns` wide: what the terminal
/// received.
#[cfg(target_os = "linux")]
fn on_a_terminal(site: &SiteTest, args: &[&str], env: &[(&str, &str)], columns: u16) -> String {
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    use std::io::Read as _;
    let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
    grantpt(&controller).expect("grantpt");
    unlockpt(&controller).expect("unlockpt");
    let size = rustix::termios::Winsize { ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0 };
    rustix::termios::tcsetwinsize(&controller, size).expect("set the terminal's size");
    let name = ptsname(&controller, Vec::new()).expect("ptsname");
    let terminal = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(name.to_str().expect("a UTF-8 name"))
        .expect("open the terminal");
    let mut command = command(site, args, env);
    command.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).stderr(terminal);
    let mut child = command.spawn().expect("run tend");
    // The terminal's last handle is the child's: reading ends (EIO) when it exits.
    drop(command);
    let mut received = Vec::new();
    let mut reader = std::fs::File::from(controller);
    let mut chunk = [0; 4096];
    while let Ok(read @ 1..) = reader.read(&mut chunk) {
        received.extend_from_slice(&chunk[..read]);
    }
    child.wait().expect("tend exits");
    String::from_utf8_lossy(&received).into_owned()
}

#[cfg(target_os = "linux")]
#[test]
fn a_terminal_gets_colour_unless_it_is_dumb_or_no_color_is_set() {
    let site = broken_site();
    let coloured = on_a_terminal(&site, &["check"], &[("TERM", "xterm-256color")], 80);
    assert!(coloured.contains("error") && coloured.contains("\u{1b}["), "{coloured:?}");
    for env in [&[("TERM", "dumb")][..], &[("TERM", "xterm-256color"), ("NO_COLOR", "1")]] {
        let plain = on_a_terminal(&site, &["check"], env, 80);
        assert!(plain.contains("error: unknown front matter key"), "{env:?}: {plain:?}");
        assert!(!plain.contains(ESCAPE), "{env:?}: {plain:?}");
    }
}

/// A source line is cut to the terminal's width, around the caret, so the caret stays
/// under the problem instead of wrapping onto another line.
#[cfg(target_os = "linux")]
#[test]
fn a_long_line_is_cut_to_the_terminals_width() {
    let body = format!("{}see [x](nope.md){}\n", "word ".repeat(60), " word".repeat(60));
    let site = SiteTest::fixture("basic")
        .write("content/care/long.md", &format!("---\ntitle: T\ndescription: D\n---\n{body}"));
    for columns in [60, 100] {
        let shown = on_a_terminal(&site, &["build", "--quiet"], &[("TERM", "dumb")], columns);
        let lines: Vec<&str> = shown.lines().collect();
        let at = lines.iter().position(|l| l.starts_with("5 | ")).unwrap_or_else(|| panic!("{shown}"));
        let (source, under) = (lines[at], lines[at + 1]);
        assert!(source.chars().count() <= usize::from(columns), "{columns}: {source}");
        let caret = under.find('^').expect("a caret");
        assert_eq!(&source[caret..caret + "[x](nope.md)".len()], "[x](nope.md)", "{source}\n{under}");
    }
}

/// A 20 MB line with a broken link near its end: the true line and column, and the
/// caret under the link in a window that fits a terminal.
#[test]
fn a_20_mb_line_is_located_and_cut_around_the_caret() {
    let words = "word ".repeat(4_000_000);
    let body = format!("{words}see [x](nope.md) and the end.\n");
    let site = SiteTest::fixture("basic")
        .write("content/care/long.md", &format!("---\ntitle: T\ndescription: D\n---\n{body}"));
    let (_, stderr) = piped(&site, &["build", "--quiet"], &[]);
    let column = words.len() + "see ".len() + 1;
    assert!(stderr.contains(&format!("\n --> content/care/long.md:5:{column}\n")), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("5 | ")).expect("the source line");
    let (source, under) = (lines[at], lines[at + 1]);
    assert!(source.starts_with("5 | ...") && source.chars().count() <= 160, "{source}");
    let caret = under.find('^').expect("a caret");
    assert_eq!(&source[caret..caret + "[x](nope.md)".len()], "[x](nope.md)", "{source}\n{under}");
    assert!(stderr.len() < 2_000, "{} bytes printed", stderr.len());
}
