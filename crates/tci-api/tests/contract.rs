//! The wire types against the contract: every example parses, round trips
//! are lossless, and what we write validates against the OpenAPI schemas.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;
use serde_json::{Map, Value, json};
use tci_api::contract::{self, Schemas};
use tci_api::{
    ApiError, ExecuteRequest, ExecuteResponse, FileEncoding, FileUpload, MimeBundle, Output,
    RichKind, SessionInfo, SessionList, SessionListResponse, timestamp,
};

fn parse_example<T: DeserializeOwned>(name: &str) -> T {
    let (_, text) = contract::examples()
        .into_iter()
        .find(|(file, _)| file == name)
        .unwrap_or_else(|| panic!("no example {name}"));
    serde_json::from_str(&text).unwrap()
}

/// `value` as written, read back as untyped JSON.
fn written<T: Serialize>(value: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

fn object(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap()
}

#[test]
fn vendored_contract_matches_the_shared_one() {
    // The shared folder sits beside the checkout on the team's machines and in
    // CI; a fresh clone elsewhere relies on the vendored copy alone.
    let shared = contract::dir().join("../../../../shared/contract");
    if !shared.exists() {
        eprintln!("no shared contract beside the checkout; vendored copy used as is");
        return;
    }
    for file in ["tci-openapi.yaml", "README.md"]
        .into_iter()
        .map(String::from)
        .chain(
            contract::examples()
                .into_iter()
                .map(|(name, _)| format!("examples/{name}")),
        )
    {
        let ours = std::fs::read(contract::dir().join(&file)).unwrap();
        let theirs = std::fs::read(shared.join(&file)).unwrap();
        assert_eq!(ours, theirs, "{file} differs from the shared contract");
    }
}

#[test]
fn every_example_parses_and_round_trips_losslessly() {
    let examples = contract::examples();
    assert!(examples.len() >= 6, "examples found: {}", examples.len());
    for (name, text) in examples {
        let original: Value = serde_json::from_str(&text).unwrap();
        let again = if name.starts_with("sessions-") {
            written(&serde_json::from_str::<SessionListResponse>(&text).unwrap())
        } else {
            written(&serde_json::from_str::<ExecuteResponse>(&text).unwrap())
        };
        assert_eq!(again, original, "{name} changed in a round trip");
    }
}

#[test]
fn odd_examples_keep_what_they_say() {
    let bare: ExecuteResponse = parse_example("execute-multi-output-sdk-mock.json");
    let data = bare.data.as_ref().unwrap();
    assert_eq!(
        data.outputs[2],
        Output::Rich {
            kind: RichKind::ExecuteResult,
            bundle: MimeBundle::Text("42".into())
        }
    );
    assert_eq!(data.status.as_ref().unwrap().as_str(), "success");
    assert!(bare.errors.is_absent());

    let failed_status: ExecuteResponse = parse_example("execute-error-output-sdk-mock.json");
    assert_eq!(
        failed_status
            .data
            .as_ref()
            .unwrap()
            .status
            .as_ref()
            .unwrap()
            .as_str(),
        "error"
    );

    let placeholder: ExecuteResponse = parse_example("execute-reference-placeholder.json");
    assert_eq!(placeholder.error_messages(), vec!["<unknown>".to_string()]);

    let docs: ExecuteResponse = parse_example("execute-success-docs.json");
    let Output::Rich { bundle, .. } = &docs.data.as_ref().unwrap().outputs[1] else {
        panic!("display_data expected");
    };
    assert_eq!(
        bundle.text("text/plain"),
        Some("<Figure size 640x480 with 1 Axes>")
    );
    assert!(docs.error_messages().is_empty());
}

#[test]
fn unknown_output_types_and_shapes_are_kept() {
    let text = r#"{
        "data": {"session_id": "ses_x", "outputs": [
            {"type": "progress", "data": {"percent": 50}},
            {"type": "stdout", "data": ["not", "text"]}
        ], "status": "queued", "trace_id": "t1"},
        "errors": null,
        "request_id": "r1"
    }"#;
    let parsed: ExecuteResponse = serde_json::from_str(text).unwrap();
    let outputs = &parsed.data.as_ref().unwrap().outputs;
    assert!(matches!(&outputs[0], Output::Unknown { kind, .. } if kind == "progress"));
    assert!(matches!(&outputs[1], Output::Unknown { kind, .. } if kind == "stdout"));
    assert_eq!(
        written(&parsed),
        serde_json::from_str::<Value>(text).unwrap()
    );
}

#[test]
fn session_timestamps_in_both_spellings_parse() {
    for name in [
        "sessions-list-docs-2025-03.json",
        "sessions-list-docs-2025-12.json",
    ] {
        let list: SessionListResponse = parse_example(name);
        for session in &list.data.as_ref().unwrap().sessions {
            for stamp in [
                &session.started_at,
                &session.last_execute_at,
                &session.expires_at,
            ] {
                assert!(timestamp::parse_micros(stamp).is_some(), "{name}: {stamp}");
            }
            let started = timestamp::parse_micros(&session.started_at).unwrap();
            let expires = timestamp::parse_micros(&session.expires_at).unwrap();
            assert_eq!(expires - started, 30 * 60 * 1_000_000, "{name}");
        }
    }
}

