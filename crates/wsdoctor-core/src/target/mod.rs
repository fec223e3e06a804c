//! The target of a run, in a room of its own because the check, the console, profiles and the reproduce
//! commands share it: what a run can be told (`options.rs`), the request the IPC and profiles carry,
//! checked into those options (`request.rs`), the run planned once from them (`plan.rs`), the TLS material they name (`client_tls.rs`), and the secrets
//! they hold taught to the redactor (`secrets.rs`).

mod client_tls;
mod options;
mod plan;
mod request;
mod secrets;

pub(crate) use client_tls::client_tls;
pub use options::CheckOptions;
pub use plan::RunPlan;
pub use request::{CheckRequest, HeaderInput, ServerRequest, TargetRequest, validate_header};
pub(crate) use secrets::learn_secrets;
