//! Size budgets of what `trunk build --release` put in `dist/`: the app's
//! initial load (HTML, JS, wasm, CSS) and `embed.js`, the one script a
//! documentation page includes. Both are measured as the bytes a server
//! actually sends, the precompressed `.gz` files beside them (written by
//! `scripts/compress-dist.sh`). Prints gzip and brotli figures; fails when a
//! `.gz` or `.br` is missing or a gzip figure is over its ceiling.
//!
//! The build tier (feature `build-tests`): after `trunk build --release`, run
//! `cargo test -p tci-playground --features build-tests --test size -- --nocapture`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

/// The budget, 150 KB read strictly (150,000 bytes, not 150 KiB), in gzip
/// because browsers offer brotli only to HTTPS and loopback origins (see the
/// README for today's figures).
const CEILING_BYTES: u64 = 150_000;

/// The budget docs/embed.md promises for `embed.js`.
const EMBED_CEILING_BYTES: u64 = 5 * 1024;

const KINDS: [&str; 4] = ["html", "js", "wasm", "css"];

fn dist() -> std::path::PathBuf {
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

#[test]
fn initial_load_fits_the_budget() {
    let dist = dist();
    let entries = std::fs::read_dir(&dist).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `trunk build --release` first",
            dist.display()
        )
    });
    let (mut gzip_total, mut brotli_total) = (0, 0);
    let mut seen = Vec::new();
    let mut names: Vec<String> = entries
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    for name in names {
        let Some(kind) = KINDS
            .into_iter()
            .find(|ext| name.ends_with(&format!(".{ext}")))
        else {
            continue;
        };
        let (gzip, brotli) = served(&dist.join(&name));
        gzip_total += gzip;
        brotli_total += brotli;
        seen.push(kind);
    }
    for kind in KINDS {
        assert!(seen.contains(&kind), "no .{kind} file in dist/");
    }
    println!(
        "initial load: {gzip_total} bytes gzip (ceiling {CEILING_BYTES}), {brotli_total} bytes brotli"
    );
    assert!(
        gzip_total <= CEILING_BYTES,
        "initial load is {gzip_total} bytes gzip, over {CEILING_BYTES}"
    );
}

#[test]
fn embed_script_fits_its_budget() {
    let built = dist().join("embed/embed.js");
    // The copy in dist/ must be the source itself: no build step changes it.
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("embed/embed.js");
    assert_eq!(
        std::fs::read(&source).expect("embed/embed.js is readable"),
        std::fs::read(&built).unwrap_or_default(),
        "dist/embed/embed.js differs from embed/embed.js: rebuild with `trunk build --release`"
    );
    let (gzip, _) = served(&built);
    assert!(
        gzip <= EMBED_CEILING_BYTES,
        "embed.js is {gzip} bytes gzip, over {EMBED_CEILING_BYTES}"
    );
}
