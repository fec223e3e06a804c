//! The WS Doctor engine.
//!
//! Everything that knows about WebSockets lives here, free of any GUI or Tauri type, so the desktop app and
//! the `wsdoctor` CLI present the same behaviour. Long-running work reports progress through channels;
//! the front ends only forward what they receive.
//!
//! Peer data is never sliced at byte offsets: `clippy::string_slice` is denied, so a multibyte character
//! at the wrong place cannot panic a check (use `str::get`, `chars()`, or `report::capped`).
#![deny(clippy::string_slice)]

pub mod atomic_file;
pub mod browser;
pub mod catalog;
pub mod check;
pub mod close_code;
pub mod console;
mod error;
pub mod framework;
pub mod history;
pub mod input_file;
pub mod inspect;
pub mod lab;
pub mod log_policy;
pub mod manual;
pub mod net;
pub mod profile;
pub mod redact;
pub mod report;
pub mod reproduce;
pub mod target;
pub mod tls;

pub use error::{Error, Result};

/// The engine's name and version, as reports and the About panel show them.
pub const TOOL_NAME: &str = "wsdoctor";
/// The version every front end reports (the workspace version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Asserts that a text contains a piece, and shows the whole text when it does not (tests of the core,
/// the CLI and the app read reports and output this way).
#[doc(hidden)]
#[macro_export]
macro_rules! assert_contains {
    ($text:expr, $piece:expr $(,)?) => {{
        let text = &$text;
        assert!(text.contains($piece), "{:?} is not in:\n{}", $piece, text);
    }};
}

/// Asserts that a text does not contain a piece, and shows the whole text when it does.
#[doc(hidden)]
#[macro_export]
macro_rules! assert_lacks {
    ($text:expr, $piece:expr $(,)?) => {{
        let text = &$text;
        assert!(!text.contains($piece), "{:?} is in:\n{}", $piece, text);
    }};
}
