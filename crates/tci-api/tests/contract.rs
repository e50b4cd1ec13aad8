//! The wire types against the contract: every example parses, round trips
//! are lossless, and what we write validates against the OpenAPI schemas.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use serde_json::{Value, json};
use tci_api::contract::{self, Schemas};
use tci_api::{
    ApiError, ExecuteRequest, ExecuteResponse, FileEncoding, FileUpload, MimeBundle, Output,
    RichKind, SessionInfo, SessionList, SessionListResponse, timestamp,
};

fn parse_example<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let (_, json) = contract::examples()
        .into_iter()
        .find(|(file, _)| file == name)
        .unwrap_or_else(|| panic!("no example {name}"));
    serde_json::from_value(json).unwrap()
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
    for (name, json) in examples {
        let written = if name.starts_with("sessions-") {
            let parsed: SessionListResponse = serde_json::from_value(json.clone()).unwrap();
            serde_json::to_value(&parsed).unwrap()
        } else {
            let parsed: ExecuteResponse = serde_json::from_value(json.clone()).unwrap();
            serde_json::to_value(&parsed).unwrap()
        };
        assert_eq!(written, json, "{name} changed in a round trip");
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
    let json = json!({
        "data": {"session_id": "ses_x", "outputs": [
            {"type": "progress", "data": {"percent": 50}},
            {"type": "stdout", "data": ["not", "text"]},
        ], "status": "queued", "trace_id": "t1"},
        "errors": null,
        "request_id": "r1"
    });
    let parsed: ExecuteResponse = serde_json::from_value(json.clone()).unwrap();
    let outputs = &parsed.data.as_ref().unwrap().outputs;
    assert!(matches!(&outputs[0], Output::Unknown { kind, .. } if kind == "progress"));
    assert!(matches!(&outputs[1], Output::Unknown { kind, .. } if kind == "stdout"));
    assert_eq!(serde_json::to_value(&parsed).unwrap(), json);
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
        schemas.assert_valid("ExecuteRequest", &serde_json::to_value(request).unwrap());
    }

    let bundle = json!({"text/plain": "<Figure>", "image/png": "iVBORw0KGgo=", "application/json": {"a": 1}});
    let success = ExecuteResponse::success(
        "ses_abc",
        vec![
            Output::stdout("hi\n"),
            Output::stderr("careful\n"),
            Output::Error("\u{1b}[31mZeroDivisionError\u{1b}[0m".into()),
            Output::Rich {
                kind: RichKind::DisplayData,
                bundle: MimeBundle::Map(bundle.as_object().unwrap().clone()),
            },
            Output::Rich {
                kind: RichKind::ExecuteResult,
                bundle: MimeBundle::Map(json!({"text/plain": "42"}).as_object().unwrap().clone()),
            },
        ],
    );
    schemas.assert_valid("ExecuteResponse", &serde_json::to_value(&success).unwrap());

    let failure = ApiError::new(
        "Session ses_x does not exist",
        "invalid_request_error",
        "session_not_found",
    );
    schemas.assert_valid("ExecuteResponse", &serde_json::to_value(&failure).unwrap());

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
    schemas.assert_valid("SessionListResponse", &serde_json::to_value(&list).unwrap());
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

#[test]
fn requests_parse_liberally_and_reject_clearly() {
    let minimal: ExecuteRequest = serde_json::from_value(json!({"code": "1"})).unwrap();
    assert_eq!(minimal, ExecuteRequest::python("1", None));
    let with_null: ExecuteRequest =
        serde_json::from_value(json!({"code": "1", "session_id": null})).unwrap();
    assert_eq!(with_null.session_id, None);
    let ruby = serde_json::from_value::<ExecuteRequest>(json!({"code": "1", "language": "ruby"}))
        .unwrap_err();
    assert!(ruby.to_string().contains("ruby"), "{ruby}");
    let missing =
        serde_json::from_value::<ExecuteRequest>(json!({"language": "python"})).unwrap_err();
    assert!(missing.to_string().contains("code"), "{missing}");
    let _: Value = serde_json::to_value(minimal).unwrap();
}
