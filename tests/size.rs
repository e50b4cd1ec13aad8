//! Size budgets of what `trunk build --release` put in `dist/`, measured as
//! the bytes a server actually sends: the precompressed `.br` and `.gz` files
//! beside each file (written by `scripts/compress-dist.sh`).
//!
//! - The app's initial load (HTML, JS, wasm and CSS at the top of `dist/`)
//!   is budgeted in brotli, what browsers take over HTTPS and from loopback;
//!   gzip, what plain-HTTP deployments get, has a ceiling of its own.
//! - Renderers loaded on demand (files under `dist/renderers/`) are not part
//!   of the initial load; they are listed apart, each with its sizes.
//! - `embed.js`, the one script a documentation page includes.
//!
//! Fails when a `.gz` or `.br` is missing or a figure is over its ceiling.
//!
//! The build tier (feature `build-tests`): after `trunk build --release`, run
//! `cargo test -p tci-playground --features build-tests --test size -- --nocapture`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

/// The initial load in brotli, read strictly (160,000 bytes, not KiB).
const BROTLI_CEILING_BYTES: u64 = 160_000;

/// The initial load in gzip.
const GZIP_CEILING_BYTES: u64 = 190_000;

/// The budget docs/embed.md promises for `embed.js`.
const EMBED_CEILING_BYTES: u64 = 5 * 1024;

const KINDS: [&str; 4] = ["html", "js", "wasm", "css"];

/// Where renderers fetched only when an output needs them are built.
const RENDERERS: &str = "renderers";

fn dist() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("dist")
}

fn len_of(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|metadata| metadata.len())
}

/// Prints and returns the gzip and brotli sizes of `path` as served.
fn served(path: &Path) -> (u64, u64) {
    let raw = len_of(path)
        .unwrap_or_else(|| panic!("{} is missing: run `trunk build --release`", path.display()));
    let compressed = |extension: &str| {
        let file = format!("{}.{extension}", path.display());
        len_of(Path::new(&file)).unwrap_or_else(|| {
            panic!("{file} is missing: the build's compress-dist.sh hook did not run")
        })
    };
    let (gzip, brotli) = (compressed("gz"), compressed("br"));
    println!(
        "{}: {raw} bytes, {gzip} gzip, {brotli} brotli",
        path.display()
    );
    (gzip, brotli)
}

/// The HTML, JS, wasm and CSS files directly in `dir`, sorted by name.
fn served_files(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `trunk build --release` first",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| KINDS.iter().any(|kind| extension == *kind))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn initial_load_fits_the_budget() {
    let files = served_files(&dist());
    let (mut gzip_total, mut brotli_total) = (0, 0);
    for file in &files {
        let (gzip, brotli) = served(file);
        gzip_total += gzip;
        brotli_total += brotli;
    }
    for kind in KINDS {
        assert!(
            files
                .iter()
                .any(|file| file.extension().is_some_and(|extension| extension == kind)),
            "no .{kind} file in dist/"
        );
    }
    println!(
        "initial load: {brotli_total} bytes brotli (ceiling {BROTLI_CEILING_BYTES}), \
         {gzip_total} bytes gzip (ceiling {GZIP_CEILING_BYTES})"
    );
    assert!(
        brotli_total <= BROTLI_CEILING_BYTES,
        "initial load is {brotli_total} bytes brotli, over {BROTLI_CEILING_BYTES}"
    );
    assert!(
        gzip_total <= GZIP_CEILING_BYTES,
        "initial load is {gzip_total} bytes gzip, over {GZIP_CEILING_BYTES}"
    );
}

/// Lists what `dist/renderers/` holds, apart from the initial load (which
/// only counts the top of `dist/`); every renderer must be precompressed
/// like the rest. No renderer is built yet, and the test says so.
#[test]
fn on_demand_renderers_are_listed_apart() {
    let folder = dist().join(RENDERERS);
    if !folder.exists() {
        println!(
            "on-demand renderers: none ({} does not exist)",
            folder.display()
        );
        return;
    }
    let files = served_files(&folder);
    let (mut gzip_total, mut brotli_total) = (0, 0);
    for file in &files {
        let (gzip, brotli) = served(file);
        gzip_total += gzip;
        brotli_total += brotli;
    }
    println!(
        "on-demand renderers: {} files, {brotli_total} bytes brotli, {gzip_total} bytes gzip \
         (not part of the initial load)",
        files.len()
    );
}

#[test]
fn embed_script_fits_its_budget() {
    let built = dist().join("embed/embed.js");
    // The build minifies the source: a copy older than it measures another
    // script than the one in the tree.
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("embed/embed.js");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    assert!(
        modified(&built) >= modified(&source),
        "dist/embed/embed.js is older than embed/embed.js: rebuild with `trunk build --release`"
    );
    let (gzip, _) = served(&built);
    assert!(
        gzip <= EMBED_CEILING_BYTES,
        "embed.js is {gzip} bytes gzip, over {EMBED_CEILING_BYTES}"
    );
}
