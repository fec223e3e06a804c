//! The session's record: every frame and event as an entry with a sequence number, kept in a ring buffer
//! bounded by count and by bytes. When it is full the oldest entries go, and the count of dropped ones is
//! kept so the UI can say "N older entries dropped". Readers page by sequence number; the webview never
//! holds the whole log.
//!
//! Given a folder (the app's cache dir), the log keeps only its newest entries in memory and spills the
//! older ones to files there ([`super::spill`]), so the memory a capture takes stays flat however long it
//! runs; the limits then bound the disk. Should the disk fail, the entries on it are counted as dropped,
//! an error entry says why, and the log goes on in memory alone.

use std::collections::VecDeque;

use std::path::PathBuf;

use super::entry::{Direction, Entry, EntryKind};
use super::spill::Spill;

/// An entry as the log keeps it in memory: half the size of an [`Entry`] (no sequence number, which
/// follows from the position; boxed payloads; the optional numbers packed), because a flood keeps many.
#[derive(Clone)]
struct Stored {
    at_us: u64,
    text: Option<Box<str>>,
    data: Option<Box<str>>,
    /// NaN when there is none.
    rtt_ms: f32,
    size: u32,
    /// 0 when there is none (0 is not a close code).
    code: u16,
    direction: Direction,
    kind: EntryKind,
    decoded: Option<Box<crate::framework::Decoded>>,
}

impl Stored {
    fn new(entry: Entry) -> Self {
        Stored {
            at_us: entry.at_us,
            text: entry.text.map(String::into_boxed_str),
            data: entry.data.map(String::into_boxed_str),
            rtt_ms: entry.rtt_ms.map_or(f32::NAN, |r| r as f32),
            size: entry.size,
            code: entry.code.unwrap_or(0),
            direction: entry.direction,
            kind: entry.kind,
            decoded: entry.decoded.map(Box::new),
        }
    }

    fn entry(&self, seq: u64) -> Entry {
        self.clone().into_entry(seq)
    }

    fn into_entry(self, seq: u64) -> Entry {
        Entry {
            seq,
            at_us: self.at_us,
            direction: self.direction,
            kind: self.kind,
            size: self.size,
            text: self.text.map(String::from),
            data: self.data.map(String::from),
            rtt_ms: (!self.rtt_ms.is_nan()).then_some(f64::from(self.rtt_ms)),
            code: (self.code != 0).then_some(self.code),
            decoded: self.decoded.map(|d| *d),
        }
    }

    /// What the entry costs the byte limit.
    fn weight(&self) -> usize {
        std::mem::size_of::<Stored>()
            + self.text.as_ref().map_or(0, |t| t.len())
            + self.data.as_ref().map_or(0, |d| d.len())
            + self.decoded.as_ref().map_or(0, |d| d.weight())
    }
}

/// How much a session keeps: at most `max_entries` entries and `max_bytes` bytes in all, of which the
/// newest `window_entries` / `window_bytes` in memory when the log spills to disk.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_bytes: usize,
    pub window_entries: usize,
    pub window_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 1_000_000,
            max_bytes: 256 << 20,
            // What the UI shows and pages through most (a few screens), with room to spare.
            window_entries: 10_000,
            window_bytes: 8 << 20,
        }
    }
}

pub(crate) struct EntryLog {
    /// The newest entries, in memory.
    window: VecDeque<Stored>,
    window_bytes: usize,
    /// The entries older than the window, when the log has a folder for them.
    spill: Option<Spill>,
    /// The sequence number of the oldest entry kept (on disk or in memory).
    first_seq: u64,
    limits: Limits,
    next_seq: u64,
    pub dropped: u64,
}

impl EntryLog {
    /// A log in memory alone, or spilling beyond its window into `spill_dir`.
    pub fn new(limits: Limits, spill_dir: Option<PathBuf>) -> Self {
        EntryLog {
            window: VecDeque::new(),
            window_bytes: 0,
            spill: spill_dir.map(Spill::new),
            first_seq: 1,
            limits,
            next_seq: 1,
            dropped: 0,
        }
    }

