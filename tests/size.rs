//! Size budgets of what `trunk build --release` put in `dist/`, measured as
//! the bytes a server actually sends: the precompressed `.br` and `.gz` files
//! beside each file (written by `scripts/compress-dist.sh`).
//!
//! - The app's initial load (HTML, JS, wasm and CSS at the top of `dist/`)
//!   is budgeted in brotli, what browsers take over HTTPS and from loopback;
//!   gzip, what plain-HTTP deployments get, has a ceiling of its own.
//! - Renderers loaded on demand (files under `dist/renderers/`) are not part
//!   of the initial load; they are listed apart, each file and each
//!   renderer's total.
//! - `embed.js`, the one script a documentation page includes.
//!
//! Fails when a `.gz` or `.br` is missing or a figure is over its ceiling.
//!
//! The build tier (feature `build-tests`): after `trunk build --release`, run
//! `cargo test -p tci-playground --features build-tests --test size -- --nocapture`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

/// The initial load in brotli, read strictly (170,000 bytes, not KiB): the
/// README's "Size" says what raised it from 160,000.
const BROTLI_CEILING_BYTES: u64 = 170_000;

/// The initial load in gzip.
const GZIP_CEILING_BYTES: u64 = 200_000;

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

/// The renderers under `dist/renderers/`, each with the files an output
/// of its kind makes the output frame fetch (frame/frame.js's `FILES`, and
/// the frame document itself). KaTeX's fonts are woff2, compressed already:
/// they count as they are, and only the faces a formula uses are fetched.
const RENDERER_FILES: [(&str, &[&str]); 5] = [
    (
        "output frame (every rich output)",
        &["frame.html", "frame.js"],
    ),
    // With a `$` in it, a Markdown output fetches LaTeX's files too.
    ("Markdown (marked)", &["marked.js"]),
    (
        "LaTeX, and math in Markdown (KaTeX, its auto-render)",
        &["katex.css", "katex.js", "auto-render.js"],
    ),
    (
        "Vega and Vega-Lite (vega-embed)",
        &["vega.js", "vega-lite.js", "vega-embed.js"],
    ),
    ("Plotly (plotly.js)", &["plotly.js"]),
];

/// Lists what `dist/renderers/` holds, apart from the initial load (which
/// only counts the top of `dist/`): every file, precompressed like the rest,
/// then each renderer's total. Fails when a file belongs to no renderer, so
/// the list cannot fall behind the build.
#[test]
fn on_demand_renderers_are_listed_apart() {
    let folder = dist().join(RENDERERS);
    assert!(
        folder.exists(),
        "{} is missing: the build's vendor-renderers.sh hook did not run",
        folder.display()
    );
    let files = served_files(&folder);
    let mut sizes = std::collections::BTreeMap::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            RENDERER_FILES
                .iter()
                .any(|(_, names)| names.contains(&name.as_str())),
            "{name} in dist/renderers/ belongs to no renderer in RENDERER_FILES"
        );
        sizes.insert(name, served(file));
    }
    let fonts: Vec<PathBuf> = std::fs::read_dir(folder.join("fonts"))
        .expect("dist/renderers/fonts/ (KaTeX's)")
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    let font_bytes: u64 = fonts.iter().filter_map(|font| len_of(font)).sum();
    println!(
        "KaTeX fonts: {} woff2 files, {font_bytes} bytes (fetched one face at a time)",
        fonts.len()
    );
    println!("on demand, per renderer (not part of the initial load):");
    for (renderer, names) in RENDERER_FILES {
        let (mut gzip, mut brotli) = (0, 0);
        for name in names {
            let (g, b) = sizes
                .get(*name)
                .copied()
                .unwrap_or_else(|| panic!("{name} of {renderer} is not in dist/renderers/"));
            gzip += g;
            brotli += b;
        }
        println!("  {renderer}: {brotli} bytes brotli, {gzip} bytes gzip");
    }
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
