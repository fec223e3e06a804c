//! The TypeScript declarations of every type that crosses IPC, generated from the Rust types.
//!
//! `ui/src/bindings.ts` is this module's output, committed; a test fails when it is stale, and
//! `make bindings` rewrites it.

use ts_rs::{Config, TS};

/// Where the generated file lives, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/bindings.ts";

macro_rules! declarations {
    ($cfg:expr; $($ty:ty),* $(,)?) => {
        vec![$(format!("export {}", <$ty as TS>::decl($cfg))),*]
    };
}

/// The full text of `ui/src/bindings.ts`.
pub fn typescript() -> String {
    use wsdoctor_core::catalog::Severity;
    use wsdoctor_core::check::{
        CheckEvent, CheckRequest, ClientProfile, HeaderInput, PlannedCheck, ServerRequest,
        TargetRequest,
    };
    use wsdoctor_core::console::{
        Action, ConsoleDefaults, ConsoleRequest, Decoded, Dialect, Direction, Entry, EntryKind,
        Outgoing, SessionState, SessionStatus,
    };
    use wsdoctor_core::framework::Protocol;
    use wsdoctor_core::history::HistoryEntry;
    use wsdoctor_core::lab::{LabEndpoint, Outcome};
    use wsdoctor_core::manual::{ConsoleError, ManualItem};
    use wsdoctor_core::profile::{
        ConsoleSettings, Environment, Profile, ProfileTarget, RunVerdict, SavedAction, SecretSlot,
        SecretState, Variable,
    };
    use wsdoctor_core::report::{
        Check, CheckStatus, Diagnosis, Evidence, HeaderLine, ManualCheck, ManualStatus, Report,
        Section, SourceLocation, TargetSummary, Ticket, Tool, Verdict,
    };
    use wsdoctor_core::reproduce::Reproduction;

    let cfg = &Config::new();
    let declarations = declarations![cfg;
        crate::commands::app::AppInfo,
        crate::IpcError,
        LabEndpoint,
        Outcome,
        CheckRequest,
        TargetRequest,
        Protocol,
        ClientProfile,
        HeaderInput,
        ServerRequest,
        CheckEvent,
        PlannedCheck,
        crate::commands::checklist::RunResult,
        crate::commands::checklist::ManualGuide,
        crate::commands::checklist::SectionHeading,
        ManualItem,
        ConsoleError,
        Reproduction,
        HistoryEntry,
        crate::commands::report::ReportFormat,
        crate::dialogs::PickKind,
        Report,
        Tool,
        TargetSummary,
        HeaderLine,
        Verdict,
        Section,
        CheckStatus,
        Check,
        Evidence,
        Diagnosis,
        SourceLocation,
        Severity,
        ManualCheck,
        ManualStatus,
        Ticket,
        ConsoleRequest,
        Outgoing,
        crate::commands::console::ConsoleBatch,
        crate::commands::console::SessionExport,
        Entry,
        Decoded,
        Dialect,
        Action,
        Direction,
        EntryKind,
        SessionStatus,
        SessionState,
        crate::commands::checklist::ProfileRef,
        crate::commands::profiles::ProfileDeleted,
        crate::commands::profiles::ProfileList,
        crate::commands::profiles::ProfileView,
        crate::commands::profiles::SecretView,
        crate::commands::profiles::SecretInput,
        Profile,
        ProfileTarget,
        ConsoleSettings,
        ConsoleDefaults,
        SavedAction,
        Variable,
        Environment,
        RunVerdict,
        SecretSlot,
        SecretState,
    ];
    let mut text = String::from(
        "// Generated from the Rust types by `make bindings` (src-tauri/src/bindings.rs). Do not edit.\n\n",
    );
    for declaration in declarations {
        text.push_str(&declaration);
        text.push_str("\n\n");
    }
    text.truncate(text.trim_end().len());
    text.push('\n');
    text
}
