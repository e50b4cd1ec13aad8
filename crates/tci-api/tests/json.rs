//! The JSON codec on its own: what it accepts and rejects, escapes, numbers,
//! the nesting limit, member order, and agreement with serde_json.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use tci_api::json::{
    self, Json, MAX_DEPTH, Number, Object, ShapeErrorKind, SyntaxError, SyntaxErrorKind, ToJson,
};

fn syntax_error(text: &str) -> SyntaxError {
    json::parse(text).unwrap_err()
}

fn round_trip(text: &str) -> String {
    json::parse(text).unwrap().compact()
}

#[test]
fn every_kind_of_value_reads_and_writes() {
    let text = r#" {"a": [1, -2.5e-3, true, false, null, "x"], "b": {}, "c": []} "#;
    let value = json::parse(text).unwrap();
    assert_eq!(
        value.compact(),
        r#"{"a":[1,-2.5e-3,true,false,null,"x"],"b":{},"c":[]}"#
    );
    let items = value.get("a").and_then(Json::as_array).unwrap();
    assert_eq!(items[5].as_str(), Some("x"));
    assert!(items[4].is_null());
    assert_eq!(value.get("missing"), None);
    assert_eq!(json::parse("\"top\"").unwrap(), Json::from("top"));
    assert_eq!(json::parse("\t\r\n 7 ").unwrap().compact(), "7");
}

#[test]
fn numbers_keep_their_text() {
    for text in [
        "0",
        "-0",
        "1.0",
        "1e3",
        "1E+3",
        "-1.25e-10",
        "12345678901234567890123",
        "0.1",
        "9007199254740993",
    ] {
        assert_eq!(round_trip(text), text);
        assert_eq!(Number::from_text(text).unwrap().as_str(), text);
    }
    let Json::Number(big) = json::parse("18446744073709551615").unwrap() else {
        panic!("a number");
    };
    assert_eq!(big.as_u64(), Some(u64::MAX));
    let Json::Number(fraction) = json::parse("2.5").unwrap() else {
        panic!("a number");
    };
    assert_eq!(fraction.as_u64(), None);
    assert_eq!(fraction.as_f64(), 2.5);
    assert_eq!(json::from_str::<f64>("1e2").unwrap(), 100.0);
    for value in [0.1, 1_732_600_000_123.5, -3.0, 1e-7, f64::MAX] {
        let text = json::to_string(&value);
        assert_eq!(json::from_str::<f64>(&text).unwrap(), value, "{text}");
    }
    assert_eq!(json::to_string(&f64::NAN), "null");
    assert_eq!(json::to_string(&3.0), "3");
    for bad in [
        "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "Infinity", "NaN",
    ] {
        assert!(json::parse(bad).is_err(), "{bad}");
        assert!(Number::from_text(bad).is_none(), "{bad}");
    }
}

