//! Reading a file a user (or a ticket) hands over: only regular files, never more than a stated size.
//!
//! A FIFO given as a log would block a read forever, `/dev/zero` as an nginx include would fill memory,
//! a 200 MB HAR would be read whole: every file input goes through here instead, and a bad one is a
//! clear error that names the file. The file is opened without blocking and judged by its handle (not
//! by its path, which could change in between), then read through a limit.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest nginx or Apache config file read (each, includes too).
pub const MAX_CONFIG_BYTES: u64 = 4 << 20;
/// The largest CA bundle, certificate or key file read.
pub const MAX_PEM_BYTES: u64 = 4 << 20;
/// The largest profiles, HAR or export file imported.
pub const MAX_IMPORT_BYTES: u64 = 32 << 20;
/// The largest stored profile, history run or index read.
pub const MAX_STORED_BYTES: u64 = 16 << 20;

/// Opens `path` for reading if it is a regular file (following links to one).
pub fn open_regular(path: &Path, what: &str) -> Result<(File, u64), String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO opened for reading blocks until a writer comes; non-blocking, it opens at once.
        options.custom_flags(libc_o_nonblock());
    }
    let file = options
        .open(path)
        .map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a pipe, socket or device)"
        };
        return Err(format!("the {what} {} is {kind}", path.display()));
    }
    Ok((file, meta.len()))
}

#[cfg(unix)]
fn libc_o_nonblock() -> i32 {
    // O_NONBLOCK: 0o4000 on Linux and the BSDs, 0x0004 on macOS.
    if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd"
    )) {
        0x0004
    } else {
        0o4000
    }
}

/// The bytes of a regular file of at most `max` bytes.
pub fn read_capped(path: &Path, max: u64, what: &str) -> Result<Vec<u8>, String> {
    let (file, size) = open_regular(path, what)?;
    let too_big = || {
        format!(
            "the {what} {} is larger than {} (the most WS Doctor reads)",
            path.display(),
            size_words(max)
        )
    };
    if size > max {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // A file that grows while it is read stops at the limit too.
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// The text of a regular file of at most `max` bytes (invalid UTF-8 is an error).
pub fn read_text_capped(path: &Path, max: u64, what: &str) -> Result<String, String> {
    String::from_utf8(read_capped(path, max, what)?)
        .map_err(|_| format!("the {what} {} is not UTF-8 text", path.display()))
}

/// `4 MB`, `512 KB`.
pub fn size_words(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{} KB", bytes >> 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = std::env::temp_dir().join(format!("wsd-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("small.conf");
        std::fs::write(&file, "events {}\n").unwrap();
        assert_eq!(
            read_text_capped(&file, 100, "config").unwrap(),
            "events {}\n"
        );
        let error = read_capped(&file, 4, "config").unwrap_err();
        assert!(error.contains("larger than"), "{error}");
        let error = read_capped(&dir, 100, "config").unwrap_err();
        assert!(error.contains("folder"), "{error}");
        let error = read_capped(Path::new("/dev/zero"), 100, "config").unwrap_err();
        assert!(error.contains("not a regular file"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
