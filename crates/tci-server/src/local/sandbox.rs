//! The bubblewrap sandbox around a session's Python: how it is invoked, and
//! whether it works on this machine (`--sandbox auto` asks before the first
//! session starts, with the very arguments sessions get).

use std::path::Path;
use std::process::Command;

/// `bwrap` ready to run a program in the sandbox of the session folder
/// `dir`; the program and its arguments come next.
pub fn command(dir: &Path, cache_dir: &Path) -> Command {
    let mut command = Command::new("bwrap");
    command.args(args(dir, cache_dir));
    command
}

/// Whether bubblewrap runs `true` here in a session's sandbox; why not if
/// it cannot.
pub fn works() -> Result<(), String> {
    let scratch = tempfile::tempdir().map_err(|error| format!("a folder to try it in: {error}"))?;
    let (dir, cache_dir) = (scratch.path().join("session"), scratch.path().join("cache"));
    for folder in [&dir, &cache_dir] {
        std::fs::create_dir(folder).map_err(|error| format!("a folder to try it in: {error}"))?;
    }
    let output = command(&dir, &cache_dir)
        .arg("true")
        .output()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => "bwrap is not installed".to_owned(),
            _ => format!("bwrap: {error}"),
        })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    Err(if stderr.is_empty() {
        format!("bwrap {}", output.status)
    } else {
        stderr
    })
}

/// bubblewrap arguments: the whole file system read-only (no tmpfs over
/// /tmp: the interpreter itself may live there), no network, and only the
/// session folder (and shared caches) writable. Temporary files go to the
/// session's own `.tmp` through TMPDIR.
fn args(dir: &Path, cache_dir: &Path) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = [
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--die-with-parent",
    ]
    .into_iter()
    .map(Into::into)
    .collect();
    for writable in [cache_dir, dir] {
        args.extend(["--bind".into(), writable.into(), writable.into()]);
    }
    args.extend(["--chdir".into(), dir.into()]);
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_args_make_only_the_session_writable() {
        let args = args("/w/s1".as_ref(), "/w/.cache".as_ref());
        let text: Vec<_> = args
            .iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        assert!(text.windows(3).any(|w| w == ["--ro-bind", "/", "/"]));
        assert!(text.windows(3).any(|w| w == ["--bind", "/w/s1", "/w/s1"]));
        assert!(text.contains(&"--unshare-net".to_string()));
    }
}
