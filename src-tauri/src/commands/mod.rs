//! The app's commands, one module per domain. Each is a thin call into `wsdoctor-core`.

pub mod app;
pub mod checklist;
pub mod console;
pub mod files;
pub mod history;
pub mod lab;
pub mod profiles;
pub mod report;
