//! The catalog of named causes: every diagnosis WS Doctor can make, with a stable code.
//!
//! Codes are an API: other tools match on them, so a code is never renamed or reused. Each entry says what
//! the cause is, why it breaks the connection, and how to fix it, with a snippet where one exists.
//! `docs/diagnoses.md` is rendered from this table (`render.rs`) and a test fails when the two differ.
//!
//! The table reads alone, one file a layer in the order a connection meets them (`reaching.rs`,
//! `frameworks.rs`, `open_session.rs`, `server_side.rs`, `client_side.rs`), with the snippets its fixes
//! carry in `snippets.rs`; which cause explains which symptom is `explains.rs`.

mod client_side;
mod explains;
mod frameworks;
mod open_session;
mod reaching;
mod render;
mod server_side;
mod snippets;

use std::sync::LazyLock;

use serde::Serialize;
use ts_rs::TS;

/// The checklist's sections, in the order a tester walks them. Every item and every cause belongs to one.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, TS,
)]
#[serde(rename_all = "camelCase")]
pub enum Section {
    ServerHealth,
    /// Also where a diagnosis stored before diagnoses named their section starts, until its code is
    /// looked up again (`Report::restore_sections`).
    #[default]
    WebSocketSetup,
    /// The protocol an app speaks over the socket (Socket.IO, SockJS, STOMP, GraphQL, and the frameworks
    /// recognised without being spoken), checked at its own level.
    Framework,
    FrontendConnection,
    ProxyAndHttps,
    DesktopApp,
    DebuggingDetails,
}

impl Section {
    /// Every section, in the checklist's order.
    pub const ALL: [Section; 7] = [
        Section::ServerHealth,
        Section::WebSocketSetup,
        Section::Framework,
        Section::FrontendConnection,
        Section::ProxyAndHttps,
        Section::DesktopApp,
        Section::DebuggingDetails,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::ServerHealth => "Server health",
            Section::WebSocketSetup => "WebSocket setup",
            Section::Framework => "Framework",
            Section::FrontendConnection => "Frontend connection",
            Section::ProxyAndHttps => "Proxy and HTTPS",
            Section::DesktopApp => "Desktop app (Electron)",
            Section::DebuggingDetails => "Debugging details",
        }
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// This breaks the connection.
    Error,
    /// Works here, but breaks for some clients or soon.
    Warning,
    /// Worth knowing; not a problem on its own.
    Info,
}

impl Severity {
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One named cause.
#[derive(Debug)]
pub struct Cause {
    pub code: &'static str,
    /// The checklist section whose findings this cause belongs to.
    pub section: Section,
    pub severity: Severity,
    pub title: &'static str,
    pub explanation: &'static str,
    pub fix: &'static str,
    /// A copyable snippet for the fix (a config block, a command), when one exists.
    pub snippet: Option<Snippet>,
}

/// A copyable piece of configuration or code, with the language it is written in.
#[derive(Debug, Clone, Copy)]
pub struct Snippet {
    /// For syntax highlighting in fenced blocks: `nginx`, `js`, ...
    pub language: &'static str,
    pub text: &'static str,
}

macro_rules! cause {
    ($code:literal, $section:ident, $severity:ident, $title:literal, $explanation:literal, $fix:literal $(, $snippet:expr)?) => {
        Cause {
            code: $code,
            section: Section::$section,
            severity: Severity::$severity,
            title: $title,
            explanation: $explanation,
            fix: $fix,
            snippet: cause!(@snippet $($snippet)?),
        }
    };
    (@snippet) => { None };
    (@snippet $snippet:expr) => { Some($snippet) };
}
pub(super) use cause;

/// Every diagnosis, grouped by the layer it belongs to, in the order a connection meets them.
pub static CATALOG: LazyLock<Vec<&'static Cause>> = LazyLock::new(|| {
    [
        reaching::REACHING,
        frameworks::FRAMEWORKS,
        open_session::OPEN_SESSION,
        server_side::SERVER_SIDE,
        client_side::CLIENT_SIDE,
    ]
    .into_iter()
    .flatten()
    .collect()
});

pub use explains::{EXPLAINS, Explains, explained_by};
pub use render::markdown;

/// The entry for `code`. The engine names only catalog codes: an unknown one is a bug, caught by tests.
pub fn entry(code: &str) -> &'static Cause {
    lookup(code).unwrap_or_else(|| panic!("diagnosis code {code} is not in the catalog"))
}

/// The entry for `code`, if the catalog has it (a code read from a file may be anything).
pub fn lookup(code: &str) -> Option<&'static Cause> {
    CATALOG.iter().find(|entry| entry.code == code).copied()
}
