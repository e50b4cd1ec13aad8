//! Files sent with an execution, written into the session's folder before
//! the code runs. A name that could land outside that folder is refused, and
//! then nothing at all is written.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

use tci_api::FileUpload;

/// A file to write, its content already decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFile {
    pub name: String,
    pub contents: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FileError {
    #[error("file name {0:?} is not allowed: {1}")]
    BadName(String, &'static str),
    #[error("could not write file {0:?}: {1}")]
    Write(String, String),
}

/// The path of `name` relative to the session folder, if it stays inside.
/// The rule is [`FileUpload::name_problem`], which the app checks too.
pub fn relative_path(name: &str) -> Result<PathBuf, FileError> {
    if let Some(why) = FileUpload::name_problem(name) {
        return Err(FileError::BadName(name.to_owned(), why));
    }
    // What is left are normal parts and `.`s, which the path drops.
    Ok(Path::new(name)
        .components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(part),
            _ => None,
        })
        .collect())
}

/// Writes every file into `dir`, after checking every name first.
pub fn write_all(dir: &Path, files: &[SessionFile]) -> Result<(), FileError> {
    let paths = files
        .iter()
        .map(|file| relative_path(&file.name))
        .collect::<Result<Vec<_>, _>>()?;
    let root = dir
        .canonicalize()
        .map_err(|error| FileError::Write(String::new(), error.to_string()))?;
    for (file, relative) in files.iter().zip(paths) {
        let fail = |error: std::io::Error| FileError::Write(file.name.clone(), error.to_string());
        let target = root.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
            // Code in the session can plant symlinks; the folder the file
            // lands in must still be inside the session.
            let real_parent = parent.canonicalize().map_err(fail)?;
            if !real_parent.starts_with(&root) {
                return Err(FileError::BadName(
                    file.name.clone(),
                    "a link in its path leads out of the session folder",
                ));
            }
        }
        let mut handle = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&target)
            .map_err(fail)?;
        handle.write_all(&file.contents).map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, contents: &str) -> SessionFile {
        SessionFile {
            name: name.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn names_that_escape_are_refused() {
        for name in [
            "",
            "/etc/passwd",
            "../up",
            "a/../../b",
            "nul\0byte",
            ".",
            "./",
        ] {
            assert!(relative_path(name).is_err(), "{name:?} was accepted");
        }
        assert_eq!(
            relative_path("data/x.csv").unwrap(),
            PathBuf::from("data/x.csv")
        );
        assert_eq!(relative_path("./x.csv").unwrap(), PathBuf::from("x.csv"));
        assert_eq!(relative_path("a//./b").unwrap(), PathBuf::from("a/b"));
    }

    /// The shared rule agrees with what the path itself says about every
    /// name: an absolute or `..` component, or nothing left to name.
    #[test]
    fn the_shared_rule_agrees_with_the_paths_components() {
        for name in [
            "x.csv", "./x", "a/b", "a//b", "a/./b", "a/", "/a", "//a", "..", "a/..", "..a", "a..b",
            ".hidden", "./.", "a/../b", "./..", " ", "dir/.", "\\..",
        ] {
            let components: Vec<_> = Path::new(name).components().collect();
            let escapes = components
                .iter()
                .any(|part| matches!(part, Component::ParentDir | Component::RootDir));
            let names_something = components
                .iter()
                .any(|part| matches!(part, Component::Normal(_)));
            assert_eq!(
                FileUpload::name_problem(name).is_none(),
                !escapes && names_something,
                "{name:?}"
            );
        }
    }

    #[test]
    fn one_bad_name_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = [file("good.txt", "hi"), file("../bad.txt", "no")];
        assert!(write_all(dir.path(), &files).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn files_land_in_subfolders() {
        let dir = tempfile::tempdir().unwrap();
        write_all(
            dir.path(),
            &[file("a/b/c.txt", "deep"), file("top.bin", "\u{1}")],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/b/c.txt")).unwrap(),
            "deep"
        );
        assert_eq!(std::fs::read(dir.path().join("top.bin")).unwrap(), vec![1]);
    }

    #[test]
    fn symlinks_planted_by_code_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("escape")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("t.txt"), dir.path().join("t.txt")).unwrap();
        assert!(write_all(dir.path(), &[file("escape/x.txt", "no")]).is_err());
        assert!(write_all(dir.path(), &[file("t.txt", "no")]).is_err());
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }
}
