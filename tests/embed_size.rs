//! The size of `embed.js`, the one script a documentation page includes:
//! what `trunk build --release` copied to `dist/embed/`, gzip-compressed as
//! the server sends it. Prints the figure; fails over the documented 5 KB.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::Path;

/// The budget docs/embed.md promises.
const CEILING_BYTES: usize = 5 * 1024;

#[test]
fn embed_script_fits_the_budget() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/embed/embed.js");
    let bytes = std::fs::read(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `trunk build --release` first",
            path.display()
        )
    });
    // The copy in dist/ must be the source itself: no build step changes it.
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("embed/embed.js");
    assert_eq!(
        std::fs::read(&source).expect("embed/embed.js is readable"),
        bytes,
        "dist/embed/embed.js differs from embed/embed.js: rebuild with `trunk build --release`"
    );
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&bytes).expect("gzip in memory");
    let compressed = encoder.finish().expect("gzip in memory").len();
    println!(
        "embed.js: {} bytes, {compressed} gzip (ceiling {CEILING_BYTES})",
        bytes.len()
    );
    assert!(
        compressed <= CEILING_BYTES,
        "embed.js is {compressed} bytes gzip, over {CEILING_BYTES}"
    );
}
