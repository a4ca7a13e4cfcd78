//! The crate's one error type.
//!
//! Every variant that comes from user input names where the problem is (file, and line or
//! field when known), so the command line can print it on one line and exit with code 2.

use std::path::{Path, PathBuf};

/// Errors raised by `stance`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file's content is not what it should be; `line` is 1-based when known.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Input {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// A model file is missing parts, corrupt, or from another format version.
    #[error("{path}: not a usable stance model: {message}")]
    Model { path: PathBuf, message: String },
    /// Training could not be done with the data and settings given.
    #[error("training: {0}")]
    Training(String),
    /// A usage problem that is not tied to a file.
    #[error("{0}")]
    Usage(String),
    /// An error reported by linfa.
    #[error("linfa: {0}")]
    Linfa(#[from] linfa::Error),
}

/// Shorthand result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// A content error in `path`, at `line` when known.
    pub fn input(path: impl AsRef<Path>, line: Option<usize>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.as_ref().to_path_buf(),
            line,
            message: message.into(),
        }
    }

    /// A model file error.
    pub fn model(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::Model {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
        }
    }
}
