//! The files changed since a git ref, for `tend check --changed-since REF`.
//!
//! "Changed" means what a pull request would change: commits on this branch since it
//! left `REF` (from their merge base), plus staged, unstaged and untracked files, so the
//! same command works in CI and before committing. Runs the `git` program; a missing
//! `git` or an unknown ref is a usage error.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::Error;

/// Paths relative to `root` of every file changed since `reference`.
pub(super) fn changed_files(root: &Path, reference: &str) -> Result<HashSet<PathBuf>, Error> {
    if reference.starts_with('-') {
        return Err(Error::Usage(format!("--changed-since: `{reference}` is not a git ref")));
    }
    git(root, &["rev-parse", "--verify", "--quiet", &format!("{reference}^{{commit}}")]).map_err(|_| {
        Error::Usage(format!(
            "--changed-since: `{reference}` is not a commit in the repository at `{}`; in CI, fetch it first (actions/checkout with `fetch-depth: 0`)",
            root.display()
        ))
    })?;
    // Without shared history (a shallow clone), compare with the ref itself.
    let base =
        git(root, &["merge-base", reference, "HEAD"]).map_or_else(|_| reference.to_owned(), |b| b.trim().to_owned());
    let changed = git(root, &["diff", "--name-only", "-z", "--relative", &base, "--"])?;
    let untracked = git(root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    Ok(changed.split('\0').chain(untracked.split('\0')).filter(|p| !p.is_empty()).map(PathBuf::from).collect())
}

/// Runs `git -C root args…` and returns its standard output.
fn git(root: &Path, args: &[&str]) -> Result<String, Error> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|error| Error::Usage(format!("--changed-since needs the `git` program: {error}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error::Usage(format!("`git {}` failed: {}", args.join(" "), stderr.trim())));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