    /// Records an entry (its `seq` is assigned here), spills what leaves the window and drops the oldest
    /// beyond the limits.
    pub fn push(&mut self, entry: Entry) -> u64 {
        let seq = self.push_stored(Stored::new(entry));
        self.spill_beyond_window();
        while self.len() > self.limits.max_entries
            || (self.bytes() > self.limits.max_bytes && self.len() > 1)
        {
            match &mut self.spill {
                Some(spill) if spill.len() > 0 => spill.drop_oldest(),
                _ => {
                    if let Some(old) = self.window.pop_front() {
                        self.window_bytes -= old.weight();
                    }
                }
            }
            self.first_seq += 1;
            self.dropped += 1;
        }
        seq
    }

    fn push_stored(&mut self, stored: Stored) -> u64 {
        self.next_seq += 1;
        self.window_bytes += stored.weight();
        self.window.push_back(stored);
        self.next_seq - 1
    }

    fn spill_beyond_window(&mut self) {
        let Some(spill) = &mut self.spill else {
            return;
        };
        while self.window.len() > self.limits.window_entries
            || (self.window_bytes > self.limits.window_bytes && self.window.len() > 1)
        {
            let Some(old) = self.window.pop_front() else {
                break;
            };
            self.window_bytes -= old.weight();
            let seq = self.first_seq + spill.len() as u64;
            if let Err(error) = spill.push(&old.into_entry(seq)) {
                // The entry in hand is lost with the ones already on disk.
                self.first_seq += 1;
                self.dropped += 1;
                self.abandon_spill(&error);
                return;
            }
        }
    }

    /// The disk failed: what it held counts as dropped (the files go), an error entry says so, and the log
    /// keeps to memory from now on.
    fn abandon_spill(&mut self, error: &std::io::Error) {
        let Some(spill) = self.spill.take() else {
            return;
        };
        let lost = spill.len() as u64;
        self.first_seq += lost;
        self.dropped += lost;
        let text = format!(
            "the console's log could not use {} ({error}): its older entries are dropped, and from now on \
             it keeps entries in memory only",
            spill.dir().display()
        );
        drop(spill);
        self.push_stored(Stored::new(Entry::now(
            Direction::Local,
            EntryKind::Error,
            0,
            Some(text),
            None,
        )));
    }

    /// Numbers an entry that goes to a follower instead (a session with a follower keeps none).
    pub fn number(&mut self) -> u64 {
        self.next_seq += 1;
        self.first_seq = self.next_seq;
        self.next_seq - 1
    }

    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Entries kept, in memory and on disk.
    pub fn len(&self) -> usize {
        self.window.len() + self.on_disk()
    }

    /// The bytes they take: in memory, and on disk.
    pub fn bytes(&self) -> usize {
        self.window_bytes
            + self
                .spill
                .as_ref()
                .map_or(0, |s| usize::try_from(s.bytes()).unwrap_or(usize::MAX))
    }

    /// Entries kept on disk.
    pub fn on_disk(&self) -> usize {
        self.spill.as_ref().map_or(0, Spill::len)
    }

    fn index_of(&self, seq: u64) -> usize {
        seq.saturating_sub(self.first_seq).min(self.len() as u64) as usize
    }

    /// Entries at positions `start..end` (0 is the oldest kept). A spill that cannot be read back is
    /// abandoned (said in the log), and what memory holds of the range is returned.
    fn range(&mut self, start: usize, end: usize) -> Vec<Entry> {
        let mut out = Vec::new();
        let spilled = self.on_disk();
        if start < spilled
            && let Some(spill) = &mut self.spill
        {
            match spill.read(start, end.min(spilled)) {
                Ok(entries) => out = entries,
                Err(error) => {
                    // What was on disk is gone: the range's part in memory, in the new positions.
                    self.abandon_spill(&error);
                    return self.range(start.saturating_sub(spilled), end.saturating_sub(spilled));
                }
            }
        }
        let first_in_window = self.first_seq + spilled as u64;
        let (from, to) = (start.max(spilled) - spilled, end.max(spilled) - spilled);
        let to = to.min(self.window.len());
        out.extend(
            self.window
                .range(from.min(to)..to)
                .enumerate()
                .map(|(i, stored)| stored.entry(first_in_window + (from + i) as u64)),
        );
        out
    }

    /// Up to `max` entries after `seq`, oldest first.
    pub fn after(&mut self, seq: u64, max: usize) -> Vec<Entry> {
        let start = self.index_of(seq + 1);
        let end = start.saturating_add(max).min(self.len());
        self.range(start, end)
    }