#[test]
fn what_we_write_validates_against_the_schemas() {
    let schemas = Schemas::load();
    let requests = [
        ExecuteRequest::python("x = 42", None),
        ExecuteRequest::python("print(x)", Some("ses_abc".into())),
        ExecuteRequest {
            files: Some(vec![
                FileUpload {
                    name: "data.csv".into(),
                    encoding: FileEncoding::String,
                    content: "a,b\n1,2\n".into(),
                },
                FileUpload {
                    name: "logo.png".into(),
                    encoding: FileEncoding::Base64,
                    content: "iVBORw0KGgo=".into(),
                },
            ]),
            ..ExecuteRequest::python("open('data.csv').read()", None)
        },
    ];
    for request in &requests {
        schemas.assert_valid("ExecuteRequest", &written(request));
    }

    let bundle = object(
        r#"{"text/plain": "<Figure>", "image/png": "iVBORw0KGgo=", "application/json": {"a": 1}}"#,
    );
    let success = ExecuteResponse::success(
        "ses_abc",
        vec![
            Output::stdout("hi\n"),
            Output::stderr("careful\n"),
            Output::Error("\u{1b}[31mZeroDivisionError\u{1b}[0m".into()),
            Output::Rich {
                kind: RichKind::DisplayData,
                bundle: MimeBundle::Map(bundle),
            },
            Output::Rich {
                kind: RichKind::ExecuteResult,
                bundle: MimeBundle::Map(object(r#"{"text/plain": "42"}"#)),
            },
        ],
    );
    schemas.assert_valid("ExecuteResponse", &written(&success));

    let failure = ApiError::new(
        "Session ses_x does not exist",
        "invalid_request_error",
        "session_not_found",
    );
    schemas.assert_valid("ExecuteResponse", &written(&failure));

    let list = SessionListResponse {
        data: Some(SessionList {
            sessions: vec![SessionInfo {
                id: "ses_abc".into(),
                execute_count: 2,
                started_at: timestamp::format_micros(1_741_775_662_125_248),
                last_execute_at: timestamp::format_micros(1_741_775_844_145_685),
                expires_at: timestamp::format_micros(1_741_779_262_125_248),
            }],
        })
        .into(),
        ..Default::default()
    };
    schemas.assert_valid("SessionListResponse", &written(&list));
}

#[test]
fn the_validator_rejects_what_breaks_the_schema() {
    // Guards the guard: a validator that accepts everything proves nothing.
    let schemas = Schemas::load();
    assert!(
        !schemas
            .violations("ExecuteRequest", &json!({"language": "python"}))
            .is_empty()
    );
    assert!(
        !schemas
            .violations("ExecuteRequest", &json!({"code": "1", "language": "ruby"}))
            .is_empty()
    );
    assert!(
        !schemas
            .violations(
                "ExecuteRequest",
                &json!({"code": "1", "language": "python", "session_id": null})
            )
            .is_empty()
    );
    assert!(
        !schemas
            .violations(
                "ExecuteResponse",
                &json!({"data": {"session_id": "s", "outputs": []}})
            )
            .is_empty()
    );
    assert!(!schemas.violations("ExecuteResponse", &json!({"data": {"session_id": "s", "outputs": [{"type": "stdout", "data": 1}]}, "errors": null})).is_empty());
    assert!(
        !schemas
            .violations(
                "SessionListResponse",
                &json!({"data": {"sessions": [{"id": "s"}]}})
            )
            .is_empty()
    );
}

/// The member a typed read fails at, named as the server's 422 names it.
fn failure_at<T: DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
    let reader = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(reader)
        .unwrap_err()
        .to_string()
}

#[test]
fn requests_parse_liberally_and_reject_clearly() {
    let minimal: ExecuteRequest = serde_json::from_str(r#"{"code": "1"}"#).unwrap();
    assert_eq!(minimal, ExecuteRequest::python("1", None));
    let with_null: ExecuteRequest =
        serde_json::from_str(r#"{"code": "1", "session_id": null, "extra": [1]}"#).unwrap();
    assert_eq!(with_null.session_id, None);
    assert!(
        failure_at::<ExecuteRequest>(r#"{"code": "1", "language": "ruby"}"#)
            .starts_with("language: unknown variant `ruby`, expected `python`")
    );
    assert!(
        failure_at::<ExecuteRequest>(r#"{"language": "python"}"#)
            .starts_with("missing field `code`")
    );
    assert!(
        failure_at::<ExecuteRequest>(r#"{"code": 5}"#)
            .starts_with("code: invalid type: integer `5`, expected a string")
    );
    assert!(
        failure_at::<ExecuteRequest>(
            r#"{"code": "1", "files": [{"name": "a", "encoding": "string", "content": ""}, {"name": "b"}]}"#,
        )
        .starts_with("files[1]: missing field `encoding`")
    );
    assert!(
        failure_at::<ExecuteRequest>(r#"{"code": "1", "code": "2"}"#)
            .starts_with("duplicate field `code`")
    );
    assert!(
        failure_at::<ExecuteResponse>(r#"{"data": null, "errors": [], "data": null}"#)
            .starts_with("duplicate field `data`")
    );
    assert!(
        failure_at::<ExecuteResponse>(
            r#"{"data": {"session_id": "a", "outputs": [], "session_id": "b"}}"#
        )
        .starts_with("data: duplicate field `session_id`")
    );
    // Malformed text and JSON of the wrong shape are told apart (the server
    // answers 400 and 422).
    let category = |text: &str| {
        serde_json::from_str::<ExecuteRequest>(text)
            .unwrap_err()
            .classify()
    };
    assert_eq!(category("{\"code\": "), Category::Eof);
    assert_eq!(category("{\"code\" 1}"), Category::Syntax);
    assert_eq!(category("[]"), Category::Data);
    assert_eq!(
        serde_json::to_string(&minimal).unwrap(),
        r#"{"code":"1","language":"python"}"#
    );
}

#[test]
fn responses_keep_absent_and_null_apart() {
    for text in [
        r#"{"data":null}"#,
        r#"{"data":null,"errors":null}"#,
        r#"{"errors":[]}"#,
    ] {
        let parsed: ExecuteResponse = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
    }
    let odd_errors: ExecuteResponse = serde_json::from_str(r#"{"errors": {"why": 1}}"#).unwrap();
    assert_eq!(
        odd_errors.error_messages(),
        vec![r#"{"why":1}"#.to_string()]
    );
}

#[test]
fn hostile_nesting_is_refused_not_a_crash() {
    // Far deeper than any stack could recurse. Where untyped JSON is kept
    // (an unknown member, an output's data, an error entry) the read is
    // refused; a request's unknown member is skipped without recursing.
    let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    for text in [
        format!(r#"{{"trace": {deep}}}"#),
        format!(r#"{{"data": {{"outputs": [{{"type": "x", "data": {deep}}}]}}}}"#),
        format!(r#"{{"errors": [{deep}]}}"#),
    ] {
        let error = serde_json::from_str::<ExecuteResponse>(&text).unwrap_err();
        assert!(
            error.to_string().starts_with("recursion limit exceeded"),
            "{text:.40}: {error}"
        );
    }
    let request: ExecuteRequest =
        serde_json::from_str(&format!(r#"{{"code": "1", "extra": {deep}}}"#)).unwrap();
    assert_eq!(request.code, "1");
    // What a real response nests (a plot's JSON, say) still reads.
    let nested = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let text = format!(r#"{{"data": {{"outputs": [{{"type": "x", "data": {nested}}}]}}}}"#);
    assert!(serde_json::from_str::<ExecuteResponse>(&text).is_ok());
}

#[test]
fn strings_are_escaped_as_json_requires_and_read_back() {
    let text =
        "quote \" backslash \\ newline \n tab \t bell \u{7} esc \u{1b} nul \u{0} é 😀 \u{2028}";
    let output = Output::stdout(text);
    let written = serde_json::to_string(&output).unwrap();
    assert!(
        written.contains(
            r#"quote \" backslash \\ newline \n tab \t bell \u0007 esc \u001b nul \u0000 é 😀"#
        ),
        "{written}"
    );
    assert_eq!(serde_json::from_str::<Output>(&written).unwrap(), output);
    let escaped: Output =
        serde_json::from_str(r#"{"type": "stdout", "data": "\u00e9\ud83d\ude00\/"}"#).unwrap();
    assert_eq!(escaped, Output::stdout("é😀/"));
    assert!(serde_json::from_str::<Output>(r#"{"type": "stdout", "data": "\ud83d"}"#).is_err());
}

#[test]
fn members_keep_their_order() {
    // A JSON output is shown as Python wrote it, and what is written back
    // keeps the order it arrived in.
    let text = r#"{"data":{"session_id":"s","outputs":[{"type":"display_data","data":{"text/plain":"p","image/png":"iVBO","application/json":{"z":1,"a":2}}}],"zeta":1,"alpha":2},"errors":null,"y":1,"b":2}"#;
    let parsed: ExecuteResponse = serde_json::from_str(text).unwrap();
    let Output::Rich { bundle, .. } = &parsed.data.as_ref().unwrap().outputs[0] else {
        panic!("display_data expected");
    };
    assert_eq!(
        bundle.mime_types(),
        ["text/plain", "image/png", "application/json"]
    );
    assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
}
