//! The TCI contract as test data: the OpenAPI document and the example
//! response bodies vendored in `contract/`, and a validator for the schemas
//! the document defines. Only built with the `contract` feature, for tests.

use std::path::PathBuf;

use serde_json::Value;

/// The vendored contract folder (`tci-openapi.yaml`, `examples/`).
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contract")
}

/// Every example response body, as `(file name, text)`, sorted by name.
pub fn examples() -> Vec<(String, String)> {
    let mut examples: Vec<(String, String)> = std::fs::read_dir(dir().join("examples"))
        .expect("contract/examples is readable")
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let text = std::fs::read_to_string(&path).expect("example is readable");
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, text)
        })
        .collect();
    examples.sort_by(|a, b| a.0.cmp(&b.0));
    examples
}

/// Validators for the schemas under `components.schemas` of the OpenAPI
/// document, read from the YAML itself so no schema is copied by hand.
#[derive(Debug)]
pub struct Schemas {
    document: Value,
}

impl Schemas {
    pub fn load() -> Self {
        let yaml = std::fs::read_to_string(dir().join("tci-openapi.yaml"))
            .expect("tci-openapi.yaml is readable");
        let document: Value = serde_yaml::from_str(&yaml).expect("tci-openapi.yaml is YAML");
        Schemas { document }
    }

    /// Every violation of `components.schemas.<name>` by `instance`; empty
    /// when it validates.
    pub fn violations(&self, name: &str, instance: &Value) -> Vec<String> {
        assert!(
            self.document["components"]["schemas"].get(name).is_some(),
            "no schema named {name}"
        );
        // The whole document is the root so that its internal `$ref`s resolve;
        // OpenAPI's own members are unknown keywords to JSON Schema.
        let mut root = self.document.clone();
        root["$ref"] = Value::String(format!("#/components/schemas/{name}"));
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&root)
            .expect("the OpenAPI document compiles as JSON Schema");
        validator
            .iter_errors(instance)
            .map(|error| format!("{error} at {}", error.instance_path))
            .collect()
    }

    /// Panics with every violation unless `instance` validates.
    pub fn assert_valid(&self, name: &str, instance: &Value) {
        let violations = self.violations(name, instance);
        assert!(
            violations.is_empty(),
            "{name} rejects {instance}:\n{}",
            violations.join("\n")
        );
    }
}
