//! The app's log: daily files in the OS log directory, the last 14 kept, filtered like `RUST_LOG`.
//!
//! What reaches the log is decided where events are recorded: commands log hosts, ports, paths and
//! outcomes, never a URL's query or user info, a header value or a message body, so a secret has no field
//! to travel in; third-party records (tungstenite logs the upgrade request at trace level) are capped by
//! the core's log policy, whatever `RUST_LOG` says.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::prelude::*;

/// How many daily files are kept.
pub const KEPT_LOG_FILES: usize = 14;

pub fn init(dir: &Path) -> Result<WorkerGuard, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("wsdoctor")
        .filename_suffix("log")
        .max_log_files(KEPT_LOG_FILES)
        .build(dir)?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_filter(filter_fn(|meta| {
            wsdoctor_core::log_policy::allowed(meta.target(), meta.level())
        }));
    tracing_subscriber::registry()
        .with(filter)
        .with(layer)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(guard)
}
