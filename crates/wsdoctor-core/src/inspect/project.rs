//! The project's source files, as the frontend and Electron checks read them: dependencies, build output
//! and files over 1 MB are skipped, so a real project with node_modules scans in well under a second.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::report::SourceLocation;

/// Files larger than this are not read (bundles, data).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// The most files read from one project.
const MAX_FILES: usize = 50_000;
/// The most text held from one project in all: past it, further files are counted as skipped.
pub const MAX_TOTAL_BYTES: u64 = 64 << 20;

const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    ".git",
    "dist",
    "build",
    "out",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".output",
    "target",
    "coverage",
    "vendor",
    ".venv",
    "venv",
    "__pycache__",
    "release",
    ".cache",
    "bower_components",
    ".turbo",
];

const EXTENSIONS: &[&str] = &[
    "js", "jsx", "ts", "tsx", "mjs", "cjs", "vue", "svelte", "html", "htm", "json",
];

/// One source file's text.
pub(crate) struct SourceFile {
    pub path: PathBuf,
    /// The path relative to the project, for quoting.
    pub shown: String,
    /// The project folder, absolute where it could be resolved.
    pub root: Arc<str>,
    pub text: String,
}

/// A line of a project file quoted as a finding's evidence (`src/app.js:12: new WebSocket(…)`), with
/// where it is for the report's locations.
#[derive(Debug, Clone)]
pub(crate) struct Quote {
    pub text: String,
    pub location: SourceLocation,
}

impl Quote {
    /// The quote with `note` after it (what is wrong with the line).
    pub fn noted(self, note: impl std::fmt::Display) -> Quote {
        Quote {
            text: format!("{}{note}", self.text),
            location: self.location,
        }
    }
}

impl SourceFile {
    pub fn name(&self) -> &str {
        self.path.file_name().and_then(|n| n.to_str()).unwrap_or("")
    }

    /// Test and story files do not ship.
    pub fn is_test(&self) -> bool {
        let shown = self.shown.replace('\\', "/");
        shown.contains("/__tests__/")
            || shown.contains("/test/")
            || shown.contains("/tests/")
            || shown.starts_with("test/")
            || shown.starts_with("tests/")
            || self.name().contains(".test.")
            || self.name().contains(".spec.")
            || self.name().contains(".stories.")
    }

    pub fn is_env(&self) -> bool {
        self.name().starts_with(".env")
    }

    /// 1-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        bytes[..offset.min(bytes.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    pub fn quote(&self, offset: usize) -> Quote {
        let line = self.line_of(offset);
        let text = self.text.lines().nth(line - 1).unwrap_or("").trim();
        let text: String = text.chars().take(200).collect();
        Quote {
            text: format!("{}:{line}: {text}", self.shown),
            location: SourceLocation {
                root: Some(self.root.to_string()),
                ..SourceLocation::new(self.shown.replace('\\', "/"), line)
            },
        }
    }
}

/// What was read, and how much was passed over.
pub(crate) struct Project {
    pub files: Vec<SourceFile>,
    pub skipped_large: usize,
    pub unreadable: usize,
}

/// Reads the project's sources; stops (with an error) as soon as `cancelled` is set.
pub(crate) fn read(
    root: &Path,
    cancelled: &std::sync::atomic::AtomicBool,
) -> Result<Project, String> {
    if !root.is_dir() {
        return Err(format!("{} is not a folder", root.display()));
    }
    let mut project = Project {
        files: Vec::new(),
        skipped_large: 0,
        unreadable: 0,
    };
    let mut held = 0u64;
    let absolute: Arc<str> = std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
        .into();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| {
            !(entry.file_type().is_dir()
                && entry.depth() > 0
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        });
    for entry in walker.filter_map(Result::ok) {
        if cancelled.load(std::sync::atomic::Ordering::Relaxed) {
            return Err("the run was cancelled".to_string());
        }
        if !entry.file_type().is_file() || project.files.len() >= MAX_FILES {
            continue;
        }
        let name = entry.file_name().to_str().unwrap_or("");
        let wanted = name.starts_with(".env")
            || Path::new(name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e));
        if !wanted
            || name == "package-lock.json"
            || name.ends_with(".min.js")
            || name.ends_with(".map")
        {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
        if size > MAX_FILE_BYTES || held.saturating_add(size) > MAX_TOTAL_BYTES {
            project.skipped_large += 1;
            continue;
        }
        match crate::input_file::read_capped(entry.path(), MAX_FILE_BYTES, "source file") {
            Ok(bytes) if !bytes.get(..4096).unwrap_or(&bytes).contains(&0) => {
                held += bytes.len() as u64;
                let shown = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(entry.path())
                    .display()
                    .to_string();
                project.files.push(SourceFile {
                    path: entry.path().to_path_buf(),
                    shown,
                    root: absolute.clone(),
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                });
            }
            _ => project.unreadable += 1,
        }
    }
    Ok(project)
}
