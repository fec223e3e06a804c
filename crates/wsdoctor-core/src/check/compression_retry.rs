//! When a check fails after the server was reached, the same check once the other way: without the
//! permessage-deflate offer when it was made (every browser makes it), with it when `--no-compression`
//! left it out. A failure that happens only one way is named, since that is the difference between "it
//! works with wscat but not in Chrome" and a server that is down for everyone.
//!
//! The second run is the first one's layers after TLS on a fresh connection, without the idle and
//! large-message probes (they test the path, not the handshake), within the same timeouts.

use super::{CheckOptions, speak};
use crate::catalog::Severity;
use crate::framework::Protocol;
use crate::net::Target;
use crate::net::route::{Route, Trust};
use crate::redact::Redactor;
use crate::report::{Evidence, Recorder, Section};
use crate::target::RunPlan;
use crate::tls::ClientTls;

/// The errors of the session: at the upgrade or after it, not at reaching the server.
fn session_errors(rec: &Recorder) -> Vec<String> {
    rec.diagnoses
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| {
            matches!(
                d.section,
                Section::WebSocketSetup | Section::DebuggingDetails
            )
        })
        .map(|d| d.code.clone())
        .collect()
}

/// Whether the offer could be why: a server that answered (a refusal, a bad 101, bad frames, a close),
/// not one that stayed silent or slow, which a second try would only wait out again.
fn worth_retrying(failed: &[String]) -> bool {
    !failed.is_empty()
        && failed
            .iter()
            .all(|code| !code.contains("timeout") && !code.contains("no_response"))
}

/// Runs the check the other way when the first failed, and names a failure that depends on the offer.
pub(super) async fn compare(
    rec: &mut Recorder,
    options: &CheckOptions,
    run: &RunPlan,
    target: &Target,
    route: &Route,
    client_tls: &ClientTls,
) {
    let failed = session_errors(rec);
    if !worth_retrying(&failed) || run.protocol == Protocol::Socketio {
        return;
    }
    let other = CheckOptions {
        compression: !options.compression,
        idle: None,
        probe_size: None,
        ..options.clone()
    };
    let stream = match route
        .open(Trust::Verify {
            client: client_tls,
            insecure: options.insecure,
        })
        .await
    {
        Ok(stream) => stream,
        Err(_) => return,
    };
    let mut scratch = Recorder::new(Redactor::new(&options.secret_headers), None);
    // Every step has its own deadline; this bounds the whole second run as well.
    let budget = options.connect_timeout
        + options.handshake_timeout
        + options.reply_timeout
        + options.close_timeout;
    let second = speak::record(&mut scratch, &other, run, target.clone(), route, stream);
    if tokio::time::timeout(budget, second).await.is_err() {
        return;
    }
    let other_failed = session_errors(&scratch);
    if !other_failed.is_empty() {
        return;
    }
    let (code, first, second) = if options.compression {
        (
            "compression.fails_with",
            "offering permessage-deflate, as browsers do",
            "without the offer (as --no-compression, wscat and many libraries connect)",
        )
    } else {
        (
            "compression.fails_without",
            "without the permessage-deflate offer (--no-compression)",
            "offering permessage-deflate, as browsers do",
        )
    };
    rec.diagnose(
        code,
        vec![
            Evidence::new(
                "The check",
                format!("{first}: failed with {}", failed.join(", ")),
            ),
            Evidence::new(
                "The same check",
                format!("{second}: passed on a fresh connection"),
            ),
        ],
    );
}
