//! Writing a file so that a reader (or a crash) never sees half of it: write a temporary file beside the
//! target, flush it to disk, then rename it over the target.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e| Error::io(format!("cannot write {}", path.display()), e);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = std::fs::File::create(&tmp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()?;
        crash_point_for_tests(path);
        Ok(())
    });
    if let Err(error) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(error));
    }
    Ok(())
}

/// The crash-safety tests' hook: a process started with `WSDOCTOR_TEST_CRASH_BEFORE_RENAME=<suffix>` dies
/// here, between writing the temporary copy of a file whose name ends with the suffix and renaming it, as
/// a power cut would.
fn crash_point_for_tests(path: &Path) {
    if let Some(suffix) = std::env::var("WSDOCTOR_TEST_CRASH_BEFORE_RENAME")
        .ok()
        .filter(|s| !s.is_empty())
        && path.to_string_lossy().ends_with(&suffix)
    {
        std::process::abort();
    }
}
