//! The older part of a session's log, on disk: entries that leave the in-memory window are appended, one
//! JSON line each, to segment files in a folder the front end chooses (the app's cache dir), so a capture's
//! memory stays flat however long it runs. What stays in memory per spilled entry is its offset (4 bytes).
//!
//! The oldest entries are dropped one at a time, as from the ring buffer; a segment file is deleted once
//! none of its entries is kept, and every file is deleted when the log is dropped (the session closed).
//! Files a crashed process left behind are removed by [`sweep`], which the app runs at start and at exit.
//! The files are created readable by their owner only: they hold the user's traffic, as the memory did.

use std::collections::VecDeque;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::entry::Entry;

/// How the segment files are named (`wsdoctor-console-XXXXXX.jsonl`), for [`sweep`].
const PREFIX: &str = "wsdoctor-console-";
const SUFFIX: &str = ".jsonl";
/// A segment takes entries until it holds this many bytes; then the next one starts. Small enough that a
/// dropped segment gives its disk space back soon, large enough that a flood makes few files.
const SEGMENT_BYTES: u64 = 32 << 20;
/// What the writer buffers before it writes.
const WRITE_BUFFER: usize = 256 << 10;

struct Segment {
    file: BufWriter<NamedTempFile>,
    /// Where each entry starts; the first one at 0.
    offsets: Vec<u32>,
    /// Bytes written (the end of the last entry).
    end: u64,
    /// Entries at the front that are dropped (their bytes stay until the whole file goes).
    skip: usize,
}

impl Segment {
    fn create(dir: &Path) -> io::Result<Segment> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::Builder::new()
            .prefix(PREFIX)
            .suffix(SUFFIX)
            .tempfile_in(dir)?;
        Ok(Segment {
            file: BufWriter::with_capacity(WRITE_BUFFER, file),
            offsets: Vec::new(),
            end: 0,
            skip: 0,
        })
    }

    fn kept(&self) -> usize {
        self.offsets.len() - self.skip
    }

    /// The bytes of entry `i` (counted from the first written): its start and its end.
    fn span(&self, i: usize) -> (u64, u64) {
        let start = u64::from(self.offsets[i]);
        let end = self
            .offsets
            .get(i + 1)
            .map_or(self.end, |next| u64::from(*next));
        (start, end)
    }

    /// Entries `start..end` (counted from the first kept), read back in one read.
    fn read(&mut self, start: usize, end: usize, out: &mut Vec<Entry>) -> io::Result<()> {
        if start >= end {
            return Ok(());
        }
        if !self.file.buffer().is_empty() {
            self.file.flush()?;
        }
        let (from, _) = self.span(self.skip + start);
        let (_, to) = self.span(self.skip + end - 1);
        let length = usize::try_from(to - from).map_err(io::Error::other)?;
        let mut bytes = vec![0; length];
        self.file
            .get_ref()
            .as_file()
            .read_exact_at(&mut bytes, from)?;
        for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            out.push(serde_json::from_slice(line).map_err(io::Error::other)?);
        }
        if out.len() < end - start {
            return Err(io::Error::other("a spilled entry is missing from its file"));
        }
        Ok(())
    }
}

/// The entries older than the in-memory window, oldest first.
pub(crate) struct Spill {
    dir: PathBuf,
    /// [`SEGMENT_BYTES`], smaller in tests.
    segment_bytes: u64,
    segments: VecDeque<Segment>,
    /// Entries kept, and the bytes they take on disk.
    len: usize,
    bytes: u64,
    line: Vec<u8>,
}

impl Spill {
    /// A spill into `dir` (created when the first entry comes).
    pub fn new(dir: PathBuf) -> Spill {
        Spill {
            dir,
            segment_bytes: SEGMENT_BYTES,
            segments: VecDeque::new(),
            len: 0,
            bytes: 0,
            line: Vec::new(),
        }
    }

    #[cfg(test)]
    pub fn with_segment_bytes(dir: PathBuf, segment_bytes: u64) -> Spill {
        Spill {
            segment_bytes,
            ..Spill::new(dir)
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Appends the newest entry.
    pub fn push(&mut self, entry: &Entry) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, entry).map_err(io::Error::other)?;
        self.line.push(b'\n');
        let size = self.line.len() as u64;
        let full = self
            .segments
            .back()
            .is_none_or(|s| s.end > 0 && s.end + size > self.segment_bytes);
        if full {
            self.segments.push_back(Segment::create(&self.dir)?);
        }
        let Some(segment) = self.segments.back_mut() else {
            return Err(io::Error::other("no segment to write to"));
        };
        let offset = u32::try_from(segment.end)
            .map_err(|_| io::Error::other("a spill segment outgrew 4 GiB"))?;
        segment.file.write_all(&self.line)?;
        segment.offsets.push(offset);
        segment.end += size;
        self.len += 1;
        self.bytes += size;
        Ok(())
    }

    /// Drops the oldest entry; its file goes when it was the last one kept there.
    pub fn drop_oldest(&mut self) {
        let Some(segment) = self.segments.front_mut() else {
            return;
        };
        let (start, end) = segment.span(segment.skip);
        segment.skip += 1;
        self.len -= 1;
        self.bytes -= end - start;
        if segment.kept() == 0 {
            // Dropping the NamedTempFile deletes the file.
            self.segments.pop_front();
        }
    }

    /// Entries `start..end` (0 is the oldest kept), oldest first.
    pub fn read(&mut self, mut start: usize, end: usize) -> io::Result<Vec<Entry>> {
        let end = end.min(self.len);
        let mut out = Vec::with_capacity(end.saturating_sub(start));
        let mut first = 0;
        for segment in &mut self.segments {
            let kept = segment.kept();
            if start >= end {
                break;
            }
            if start < first + kept {
                let stop = end.min(first + kept);
                let mut part = Vec::with_capacity(stop - start);
                segment.read(start - first, stop - first, &mut part)?;
                out.append(&mut part);
                start = stop;
            }
            first += kept;
        }
        Ok(out)
    }
}

/// Deletes the segment files in `dir` that no log holds any more (those a crashed process left); a file a
/// running session still writes is unlinked too, which that session does not notice (it keeps its open
/// file). Returns how many were deleted.
pub fn sweep(dir: &Path) -> io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    let mut deleted = 0;
    for entry in entries {
        let entry = entry?;
        if is_segment(&entry.file_name()) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// Whether a file name is one [`Segment::create`] gives.
fn is_segment(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with(PREFIX) && name.ends_with(SUFFIX)
}

/// The segment files in `dir`, for tests (the log's own and the secrets test) to look into.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| is_segment(&e.file_name()))
        .map(|e| e.path())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_deletes_the_segment_files_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("wsdoctor-console-abc123.jsonl"), "{}\n").unwrap();
        std::fs::write(dir.path().join("notes.jsonl"), "mine").unwrap();
        std::fs::create_dir(dir.path().join("wsdoctor-console-dir.jsonl")).unwrap();
        assert_eq!(files(dir.path()).len(), 2);
        assert_eq!(sweep(dir.path()).unwrap(), 1);
        assert!(dir.path().join("notes.jsonl").exists());
        assert!(dir.path().join("wsdoctor-console-dir.jsonl").is_dir());
        assert_eq!(sweep(&dir.path().join("absent")).unwrap(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_segment_file_is_readable_by_its_owner_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let segment = Segment::create(&dir.path().join("console")).unwrap();
        let mode = segment
            .file
            .get_ref()
            .as_file()
            .metadata()
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
