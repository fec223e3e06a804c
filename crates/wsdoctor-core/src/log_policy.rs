//! Which log records may be written at all, whatever `RUST_LOG` asks for.
//!
//! WS Doctor's own records never carry a header value, a URL's query or a message body. Third-party crates
//! are not so careful: at debug and trace level tungstenite logs the whole upgrade request (the
//! `Authorization` header included) and rustls logs handshake details. Their records are capped at
//! `info` here, and both front ends install this policy as a filter that `RUST_LOG` cannot lift.

/// Crates (log targets) whose records stop at `info`.
pub const CAPPED_TARGETS: &[&str] = &[
    "tungstenite",
    "tokio_tungstenite",
    "rustls",
    "tokio_rustls",
    "hyper",
    "reqwest",
    "h2",
    "keyring",
    "secret_service",
    "zbus",
];

/// Whether a record of `target` at `level` may be written.
pub fn allowed(target: &str, level: &tracing::Level) -> bool {
    let capped = CAPPED_TARGETS.iter().any(|crate_name| {
        target == *crate_name
            || target
                .strip_prefix(crate_name)
                .is_some_and(|rest| rest.starts_with("::"))
    });
    // Levels order from ERROR (the least verbose) up: INFO and below pass.
    !capped || *level <= tracing::Level::INFO
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn third_party_records_stop_at_info() {
        assert!(!allowed("tungstenite::handshake::client", &Level::TRACE));
        assert!(!allowed("tokio_tungstenite", &Level::DEBUG));
        assert!(allowed("tungstenite::protocol", &Level::WARN));
        assert!(allowed("wsdoctor_core::check", &Level::TRACE));
        // A crate whose name only starts like a capped one is not capped.
        assert!(allowed("rustlsx", &Level::TRACE));
    }
}
