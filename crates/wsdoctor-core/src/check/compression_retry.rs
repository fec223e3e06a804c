//! When a check fails after the server was reached, the same check once the other way: without the
//! permessage-deflate offer when it was made (every browser makes it), with it when `--no-compression`
//! left it out. A failure that happens only one way is named, since that is the difference between "it
//! works with wscat but not in Chrome" and a server that is down for everyone.
//!
//! The second run is the first one's layers after TLS on a fresh connection, without the idle and
//! large-message probes (they test the path, not the handshake), within the same timeouts.
//!
//! A pool of servers behind a load balancer can make that difference by chance: the first attempt met a
//! broken node, the second a good one. So before the offer is blamed, the first way is tried again (twice
//! at most, so that round-robin over two nodes comes back to the good one): a pass that way too means the
//! servers behind the address differ (`backend.intermittent`), not the offer.

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
    let budget = options.connect_timeout
        + options.handshake_timeout
        + options.reply_timeout
        + options.close_timeout;
    let attempt = |options: CheckOptions| async move {
        let stream = route
            .open(Trust::Verify {
                client: client_tls,
                insecure: options.insecure,
            })
            .await
            .ok()?;
        let mut scratch = Recorder::new(Redactor::new(&options.secret_headers), None);
        // Every step has its own deadline; this bounds the whole attempt as well.
        let second = speak::record(&mut scratch, &options, run, target.clone(), route, stream);
        tokio::time::timeout(budget, second).await.ok()?;
        Some(Attempt::of(&scratch))
    };
    let Some(other_way) = attempt(other).await else {
        return;
    };
    if !other_way.failed.is_empty() {
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
    let same_way = CheckOptions {
        idle: None,
        probe_size: None,
        ..options.clone()
    };
    let mut again = Vec::new();
    for _ in 0..2 {
        let Some(result) = attempt(same_way.clone()).await else {
            break;
        };
        let passed = result.failed.is_empty();
        again.push(result);
        if passed {
            break;
        }
    }
    let first_attempt = Attempt::of(rec);
    let mut evidence = vec![
        Evidence::new(
            "Attempt 1",
            format!(
                "{first}: failed with {}; {}",
                failed.join(", "),
                first_attempt.answered
            ),
        ),
        Evidence::new(
            "Attempt 2",
            format!(
                "{second}: passed on a fresh connection; {}",
                other_way.answered
            ),
        ),
    ];
    for (n, result) in again.iter().enumerate() {
        evidence.push(Evidence::new(
            format!("Attempt {}", n + 3),
            result.describe(first),
        ));
    }
    if again.iter().any(|a| a.failed.is_empty()) {
        rec.diagnose("backend.intermittent", evidence);
    } else {
        rec.diagnose(code, evidence);
    }
}

/// What one attempt met: its errors and what answered its upgrade.
struct Attempt {
    failed: Vec<String>,
    /// The upgrade's status line and who answered it.
    answered: String,
}

impl Attempt {
    fn of(rec: &Recorder) -> Self {
        let handshake = rec.checks.iter().find(|c| c.id == "handshake");
        let evidence = |label: &str| {
            handshake
                .and_then(|c| c.evidence.iter().find(|e| e.label == label))
                .map(|e| e.content.lines().next().unwrap_or("").to_string())
        };
        let answered = match (evidence("Response"), evidence("Answered by")) {
            (Some(status), Some(by)) => format!("answered `{status}` by {by}"),
            (Some(status), None) => format!("answered `{status}`"),
            _ => "no upgrade answer".to_string(),
        };
        Attempt {
            failed: session_errors(rec),
            answered,
        }
    }

    fn describe(&self, way: &str) -> String {
        match self.failed.is_empty() {
            true => format!("{way}, again: passed; {}", self.answered),
            false => format!(
                "{way}, again: failed with {}; {}",
                self.failed.join(", "),
                self.answered
            ),
        }
    }
}