    /// Up to `count` entries before `seq`, oldest first (for paging back).
    pub fn before(&mut self, seq: u64, count: usize) -> Vec<Entry> {
        let end = self.index_of(seq);
        let start = end.saturating_sub(count);
        self.range(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::super::spill::files as spill_files;
    use super::*;

    fn entry(text: &str) -> Entry {
        Entry {
            seq: 0,
            at_us: 0,
            direction: Direction::In,
            kind: EntryKind::Text,
            size: text.len() as u32,
            text: Some(text.into()),
            data: None,
            rtt_ms: None,
            code: None,
            decoded: None,
        }
    }

    #[test]
    fn drops_the_oldest_beyond_the_count_and_says_how_many() {
        let mut log = EntryLog::new(
            Limits {
                max_entries: 3,
                max_bytes: usize::MAX,
                ..Limits::default()
            },
            None,
        );
        for i in 0..5 {
            log.push(entry(&i.to_string()));
        }
        assert_eq!(log.dropped, 2);
        let texts: Vec<_> = log
            .after(0, 10)
            .into_iter()
            .map(|e| e.text.unwrap())
            .collect();
        assert_eq!(texts, ["2", "3", "4"]);
        assert_eq!(log.after(4, 10).len(), 1);
        assert_eq!(log.before(5, 1)[0].seq, 4);
        assert_eq!(log.before(3, 10).len(), 0, "older entries are gone");
    }

    #[test]
    fn drops_by_bytes_too() {
        let one = Stored::new(entry(&"x".repeat(1000))).weight();
        let mut log = EntryLog::new(
            Limits {
                max_entries: usize::MAX,
                max_bytes: one * 2,
                ..Limits::default()
            },
            None,
        );
        for _ in 0..4 {
            log.push(entry(&"x".repeat(1000)));
        }
        assert_eq!(log.len(), 2);
        assert!(log.bytes() <= one * 2);
    }

    fn spilling(dir: &std::path::Path, limits: Limits, segment_bytes: u64) -> EntryLog {
        let mut log = EntryLog::new(limits, None);
        log.spill = Some(Spill::with_segment_bytes(dir.to_path_buf(), segment_bytes));
        log
    }

    fn window_of(entries: usize) -> Limits {
        Limits {
            max_entries: 1_000,
            max_bytes: usize::MAX,
            window_entries: entries,
            window_bytes: usize::MAX,
        }
    }

    fn texts(entries: &[Entry]) -> Vec<String> {
        entries.iter().map(|e| e.text.clone().unwrap()).collect()
    }

    fn numbered(from: u64, to: u64) -> Vec<String> {
        (from..=to).map(|i| format!("m{i}")).collect()
    }

    #[test]
    fn spills_beyond_its_window_and_reads_back_by_sequence_number() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = spilling(dir.path(), window_of(10), SEGMENT_TEST_BYTES);
        let decoded = super::super::Decoded {
            name: Some("chat message".into()),
            headers: vec![("destination".into(), "/topic/é".into())],
            ..super::super::Decoded::new("event")
        };
        for i in 1..=500u64 {
            let mut e = entry(&format!("m{i}"));
            e.at_us = i;
            if i == 7 {
                e.decoded = Some(decoded.clone());
                e.rtt_ms = Some(1.5);
                e.code = Some(4000);
                e.text = Some("m7 \"quoted\"\nsecond line ✓".into());
            }
            assert_eq!(log.push(e), i);
        }
        assert_eq!((log.len(), log.on_disk(), log.dropped), (500, 490, 0));
        assert!(!spill_files(dir.path()).is_empty());

        let all = log.after(0, usize::MAX);
        assert_eq!(
            all.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=500).collect::<Vec<_>>()
        );
        assert_eq!(
            all.iter().map(|e| e.at_us).collect::<Vec<_>>(),
            (1..=500).collect::<Vec<_>>()
        );
        let seventh = &all[6];
        assert_eq!(
            seventh.text.as_deref(),
            Some("m7 \"quoted\"\nsecond line ✓")
        );
        assert_eq!(seventh.decoded.as_ref(), Some(&decoded));
        assert_eq!((seventh.rtt_ms, seventh.code), (Some(1.5), Some(4000)));
        // On disk, in memory, and across the boundary between them.
        assert_eq!(texts(&log.after(10, 5)), numbered(11, 15));
        assert_eq!(texts(&log.after(485, 10)), numbered(486, 495));
        assert_eq!(texts(&log.after(495, 10)), numbered(496, 500));
        assert_eq!(texts(&log.before(250, 5)), numbered(245, 249));
        assert_eq!(texts(&log.before(493, 6)), numbered(487, 492));
        let seqs: Vec<u64> = log.after(0, 1_000).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=500).collect::<Vec<_>>());

        drop(log);
        assert!(
            spill_files(dir.path()).is_empty(),
            "a dropped log deletes its files"
        );
    }

    /// Segments small enough that a test fills several.
    const SEGMENT_TEST_BYTES: u64 = 2_000;

    #[test]
    fn drops_the_oldest_on_disk_and_deletes_a_segment_none_of_whose_entries_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = spilling(
            dir.path(),
            Limits {
                max_entries: 100,
                ..window_of(10)
            },
            SEGMENT_TEST_BYTES,
        );
        for i in 1..=5_000u64 {
            log.push(entry(&format!("m{i}")));
        }
        assert_eq!((log.len(), log.on_disk(), log.dropped), (100, 90, 4_900));
        assert_eq!(texts(&log.after(0, usize::MAX)), numbered(4_901, 5_000));
        assert_eq!(texts(&log.before(4_950, 3)), numbered(4_947, 4_949));
        // 90 entries of ~150 bytes in segments of 2,000: a handful of files, not one per 2,000 bytes written.
        let files = spill_files(dir.path()).len();
        assert!((7..=9).contains(&files), "{files} segment files");
    }

    #[test]
    fn keeps_to_the_byte_limit_counting_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let max_bytes = 20_000;
        let mut log = spilling(
            dir.path(),
            Limits {
                max_entries: usize::MAX,
                max_bytes,
                window_entries: 5,
                window_bytes: usize::MAX,
            },
            SEGMENT_TEST_BYTES,
        );
        for i in 1..=2_000u64 {
            log.push(entry(&format!("m{i}")));
            assert!(log.bytes() <= max_bytes);
        }
        let kept = log.after(0, usize::MAX);
        assert_eq!(kept.len(), log.len());
        assert_eq!(kept.last().unwrap().seq, 2_000);
        assert_eq!(log.dropped + kept.len() as u64, 2_000);
    }

    #[test]
    fn a_folder_it_cannot_write_drops_what_it_cannot_keep_says_why_and_goes_on_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a file");
        std::fs::write(&file, "not a folder").unwrap();
        let mut log = spilling(&file.join("console"), window_of(10), SEGMENT_TEST_BYTES);
        for i in 1..=50u64 {
            log.push(entry(&format!("m{i}")));
        }
        assert_eq!(log.on_disk(), 0);
        assert_eq!(log.dropped, 1, "only the entry that could not be written");
        let kept = log.after(0, usize::MAX);
        let error = kept.iter().find(|e| e.kind == EntryKind::Error).unwrap();
        let said = error.text.as_deref().unwrap();
        assert!(
            said.contains("a file/console") && said.contains("memory only"),
            "{said}"
        );
        // Everything after the failure is kept, in memory, up to the limits.
        assert_eq!(kept.len(), 50);
        assert_eq!(kept.first().unwrap().text.as_deref(), Some("m2"));
    }

    #[test]
    fn a_spill_it_cannot_read_back_is_dropped_and_said_and_memory_still_answers() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = spilling(dir.path(), window_of(10), 1 << 20);
        for i in 1..=100u64 {
            log.push(entry(&format!("m{i}")));
        }
        for file in spill_files(dir.path()) {
            // Flushed first (a read flushes), then cut short under the log's feet.
            let _ = log.after(0, 1);
            std::fs::OpenOptions::new()
                .write(true)
                .open(&file)
                .unwrap()
                .set_len(10)
                .unwrap();
        }
        let page = log.after(0, usize::MAX);
        assert_eq!(log.on_disk(), 0);
        assert_eq!(log.dropped, 90);
        assert_eq!(texts(&page), numbered(91, 100));
        // The error entry is the newest: the next page has it.
        let next = log.after(100, usize::MAX);
        assert_eq!(
            (next.len(), next[0].seq, next[0].kind),
            (1, 101, EntryKind::Error)
        );
        assert!(spill_files(dir.path()).is_empty());
    }
}
