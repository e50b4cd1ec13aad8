//! The scrollback as the files people keep, and back: a Jupyter notebook
//! (nbformat 4.5), a `.py` file with `# %%` cell markers, and Markdown
//! (export only). A Markdown cell of an imported notebook is kept as a cell
//! of status [`Status::Note`] whose one output is a `text/markdown` bundle,
//! so it is shown the way a Markdown output is.

use base64::Engine;
use serde_json::{Map, Value};
use tci_api::{MimeBundle, Output, RichKind, StreamName};

use crate::model::cell::{Cell, Status};
use crate::render::ansi;

/// What an imported file holds, cell by cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Imported {
    /// Code, with the outputs a notebook recorded for it.
    Code(String, Vec<Output>),
    Markdown(String),
}

impl Imported {
    /// The scrollback cell it becomes: not run yet (or a note).
    pub fn into_cell(self, id: u64, now: f64) -> Cell {
        let (code, outputs, status) = match self {
            Imported::Code(code, outputs) => (code, outputs, Status::NotRun),
            Imported::Markdown(text) => (String::new(), vec![markdown_output(text)], Status::Note),
        };
        Cell {
            status,
            outputs,
            duration_ms: Some(0.0),
            ..Cell::running(id, code, now)
        }
    }
}

fn markdown_output(text: String) -> Output {
    let mut bundle = Map::new();
    bundle.insert("text/markdown".into(), Value::String(text));
    Output::Rich {
        kind: RichKind::DisplayData,
        bundle: MimeBundle::Map(bundle),
    }
}

/// A note's Markdown, or `None` for a code cell.
fn note_text(cell: &Cell) -> Option<&str> {
    if cell.status != Status::Note {
        return None;
    }
    match cell.outputs.first() {
        Some(Output::Rich { bundle, .. }) => bundle.text("text/markdown"),
        _ => Some(""),
    }
}

/// Jupyter's `multiline_string`: a string, or lines to join.
fn multiline(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Array(lines) => lines.iter().map(|line| line.as_str()).collect(),
        _ => None,
    }
}

/// The notebook, as nbformat 4.5 JSON: one cell a line.
///
/// Written by hand rather than built as a `serde_json::Value` with `json!`
/// and pretty-printed, which was part of a first version that measured
/// larger (README, "What files and notebooks cost"); strings and bundles go
/// through the serializer the stored state already uses.
pub fn to_ipynb(cells: &[Cell]) -> String {
    let mut out = String::from(
        r#"{"nbformat":4,"nbformat_minor":5,"metadata":{"kernelspec":{"name":"python3","display_name":"Python 3","language":"python"},"language_info":{"name":"python"}},"cells":["#,
    );
    for (index, cell) in cells.iter().enumerate() {
        out.push_str(if index == 0 { "\n" } else { ",\n" });
        let id = cell.id;
        if let Some(text) = note_text(cell) {
            out.push_str(&format!(
                r#"{{"cell_type":"markdown","id":"cell-{id}","metadata":{{}},"source":"#
            ));
            string(&mut out, text);
            out.push('}');
            continue;
        }
        let count = count_json(cell.execution_count);
        out.push_str(&format!(
            r#"{{"cell_type":"code","id":"cell-{id}","metadata":{{}},"execution_count":{count},"source":"#
        ));
        string(&mut out, &cell.code);
        out.push_str(r#","outputs":["#);
        for (index, output) in cell.outputs.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            ipynb_output(&mut out, output, &count);
        }
        out.push_str("]}");
    }
    out.push_str("\n]}\n");
    out
}

fn count_json(count: Option<u32>) -> String {
    count.map_or_else(|| "null".to_owned(), |count| count.to_string())
}

