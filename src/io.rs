//! Reading and writing files with errors that name the file.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Reads a UTF-8 text file; strips a byte-order mark. Text that is not UTF-8 is an error
/// naming the file and the byte offset (no lossy decoding: a wrong encoding would silently
/// change what the model reads).
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode(bytes, path)
}

/// Decodes bytes read from `origin` as UTF-8 (see [`read_text`]).
pub fn decode(bytes: Vec<u8>, origin: &Path) -> Result<String> {
    let mut s = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::input(origin, Some(line), format!("not valid UTF-8 (byte {at})"))
    })?;
    if s.starts_with('\u{feff}') {
        s.drain(..3);
    }
    Ok(s)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed and
/// synced, then renamed over the target. A crash never leaves a half-written file at `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::input(path, None, "the folder does not exist"));
    }
    let name = path
        .file_name()
        .ok_or_else(|| Error::input(path, None, "not a file path"))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}
