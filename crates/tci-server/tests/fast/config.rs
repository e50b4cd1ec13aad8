//! The README's configuration table against the flags themselves: every
//! flag `tci-server --help` prints is a row with its environment variable
//! and its default, and every row names a flag that exists.

use std::collections::BTreeMap;

use clap::CommandFactory;
use tci_server::config::Config;
use tci_testkit::workspace_root;

/// One row of the table: `| flag | env | default | meaning |`.
#[derive(Debug)]
struct Row {
    env: String,
    default: String,
}

/// The rows of the README's Configuration section, by flag (`--bind`).
fn readme_rows() -> BTreeMap<String, Row> {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Configuration\n")
        .nth(1)
        .expect("the README has a Configuration section");
    let section = section.split("\n## ").next().unwrap();
    let mut rows = BTreeMap::new();
    for line in section.lines().filter(|line| line.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [flag, env, default, _meaning] = cells[..] else {
            panic!("a configuration row has four cells: {line}");
        };
        let flag = flag.trim_matches('`');
        // The header, its rule and the row of the key, which has no flag.
        if !flag.starts_with("--") || flag.trim_matches('-').is_empty() {
            continue;
        }
        let row = Row {
            env: env.trim_matches('`').to_owned(),
            default: default.trim_matches('`').to_owned(),
        };
        assert!(
            rows.insert(flag.to_owned(), row).is_none(),
            "{flag} twice in the README"
        );
    }
    rows
}

#[test]
fn every_flag_is_in_the_readmes_table_with_its_env_and_default() {
    let mut rows = readme_rows();
    let mut command = Config::command();
    // Building fills in what clap derives, such as a switch's "false".
    command.build();
    let flags: Vec<_> = command
        .get_arguments()
        .filter(|arg| !matches!(arg.get_id().as_str(), "help" | "version"))
        .collect();
    assert!(flags.len() > 20, "clap lists the flags: {}", flags.len());
    for arg in flags {
        let flag = format!("--{}", arg.get_long().unwrap());
        let row = rows
            .remove(&flag)
            .unwrap_or_else(|| panic!("{flag} is missing from the README's configuration table"));
        let env = arg.get_env().unwrap().to_str().unwrap();
        assert_eq!(row.env, env, "{flag}: the README's environment variable");
        let defaults: Vec<_> = arg
            .get_default_values()
            .iter()
            .map(|value| value.to_str().unwrap())
            .collect();
        match defaults[..] {
            [] => assert!(row.default.starts_with("none"), "{flag} has no default"),
            // A switch: off unless given.
            ["false"] => assert_eq!(row.default, "off", "{flag} is off by default"),
            [default] => assert_eq!(row.default, default, "{flag}: the README's default"),
            _ => panic!("{flag} has several defaults: {defaults:?}"),
        }
    }
    assert!(
        rows.is_empty(),
        "the README lists flags the server does not have: {:?}",
        rows.keys().collect::<Vec<_>>()
    );
}
