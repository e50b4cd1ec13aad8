//! Files a reader attaches to the next run: how each travels (UTF-8 text as
//! `string`, anything else as `base64`), which names a server accepts, and
//! whether the request fits the server's body limit, all decided before
//! anything is sent.

use base64::Engine;
use tci_api::{ExecuteRequest, FileEncoding, FileUpload};

use crate::render::highlight::push_escaped;

/// A file as it will be sent, from its name and bytes.
pub fn upload(name: String, bytes: Vec<u8>) -> FileUpload {
    match String::from_utf8(bytes) {
        Ok(text) => FileUpload {
            name,
            encoding: FileEncoding::String,
            content: text,
        },
        Err(error) => FileUpload {
            name,
            encoding: FileEncoding::Base64,
            content: base64::engine::general_purpose::STANDARD.encode(error.as_bytes()),
        },
    }
}

/// The file's size in bytes, as the reader knows it.
pub fn size(file: &FileUpload) -> usize {
    match file.encoding {
        FileEncoding::String => file.content.len(),
        // Four characters for three bytes, less the padding.
        FileEncoding::Base64 => {
            file.content.len() / 4 * 3
                - file
                    .content
                    .bytes()
                    .rev()
                    .take_while(|b| *b == b'=')
                    .count()
        }
    }
}

/// Adds `file` to `files`, replacing one of the same name; refuses a name
/// the server would refuse, saying why.
pub fn add(files: &mut Vec<FileUpload>, file: FileUpload) -> Result<(), String> {
    if let Some(why) = FileUpload::name_problem(&file.name) {
        return Err(format!("The file \"{}\" cannot be sent: {why}.", file.name));
    }
    files.retain(|earlier| earlier.name != file.name);
    files.push(file);
    Ok(())
}

/// Whether `request` fits a body limit of `limit` bytes, measured as it
/// will be sent; if not, what to tell the reader.
pub fn check(request: &ExecuteRequest, limit: u64) -> Result<(), String> {
    let length = serde_json::to_string(request).map_or(0, |body| body.len()) as u64;
    if length > limit {
        return Err(format!(
            "Not sent: with its files the run is a request of {}, and the server accepts at most {} ({limit} bytes). Remove a file and run again.",
            format_bytes(length),
            format_bytes(limit),
        ));
    }
    Ok(())
}

/// The picker and a chip per file (name, size, a remove button naming it
/// in `data-remove`), as markup: the names escaped.
pub fn chips_html(files: &[FileUpload]) -> String {
    let mut html = String::from(concat!(
        r#"<label class="button" title="Files go with the next run into the session's folder">Attach files"#,
        r#"<input type="file" multiple class="picker" data-testid="file-input"></label>"#,
    ));
    for file in files {
        html.push_str(r#"<span class="chip" data-testid="attached-file">"#);
        push_escaped(&mut html, &file.name);
        html.push(' ');
        html.push_str(&format_bytes(size(file) as u64));
        html.push_str(r#"<button type="button" aria-label="Remove "#);
        push_escaped(&mut html, &file.name);
        html.push_str(r#"" data-remove=""#);
        push_escaped(&mut html, &file.name);
        html.push_str(r#"">×</button></span>"#);
    }
    html
}

/// `512 B`, `3.4 KB`, `16.0 MB` (powers of 1024, one decimal, rounded),
/// in integers: formatting an `f64` brings core's float printing into the
/// wasm (11 KB before wasm-opt, by `twiggy`).
pub fn format_bytes(bytes: u64) -> String {
    let mut unit = 0;
    while unit < 3 && bytes >> (10 * (unit + 1)) > 0 {
        unit += 1;
    }
    if unit == 0 {
        return format!("{bytes} B");
    }
    let shift = 10 * unit;
    let tenths = (bytes * 10 + (1 << (shift - 1))) >> shift;
    format!(
        "{}.{} {}",
        tenths / 10,
        tenths % 10,
        ["KB", "MB", "GB"][unit - 1]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_goes_as_a_string_and_anything_else_as_base64() {
        let text = upload("a.csv".into(), "x,y\n1,é\n".into());
        assert_eq!(text.encoding, FileEncoding::String);
        assert_eq!(text.content, "x,y\n1,é\n");
        assert_eq!(size(&text), 9);
        let binary = upload("b.bin".into(), vec![0xff, 0, 1, 2]);
        assert_eq!(binary.encoding, FileEncoding::Base64);
        assert_eq!(binary.content, "/wABAg==");
        assert_eq!(size(&binary), 4);
        for length in 0..7 {
            assert_eq!(size(&upload("c".into(), vec![0x80; length])), length);
        }
    }

    #[test]
    fn a_duplicate_name_replaces_and_a_bad_name_is_refused() {
        let mut files = Vec::new();
        add(&mut files, upload("a.csv".into(), "1".into())).unwrap();
        add(&mut files, upload("b.csv".into(), "2".into())).unwrap();
        add(&mut files, upload("a.csv".into(), "3".into())).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|file| (&*file.name, &*file.content))
            .collect();
        assert_eq!(names, [("b.csv", "2"), ("a.csv", "3")]);
        for bad in ["../x", "/etc/passwd", "a\0b", ""] {
            let error = add(&mut files, upload(bad.into(), Vec::new())).unwrap_err();
            assert!(error.contains("cannot be sent"), "{error}");
        }
        assert_eq!(files.len(), 2);
    }

    #[test]
    fn the_limit_counts_the_whole_body_and_is_named() {
        let mut request = ExecuteRequest::python("print(1)", None);
        request.files = Some(vec![upload("big.txt".into(), vec![b'x'; 2000])]);
        check(&request, 4096).unwrap();
        let error = check(&request, 2000).unwrap_err();
        assert!(error.contains("at most 2.0 KB (2000 bytes)"), "{error}");
        assert!(error.contains("request of 2.1 KB"), "{error}");
    }

    #[test]
    fn chips_escape_names() {
        let html = chips_html(&[upload("<b>\"x\".csv".into(), "1,2".into())]);
        assert!(html.ends_with(
            r#"<span class="chip" data-testid="attached-file">&lt;b&gt;&quot;x&quot;.csv 3 B<button type="button" aria-label="Remove &lt;b&gt;&quot;x&quot;.csv" data-remove="&lt;b&gt;&quot;x&quot;.csv">×</button></span>"#
        ), "{html}");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(3482), "3.4 KB");
        assert_eq!(format_bytes(16 << 20), "16.0 MB");
        assert_eq!(format_bytes(100_000), "97.7 KB");
        assert_eq!(format_bytes(1023), "1023 B");
        assert_eq!(format_bytes(1024 * 1024 - 1), "1024.0 KB");
        assert_eq!(format_bytes(5 << 30), "5.0 GB");
    }
}
