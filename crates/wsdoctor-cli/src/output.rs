//! Writing files so that a reader never sees half of one: write beside the target, then rename.

use std::path::{Path, PathBuf};

use wsdoctor_core::{Error, Result};

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e| Error::Io {
        context: format!("cannot write {}", path.display()),
        source: e,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    if let Err(error) = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(error));
    }
    Ok(())
}
