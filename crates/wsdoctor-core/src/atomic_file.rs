//! Writing a file so that a reader (or a crash) never sees half of it: write a temporary file beside the
//! target, flush it to disk, rename it over the target, then flush the folder so the rename itself
//! survives a power cut.
//!
//! The temporary name is unpredictable and created exclusively (`O_EXCL`, which also refuses to follow
//! a symbolic link planted under that name), so another user of a shared folder cannot redirect the
//! write.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// A name no other writer (or attacker) can guess in advance: the process, a counter, and the clock's
/// nanoseconds mixed.
fn temporary_name(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut mixed = nanos ^ count.rotate_left(32) ^ (u64::from(std::process::id()) << 16);
    // splitmix64: spreads the bits so neighbouring names share nothing guessable.
    mixed = mixed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    mixed ^= mixed >> 31;
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{}-{mixed:016x}.tmp", std::process::id()));
    PathBuf::from(name)
}

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// [`write_atomically`] for content that `write` streams into the file (an export too long to hold in
/// memory first). If `write` fails, the target is left as it was.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    let io = |e| Error::io(format!("cannot write {}", path.display()), e);
    let tmp = temporary_name(path);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| {
            write(&mut file)?;
            file.sync_all()?;
            crash_point_for_tests(path);
            Ok(())
        });
    if let Err(error) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(error));
    }
    // The rename is an entry of the folder: flush the folder too (not possible on every platform).
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The crash-safety tests' hook: a process started with `WSDOCTOR_TEST_CRASH_BEFORE_RENAME=<suffix>` dies
/// here, between writing the temporary copy of a file whose name ends with the suffix and renaming it, as
/// a power cut would.
#[cfg(feature = "test-seams")]
fn crash_point_for_tests(path: &Path) {
    if let Some(suffix) = std::env::var("WSDOCTOR_TEST_CRASH_BEFORE_RENAME")
        .ok()
        .filter(|s| !s.is_empty())
        && path.to_string_lossy().ends_with(&suffix)
    {
        std::process::abort();
    }
}

/// Without the `test-seams` feature (every build a user gets) the hook does nothing.
#[cfg(not(feature = "test-seams"))]
fn crash_point_for_tests(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_at_the_target_is_replaced_not_written_through_and_names_differ() {
        let dir = std::env::temp_dir().join(format!("wsd-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let target = dir.join("report.json");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_atomically(&target, b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(std::fs::symlink_metadata(&target).unwrap().is_file());
        assert_ne!(temporary_name(&target), temporary_name(&target));
        let leftovers = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
