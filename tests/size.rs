//! The size of the initial load: the HTML, JS, wasm and CSS that
//! `trunk build --release` put in `dist/`, measured as the bytes a server
//! actually sends, which are the precompressed `.gz` files beside them
//! (written by `scripts/compress-dist.sh`). Prints gzip and brotli figures;
//! fails when a `.gz` or `.br` is missing or the gzip total is over the
//! ceiling.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

/// The budget, in gzip because browsers offer brotli only to HTTPS and
/// loopback origins (see the README for today's figures).
const CEILING_BYTES: u64 = 150 * 1024;

const KINDS: [&str; 4] = ["html", "js", "wasm", "css"];

fn len_of(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|metadata| metadata.len())
}

#[test]
fn initial_load_fits_the_budget() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("dist");
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
        let path = dist.join(&name);
        let raw = len_of(&path).expect("readable");
        let compressed = |extension: &str| {
            len_of(&dist.join(format!("{name}.{extension}"))).unwrap_or_else(|| {
                panic!(
                    "{name}.{extension} is missing: the build's compress-dist.sh hook did not run"
                )
            })
        };
        let (gzip, brotli) = (compressed("gz"), compressed("br"));
        println!("{name}: {raw} bytes, {gzip} gzip, {brotli} brotli");
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