#[test]
fn strings_escape_what_json_requires() {
    let text = "quote \" backslash \\ slash / newline \n tab \t cr \r bell \u{7} \
                esc \u{1b} nul \u{0} del \u{7f} é 😀 \u{2028}";
    let written = json::to_string(text);
    assert_eq!(
        written,
        "\"quote \\\" backslash \\\\ slash / newline \\n tab \\t cr \\r bell \\u0007 \
         esc \\u001b nul \\u0000 del \u{7f} é 😀 \u{2028}\""
    );
    assert_eq!(json::from_str::<String>(&written).unwrap(), text);
    assert_eq!(json::to_string("\u{8}\u{c}\u{1f}"), r#""\b\f\u001f""#);
    // What serde_json writes, this codec writes.
    assert_eq!(written, serde_json::to_string(text).unwrap());
}

#[test]
fn escapes_decode_including_surrogate_pairs() {
    let decoded: String =
        json::from_str(r#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00\uD834\uDD1E""#).unwrap();
    assert_eq!(decoded, "\"\\/\u{8}\u{c}\n\r\tAé€😀𝄞");
    for lone in [
        r#""\ud83d""#,
        r#""\ud83dx""#,
        r#""\ud83d\u0041""#,
        r#""\ude00""#,
    ] {
        assert_eq!(
            syntax_error(lone).kind,
            SyntaxErrorKind::LoneSurrogate,
            "{lone}"
        );
    }
    for bad in [r#""\x""#, r#""\u12""#, r#""\u12g4""#, r#""\'""#] {
        assert_eq!(
            syntax_error(bad).kind,
            SyntaxErrorKind::InvalidEscape,
            "{bad}"
        );
    }
    assert_eq!(
        syntax_error("\"a\u{1}b\"").kind,
        SyntaxErrorKind::ControlCharacter
    );
    assert_eq!(
        syntax_error("\"tab\there\"").kind,
        SyntaxErrorKind::ControlCharacter
    );
}

#[test]
fn invalid_text_is_rejected_with_its_position() {
    let error = syntax_error("{\n  \"a\": 1,\n  \"b\" 2\n}");
    assert_eq!(error.kind, SyntaxErrorKind::Expected("`:`"));
    assert_eq!((error.line, error.column, error.offset), (3, 7, 18));
    assert_eq!(error.to_string(), "expected `:` at line 3, column 7");
    // Columns count characters, not bytes.
    assert_eq!(syntax_error(r#"["é", x]"#).column, 7);
    let cases = [
        ("", SyntaxErrorKind::EndOfText("a value")),
        ("   ", SyntaxErrorKind::EndOfText("a value")),
        ("[1, 2", SyntaxErrorKind::EndOfText("`,` or `]`")),
        ("[1 2]", SyntaxErrorKind::Expected("`,` or `]`")),
        ("[1,]", SyntaxErrorKind::Expected("a value")),
        ("{\"a\": 1,}", SyntaxErrorKind::Expected("a string key")),
        ("{'a': 1}", SyntaxErrorKind::Expected("a string key")),
        (
            "{\"a\": 1 \"b\": 2}",
            SyntaxErrorKind::Expected("`,` or `}`"),
        ),
        ("\"open", SyntaxErrorKind::EndOfText("`\"`")),
        ("tru", SyntaxErrorKind::Expected("a value")),
        ("nul", SyntaxErrorKind::Expected("a value")),
        ("True", SyntaxErrorKind::Expected("a value")),
        ("{} {}", SyntaxErrorKind::TrailingText),
        ("1 2", SyntaxErrorKind::TrailingText),
        ("-", SyntaxErrorKind::InvalidNumber),
    ];
    for (text, kind) in cases {
        assert_eq!(syntax_error(text).kind, kind, "{text:?}");
    }
    assert_eq!(
        syntax_error("[1,").to_string(),
        "the text ends where a value should be at line 1, column 4"
    );
}

#[test]
fn nesting_is_limited_so_hostile_input_cannot_overflow_the_stack() {
    let nested = |depth: usize| "[".repeat(depth) + &"]".repeat(depth);
    assert!(json::parse(&nested(MAX_DEPTH)).is_ok());
    let error = syntax_error(&nested(MAX_DEPTH + 1));
    assert_eq!(error.kind, SyntaxErrorKind::TooDeep);
    assert_eq!(error.offset, MAX_DEPTH);
    // Far deeper than any stack could recurse: refused, not a crash.
    let hostile = "{\"a\":".repeat(1_000_000);
    assert_eq!(syntax_error(&hostile).kind, SyntaxErrorKind::TooDeep);
    assert_eq!(
        syntax_error(&"[".repeat(1_000_000)).kind,
        SyntaxErrorKind::TooDeep
    );
}

#[test]
fn objects_keep_member_order_and_duplicates() {
    let text = r#"{"z":1,"a":2,"m":3,"a":4}"#;
    let value = json::parse(text).unwrap();
    assert_eq!(value.compact(), text, "order and duplicates survive");
    let object = value.as_object().unwrap();
    assert_eq!(
        object.get("a"),
        json::parse("4").ok().as_ref(),
        "last one wins"
    );
    assert_eq!(object.keys().collect::<Vec<_>>(), ["z", "a", "m", "a"]);

    let mut object = object.clone();
    object.insert("a", Json::Null);
    assert_eq!(
        Json::from(object.clone()).compact(),
        r#"{"z":1,"a":null,"m":3}"#
    );
    object.insert("new", Json::Bool(true));
    assert_eq!(object.remove("z"), json::parse("1").ok());
    assert_eq!(
        Json::from(object).compact(),
        r#"{"a":null,"m":3,"new":true}"#
    );

    // Equality is JSON's: member order does not matter.
    assert_eq!(
        json::parse(r#"{"a":1,"b":[2]}"#).unwrap(),
        json::parse(r#"{"b":[2],"a":1}"#).unwrap()
    );
    assert_ne!(
        json::parse(r#"{"a":1}"#).unwrap(),
        json::parse(r#"{"a":1,"b":2}"#).unwrap()
    );
    assert_ne!(json::parse("[1,2]").unwrap(), json::parse("[2,1]").unwrap());
}

#[test]
fn pretty_text_is_indented_by_two_spaces() {
    let value = json::parse(r#"{"a":[1,{"b":null}],"c":{},"d":[],"e":"x\ny"}"#).unwrap();
    assert_eq!(
        value.pretty(),
        "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": \"x\\ny\"\n}"
    );
    assert_eq!(json::parse(&value.pretty()).unwrap(), value);
    assert_eq!(Json::Bool(true).pretty(), "true");
    // The same layout serde_json gives.
    let reference: serde_json::Value = serde_json::from_str(&value.compact()).unwrap();
    assert_eq!(
        value.pretty(),
        serde_json::to_string_pretty(&reference).unwrap()
    );
}

#[test]
fn text_serde_json_reads_the_same_way() {
    // No exponents: serde_json rewrites `1e10` as `10000000000.0`, which
    // this codec keeps apart as different text.
    let text = r#"{"s":"\u00e9\ud83d\ude00\n","n":[0,-1,2.5,-0.125],"o":{"k":[true,null]}}"#;
    let ours = json::parse(text).unwrap();
    let reference: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ours.compact()).unwrap(),
        reference
    );
    assert_eq!(json::parse(&reference.to_string()).unwrap(), ours);
}

#[test]
fn typed_reads_name_the_wrong_part() {
    let error = json::from_str::<Vec<String>>(r#"["a", 1]"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`[1]`: invalid type: expected a string, found a number"
    );
    let json::Error::Shape(shape) = json::from_str::<u64>("-1").unwrap_err() else {
        panic!("a shape error");
    };
    assert_eq!(
        shape.kind,
        ShapeErrorKind::InvalidType {
            expected: "a non-negative integer",
            found: "a number"
        }
    );
    assert!(json::from_str::<u32>("4294967296").is_err());
    assert_eq!(json::from_str::<u32>("4294967295").unwrap(), u32::MAX);
    assert_eq!(json::from_str::<Option<bool>>("null").unwrap(), None);

    let mut object: Object = json::from_str(r#"{"a": 1, "b": null}"#).unwrap();
    assert_eq!(object.take_optional::<u64>("b").unwrap(), None);
    assert_eq!(
        object.take_or_default::<Vec<u64>>("c").unwrap(),
        Vec::<u64>::new()
    );
    assert_eq!(object.take_required::<u64>("a").unwrap(), 1);
    assert!(object.is_empty(), "taken members are gone");
    assert_eq!(vec![Some(1u64), None].to_json().compact(), "[1,null]");
}
