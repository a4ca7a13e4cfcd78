//! Shared harness for the CLI tests: a temp dir, the built binary, and output checks.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path under `tests/data`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/data").join(rel)
}

/// A scratch folder removed at drop.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Self {
        Dir {
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// Writes a file (creating folders) and returns its path.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "exit code; stderr:\n{}", self.stderr);
        &self.stdout
    }

    /// Asserts a fatal error: exit 2, one line on stderr that contains `needle`, no panic.
    #[track_caller]
    pub fn fatal(&self, needle: &str) {
        assert_eq!(
            self.code, 2,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        // progress lines may come first; the error is one line, the last
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("stance: error: "))
            .collect();
        assert_eq!(
            errors.len(),
            1,
            "want one error line on stderr, got:\n{}",
            self.stderr
        );
        assert_eq!(
            self.stderr.lines().last(),
            Some(errors[0]),
            "{}",
            self.stderr
        );
        assert!(
            errors[0].contains(needle),
            "want `{needle}` in: {}",
            errors[0]
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
    }
}

/// Runs `stance` with `args` in `cwd`.
pub fn stance(args: &[&str]) -> Run {
    stance_in(&root(), args, None)
}

/// Runs `stance` with `args`, in `cwd`, with `stdin` piped in.
pub fn stance_in(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stance"));
    cmd.args(args).current_dir(cwd);
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run stance");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut si = child.stdin.take().unwrap();
        si.write_all(input).unwrap();
    }
    Run::from(child.wait_with_output().unwrap())
}

/// Whether the tests run as root (who can read and write anything).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs `stance` as an unprivileged user: as root, through `setpriv` as `nobody`, so that
/// file permissions apply; otherwise as the current user. The binary is copied into `dir`
/// (which must be open to others) and run there, so that nothing of the checkout needs to be
/// reachable by `nobody`.
pub fn stance_unprivileged(dir: &Path, args: &[&str]) -> Run {
    let bin = dir.join("stance-bin");
    std::fs::copy(env!("CARGO_BIN_EXE_stance"), &bin).expect("copy the binary");
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    Run::from(
        cmd.output()
            .expect("run stance (setpriv from util-linux when root)"),
    )
}

/// A path as &str.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
