//! `SiteTest`: copy a fixture site to a temporary folder, change it, build it, inspect it.

use std::path::{Path, PathBuf};

use tend::{BuildOptions, Error, Overrides, Report};

/// A fixture site in a temporary folder; fixtures themselves are never changed.
pub(crate) struct SiteTest {
    _dir: tempfile::TempDir,
    pub(crate) root: PathBuf,
    pub(crate) result: Option<Result<Report, Error>>,
}

impl SiteTest {
    /// Copies `tests/fixtures/<name>`.
    pub(crate) fn fixture(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), &root);
        Self { _dir: dir, root, result: None }
    }

    /// Copies the bundled guide (site.yaml, content, themes, static) from `root`.
    pub(crate) fn copy_of(root: &Path) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path().join("site");
        for name in ["content", "themes", "static", "templates"] {
            if root.join(name).is_dir() {
                copy_dir(&root.join(name), &site.join(name));
            }
        }
        std::fs::copy(root.join("site.yaml"), site.join("site.yaml")).expect("copy site.yaml");
        Self { _dir: dir, root: site, result: None }
    }

    /// Writes (or replaces) a file relative to the site root.
    pub(crate) fn write(self, rel: &str, text: &str) -> Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    /// Removes a file or folder relative to the site root.
    pub(crate) fn remove(self, rel: &str) -> Self {
        let path = self.root.join(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("remove dir");
        } else {
            std::fs::remove_file(path).expect("remove file");
        }
        self
    }

    /// Builds into `public/` with default options.
    pub(crate) fn build(self) -> Self {
        self.build_with(Overrides::default())
    }

    /// Builds with command-line overrides.
    pub(crate) fn build_with(mut self, overrides: Overrides) -> Self {
        let options = BuildOptions { root: self.root.clone(), output: "public".into(), overrides };
        self.result = Some(tend::build(&options));
        self
    }

    /// The build's report; panics with the diagnostics if it failed.
    pub(crate) fn report(&self) -> &Report {
        match self.result.as_ref().expect("built") {
            Ok(report) => report,
            Err(error) => panic!("build failed:\n{}", render_error(error)),
        }
    }

    /// All diagnostics of a failed build, rendered as the CLI prints them.
    pub(crate) fn errors(&self) -> String {
        match self.result.as_ref().expect("built") {
            Ok(_) => panic!("build succeeded, expected errors"),
            Err(error) => render_error(error),
        }
    }

    /// A file of the output.
    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join("public").join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// A theme's CSS or JavaScript file of the output, found under its fingerprinted name
    /// (`style.css` is published as `style.<8 hex digits>.css`).
    pub(crate) fn read_asset(&self, rel: &str) -> String {
        let public = self.root.join("public");
        let (stem, ext) = rel.rsplit_once('.').expect("a file name with an extension");
        let found = snapshot_tree(&public).into_iter().map(|(path, _)| path).find(|path| {
            path.strip_prefix(&format!("{stem}."))
                .and_then(|rest| rest.strip_suffix(&format!(".{ext}")))
                .is_some_and(|hash| hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        });
        self.read(&found.unwrap_or_else(|| panic!("no fingerprinted {rel} in the output")))
    }

    /// Every output file, sorted, one per line.
    pub(crate) fn listing(&self) -> String {
        listing(&self.root.join("public"))
    }
}

/// Renders an error like the CLI: sorted diagnostics, or the message.
pub(crate) fn render_error(error: &Error) -> String {
    match error {
        Error::Site(diagnostics) => {
            let mut sorted = diagnostics.clone();
            tend::diagnostic::sort(&mut sorted);
            sorted.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
        }
        other => other.to_string(),
    }
}

/// Files under `dir` with their contents' hash, sorted.
pub(crate) fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}

/// The errors of building the basic fixture after writing `changes` (path, text) into it.
pub(crate) fn errors_after(changes: &[(&str, &str)]) -> String {
    let mut site = SiteTest::fixture("basic");
    for (path, text) in changes {
        site = site.write(path, text);
    }
    site.build().errors()
}

pub(crate) fn listing(dir: &Path) -> String {
    let paths = snapshot_tree(dir).into_iter().map(|(path, _)| path).collect::<Vec<_>>().join("\n");
    without_asset_hashes(&paths)
}

/// `text` with each fingerprint in a CSS or JavaScript name (`style.1a2b3c4d.css`) written
/// as `[hash]`, so snapshots do not change with every edit of a stylesheet.
pub(crate) fn without_asset_hashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dot) = rest.find('.') {
        let (before, after) = rest.split_at(dot);
        out.push_str(before);
        let hash = after.get(1..9).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        let asset = after.get(9..).is_some_and(|tail| tail.starts_with(".css") || tail.starts_with(".js"));
        if hash.is_some() && asset {
            out.push_str(".[hash]");
            rest = &after[9..];
        } else {
            out.push('.');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    out
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A PNG file of `width` × `height` pixels as far as any header reader can tell (the
/// signature and `IHDR` chunk), padded with zeros to `bytes`.
pub(crate) fn png(width: u32, height: u32, bytes: usize) -> Vec<u8> {
    let mut data = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    data.extend(width.to_be_bytes());
    data.extend(height.to_be_bytes());
    data.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    data.resize(bytes.max(data.len()), 0);
    data
}
