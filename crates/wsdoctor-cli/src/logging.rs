//! Log output for the CLI: human-readable lines on stderr, so stdout stays clean for results and JSON.
//! Third-party records are capped by the core's log policy, whatever `RUST_LOG` says.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::prelude::*;

pub fn init(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_filter(filter_fn(|meta| {
            wsdoctor_core::log_policy::allowed(meta.target(), meta.level())
        }));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(layer)
        .try_init();
}