/// `text` as a JSON string.
fn string(out: &mut String, text: &str) {
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

fn ipynb_output(out: &mut String, output: &Output, count: &str) {
    match output {
        Output::Stream { name, text } => {
            let name = if *name == StreamName::Stdout {
                "stdout"
            } else {
                "stderr"
            };
            out.push_str(&format!(
                r#"{{"output_type":"stream","name":"{name}","text":"#
            ));
            string(out, text);
        }
        Output::Error(traceback) => {
            // The last line of a Python traceback is `Name: value`.
            let plain = ansi::strip(traceback);
            let last = plain
                .lines()
                .rev()
                .find(|line| !line.trim().is_empty())
                .unwrap_or("Error");
            let (name, value) = last.split_once(": ").unwrap_or((last, ""));
            out.push_str(r#"{"output_type":"error","ename":"#);
            string(out, name.trim());
            out.push_str(r#","evalue":"#);
            string(out, value);
            out.push_str(r#","traceback":["#);
            for (index, line) in traceback.split('\n').enumerate() {
                if index > 0 {
                    out.push(',');
                }
                string(out, line);
            }
            out.push(']');
        }
        Output::Rich { kind, bundle } => {
            if *kind == RichKind::ExecuteResult {
                out.push_str(&format!(
                    r#"{{"output_type":"execute_result","execution_count":{count},"data":"#
                ));
            } else {
                out.push_str(r#"{"output_type":"display_data","data":"#);
            }
            match bundle {
                MimeBundle::Map(map) => {
                    out.push_str(&serde_json::to_string(map).unwrap_or_default())
                }
                MimeBundle::Text(text) => {
                    out.push_str(r#"{"text/plain":"#);
                    string(out, text);
                    out.push('}');
                }
            }
            out.push_str(r#","metadata":{}"#);
        }
        Output::Unknown { data, .. } => {
            out.push_str(r#"{"output_type":"display_data","metadata":{},"data":{"text/plain":"#);
            string(out, &data.to_string());
            out.push('}');
        }
    }
    out.push('}');
}

/// A `.py` file in the percent format (`# %%` before each cell, Markdown
/// cells as `# %% [markdown]` with their lines commented), which Jupytext,
/// VS Code and Spyder read as cells.
pub fn to_py(cells: &[Cell]) -> String {
    let mut out = String::new();
    for cell in cells {
        if let Some(text) = note_text(cell) {
            out.push_str("# %% [markdown]\n");
            for line in text.lines() {
                out.push_str(if line.is_empty() { "#" } else { "# " });
                out.push_str(line);
                out.push('\n');
            }
        } else {
            out.push_str("# %%\n");
            out.push_str(cell.code.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// Markdown: code in fences, text outputs in plain fences, images inline as
/// data URLs, notes as they are.
pub fn to_markdown(cells: &[Cell]) -> String {
    let mut out = String::new();
    for cell in cells {
        if let Some(text) = note_text(cell) {
            out.push_str(text.trim_end());
            out.push_str("\n\n");
            continue;
        }
        fenced(&mut out, "python", &cell.code);
        for output in &cell.outputs {
            match output {
                Output::Stream { text, .. } => fenced(&mut out, "", text),
                Output::Error(text) => fenced(&mut out, "", &ansi::strip(text)),
                Output::Rich { bundle, .. } => markdown_bundle(&mut out, bundle),
                Output::Unknown { data, .. } => fenced(&mut out, "", &data.to_string()),
            }
        }
    }
    out
}

fn markdown_bundle(out: &mut String, bundle: &MimeBundle) {
    for mime in ["image/png", "image/jpeg", "image/gif"] {
        if let Some(data) = bundle.text(mime) {
            let data: String = data.split_whitespace().collect();
            out.push_str(&format!("![output](data:{mime};base64,{data})\n\n"));
            return;
        }
    }
    if let Some(svg) = bundle.text("image/svg+xml") {
        let data = base64::engine::general_purpose::STANDARD.encode(svg);
        out.push_str(&format!("![output](data:image/svg+xml;base64,{data})\n\n"));
    } else if let Some(text) = bundle.text("text/markdown") {
        out.push_str(text.trim_end());
        out.push_str("\n\n");
    } else if let Some(text) = bundle.text("text/plain") {
        fenced(out, "", text);
    }
}

/// A fence longer than any run of backticks in `text`.
fn fenced(out: &mut String, language: &str, text: &str) {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    out.push_str(&format!(
        "{fence}{language}\n{}\n{fence}\n\n",
        text.trim_end_matches('\n')
    ));
}

/// The exported file's name: the session's id (or `notebook` before the
/// first run), the day (`YYYY-MM-DD`) and the extension, e.g.
/// `tci-ses_abc123-2026-12-01.ipynb`; only letters, digits, `-` and `_` of
/// the id are kept.
pub fn export_name(session_id: Option<&str>, day: &str, extension: &str) -> String {
    let session: String = session_id
        .unwrap_or("notebook")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    format!("tci-{session}-{day}.{extension}")
}

/// The cells of a `.ipynb` or `.py` file, by its name; a damaged or
/// unsupported file is an error saying so, and yields nothing.
pub fn import(file_name: &str, text: &str) -> Result<Vec<Imported>, String> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".ipynb") {
        from_ipynb(text).map_err(|why| format!("{file_name} could not be imported: {why}."))
    } else if lower.ends_with(".py") {
        Ok(from_py(text))
    } else {
        Err(format!(
            "{file_name} could not be imported: only notebooks (.ipynb) and Python files (.py) can be."
        ))
    }
}

fn from_ipynb(text: &str) -> Result<Vec<Imported>, &'static str> {
    let notebook: Value = serde_json::from_str(text).map_err(|_| "it is not valid JSON")?;
    if notebook.get("nbformat").and_then(Value::as_u64) != Some(4) {
        return Err("it is not a notebook in format 4 (the format Jupyter writes since 2015)");
    }
    let cells = notebook
        .get("cells")
        .and_then(Value::as_array)
        .ok_or("it has no list of cells")?;
    let mut imported = Vec::new();
    for cell in cells {
        let source = multiline(cell.get("source")).ok_or("a cell has no source")?;
        match cell.get("cell_type").and_then(Value::as_str) {
            Some("code") => {
                let outputs = cell
                    .get("outputs")
                    .and_then(Value::as_array)
                    .map(|outputs| outputs.iter().filter_map(tci_output).collect())
                    .unwrap_or_default();
                imported.push(Imported::Code(source, outputs));
            }
            Some("markdown") => imported.push(Imported::Markdown(source)),
            // Raw cells are meant for other tools (nbconvert): not shown.
            Some("raw") => {}
            _ => return Err("a cell is of no type Jupyter knows"),
        }
    }
    Ok(imported)
}

/// A Jupyter output as TCI's, or `None` for one it has no counterpart of.
fn tci_output(output: &Value) -> Option<Output> {
    match output.get("output_type")?.as_str()? {
        "stream" => {
            let text = multiline(output.get("text"))?;
            Some(match output.get("name")?.as_str()? {
                "stderr" => Output::stderr(text),
                _ => Output::stdout(text),
            })
        }
        "error" => {
            let lines = output.get("traceback")?.as_array()?;
            let lines: Option<Vec<&str>> = lines.iter().map(Value::as_str).collect();
            Some(Output::Error(lines?.join("\n")))
        }
        kind @ ("display_data" | "execute_result") => {
            let data = output.get("data")?.as_object()?;
            let bundle = data
                .iter()
                .map(|(mime, value)| {
                    // Text and base64 types may come as lists of lines;
                    // JSON types are values.
                    let value = match value {
                        Value::Array(_) if !mime.ends_with("json") => {
                            multiline(Some(value)).map_or_else(|| value.clone(), Value::String)
                        }
                        _ => value.clone(),
                    };
                    (mime.clone(), value)
                })
                .collect();
            Some(Output::Rich {
                kind: if kind == "display_data" {
                    RichKind::DisplayData
                } else {
                    RichKind::ExecuteResult
                },
                bundle: MimeBundle::Map(bundle),
            })
        }
        _ => None,
    }
}

fn from_py(text: &str) -> Vec<Imported> {
    let mut cells = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut markdown = false;
    let mut finish = |lines: &mut Vec<&str>, markdown: bool| {
        let body = lines.join("\n").trim_matches('\n').to_owned();
        lines.clear();
        if body.trim().is_empty() {
            return;
        }
        cells.push(if markdown {
            let text: Vec<&str> = body
                .lines()
                .map(|line| {
                    line.strip_prefix("# ")
                        .or(line.strip_prefix('#'))
                        .unwrap_or(line)
                })
                .collect();
            Imported::Markdown(text.join("\n"))
        } else {
            Imported::Code(body, Vec::new())
        });
    };
    for line in text.lines() {
        if let Some(marker) = line.strip_prefix("# %%") {
            finish(&mut lines, markdown);
            markdown = marker.contains("[markdown]") || marker.contains("[md]");
        } else {
            lines.push(line);
        }
    }
    finish(&mut lines, markdown);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ran(id: u64, code: &str, outputs: Vec<Output>, count: u32) -> Cell {
        Cell {
            status: Cell::status_of(&outputs),
            outputs,
            execution_count: Some(count),
            ..Cell::running(id, code.into(), 0.0)
        }
    }

    fn bundle(pairs: &[(&str, Value)]) -> MimeBundle {
        MimeBundle::Map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    fn scrollback() -> Vec<Cell> {
        vec![
            Imported::Markdown("# Title\n\nSome *text*.".into()).into_cell(0, 0.0),
            ran(
                1,
                "print('hi')",
                vec![Output::stdout("hi\n"), Output::stderr("warn\n")],
                1,
            ),
            ran(
                2,
                "plot()",
                vec![
                    Output::Rich {
                        kind: RichKind::DisplayData,
                        bundle: bundle(&[
                            ("image/png", json!("iVBORw0KGgo=")),
                            ("text/plain", json!("<Figure>")),
                        ]),
                    },
                    Output::Rich {
                        kind: RichKind::ExecuteResult,
                        bundle: bundle(&[
                            ("text/plain", json!("42")),
                            ("application/json", json!({"a": [1]})),
                        ]),
                    },
                ],
                2,
            ),
            ran(
                3,
                "1/0",
                vec![Output::Error(
                    "\u{1b}[31mTraceback\u{1b}[0m\nZeroDivisionError: division by zero".into(),
                )],
                3,
            ),
        ]
    }

    #[test]
    fn a_notebook_has_jupyters_output_types() {
        let notebook: Value = serde_json::from_str(&to_ipynb(&scrollback())).unwrap();
        assert_eq!(notebook["nbformat"], 4);
        let cells = notebook["cells"].as_array().unwrap();
        assert_eq!(cells[0]["cell_type"], "markdown");
        assert_eq!(cells[0]["source"], "# Title\n\nSome *text*.");
        assert_eq!(cells[1]["execution_count"], 1);
        assert_eq!(
            cells[1]["outputs"][1],
            json!({"output_type": "stream", "name": "stderr", "text": "warn\n"})
        );
        assert_eq!(cells[2]["outputs"][0]["output_type"], "display_data");
        assert_eq!(cells[2]["outputs"][1]["output_type"], "execute_result");
        assert_eq!(cells[2]["outputs"][1]["execution_count"], 2);
        let error = &cells[3]["outputs"][0];
        assert_eq!(error["ename"], "ZeroDivisionError");
        assert_eq!(error["evalue"], "division by zero");
        assert_eq!(error["traceback"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn an_exported_notebook_imports_to_the_same_cells() {
        let cells = scrollback();
        let imported = import("x.ipynb", &to_ipynb(&cells)).unwrap();
        assert_eq!(imported.len(), cells.len());
        for (cell, back) in cells.iter().zip(imported) {
            let back = back.into_cell(cell.id, 0.0);
            assert_eq!(back.code, cell.code);
            assert_eq!(back.outputs, cell.outputs);
            let expected = if cell.status == Status::Note {
                Status::Note
            } else {
                Status::NotRun
            };
            assert_eq!(back.status, expected);
        }
        let from_py = import("x.py", &to_py(&cells)).unwrap();
        let expected: Vec<Imported> = vec![
            Imported::Markdown("# Title\n\nSome *text*.".into()),
            Imported::Code("print('hi')".into(), Vec::new()),
            Imported::Code("plot()".into(), Vec::new()),
            Imported::Code("1/0".into(), Vec::new()),
        ];
        assert_eq!(from_py, expected);
    }

    #[test]
    fn notebooks_with_lists_of_lines_and_unknown_parts_import() {
        let text = r##"{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
            {"cell_type": "code", "source": ["a = 1\n", "a"], "outputs": [
                {"output_type": "execute_result", "data": {"text/plain": ["1"]}, "execution_count": 3, "metadata": {}},
                {"output_type": "stream", "name": "stdout", "text": ["x\n", "y\n"]},
                {"output_type": "something_new"}]},
            {"cell_type": "raw", "source": "ignored"},
            {"cell_type": "markdown", "source": ["# A\n", "b"]}]}"##;
        let cells = import("n.IPYNB", text).unwrap();
        assert_eq!(cells.len(), 2);
        assert_eq!(
            cells[0],
            Imported::Code(
                "a = 1\na".into(),
                vec![
                    Output::Rich {
                        kind: RichKind::ExecuteResult,
                        bundle: bundle(&[("text/plain", json!("1"))])
                    },
                    Output::stdout("x\ny\n"),
                ]
            )
        );
        assert_eq!(cells[1], Imported::Markdown("# A\nb".into()));
    }

    #[test]
    fn damaged_or_unsupported_files_say_why() {
        for (name, text, why) in [
            ("n.ipynb", "{not json", "not valid JSON"),
            (
                "n.ipynb",
                r#"{"nbformat": 3, "worksheets": []}"#,
                "format 4",
            ),
            ("n.ipynb", r#"{"nbformat": 4}"#, "no list of cells"),
            (
                "n.ipynb",
                r#"{"nbformat": 4, "cells": [{"cell_type": "code"}]}"#,
                "no source",
            ),
            (
                "n.ipynb",
                r#"{"nbformat": 4, "cells": [{"cell_type": "x", "source": ""}]}"#,
                "no type",
            ),
            ("data.csv", "a,b", "only notebooks"),
        ] {
            let error = import(name, text).unwrap_err();
            assert!(error.contains(why) && error.starts_with(name), "{error}");
        }
    }

    #[test]
    fn exports_are_named_after_the_session_and_day() {
        assert_eq!(
            export_name(Some("ses_a/b:1"), "2026-12-01", "py"),
            "tci-ses_ab1-2026-12-01.py"
        );
        assert_eq!(
            export_name(None, "2026-12-01", "ipynb"),
            "tci-notebook-2026-12-01.ipynb"
        );
    }

    #[test]
    fn a_py_file_splits_at_its_markers() {
        assert_eq!(
            import("a.py", "print(1)\n").unwrap(),
            [Imported::Code("print(1)".into(), Vec::new())]
        );
        let text = "import os\n\n# %% first\nx = 1\n\n\n# %% [markdown]\n# Hello\n#\n# there\n# %%\n\n# %%\ny = 2\n";
        assert_eq!(
            import("a.py", text).unwrap(),
            [
                Imported::Code("import os".into(), Vec::new()),
                Imported::Code("x = 1".into(), Vec::new()),
                Imported::Markdown("Hello\n\nthere".into()),
                Imported::Code("y = 2".into(), Vec::new()),
            ]
        );
    }

    #[test]
    fn markdown_fences_code_and_text_and_inlines_images() {
        let mut cells = scrollback();
        cells.push(ran(4, "print('```')", vec![Output::stdout("```\n")], 4));
        let markdown = to_markdown(&cells);
        assert!(
            markdown.starts_with(
                "# Title\n\nSome *text*.\n\n```python\nprint('hi')\n```\n\n```\nhi\n```\n\n"
            ),
            "{markdown}"
        );
        assert!(markdown.contains("![output](data:image/png;base64,iVBORw0KGgo=)"));
        assert!(markdown.contains("```\nTraceback\nZeroDivisionError: division by zero\n```"));
        assert!(markdown.contains("````python\nprint('```')\n````"));
    }
}
