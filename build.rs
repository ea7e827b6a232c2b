//! Rebuilds the binary when the default theme changes: `include_dir!` embeds
//! `themes/default/` (the built-in theme, `src/theme/builtin.rs`), and Cargo does not
//! track the files a macro reads.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
