//! The TLS item: the handshake (with `wss://`), the certificate chain as the server sent it, and the exact
//! certificate problem named; with `--insecure` the check carries on past a bad certificate.

use tokio::net::TcpStream;

use super::net::Stream;
use super::recorder::Recorder;
use super::{CheckOptions, items, skip_after, tls_probe};
use crate::report::{CheckStatus, Evidence};
use crate::try_connect::Target;
use crate::{Result, tls};

/// Records the TLS item; the stream to upgrade, or `None` when TLS failed (the rest is skipped).
pub(super) async fn record(
    rec: &mut Recorder,
    options: &CheckOptions,
    client_tls: &tls::ClientTls,
    target: &Target,
    tcp: TcpStream,
) -> Result<Option<Stream>> {
    let mut step = rec.begin(&items::TLS);
    let stream: Stream = if !target.secure {
        rec.finish(
            step,
            CheckStatus::Info,
            "Not used: ws:// connections are not encrypted.",
        );
        Box::new(tcp)
    } else {
        let outcome = tls_probe::handshake(
            Box::new(tcp),
            &target.host,
            client_tls,
            options.insecure,
            options.handshake_timeout,
        )
        .await?;
        if !outcome.chain.is_empty() {
            step.evidence.push(Evidence::new(
                "Certificate chain (as sent by the server)",
                tls_probe::CertSummary::describe(&outcome.chain),
            ));
        }
        let chain_evidence = step.evidence.clone();
        if let Some(error) = &outcome.verify_error {
            let code = tls_probe::certificate_code(error, &outcome.chain, &client_tls.extra_roots);
            let mut evidence = vec![Evidence::new("Verification", error.to_string())];
            evidence.extend(chain_evidence);
            rec.diagnose(code, evidence);
            if let (true, Some(stream)) = (options.insecure, outcome.stream) {
                rec.finish(
                    step,
                    CheckStatus::Warn,
                    format!(
                        "The certificate is not valid ({error}); continuing because of --insecure."
                    ),
                );
                stream
            } else {
                rec.finish(
                    step,
                    CheckStatus::Fail,
                    format!("The certificate is not valid: {error}."),
                );
                skip_after(rec, options, items::TLS, "the TLS handshake failed");
                return Ok(None);
            }
        } else if let Some(failure) = &outcome.failure {
            let code = tls_probe::failure_code(failure);
            rec.diagnose(code, vec![Evidence::new("TLS error", failure.clone())]);
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("The TLS handshake failed: {failure}."),
            );
            skip_after(rec, options, items::TLS, "the TLS handshake failed");
            return Ok(None);
        } else {
            let expiry = outcome
                .chain
                .first()
                .map(|c| format!(", valid until {}", c.not_after))
                .unwrap_or_default();
            let protocol = outcome.protocol.clone().unwrap_or_default();
            rec.finish(
                step,
                CheckStatus::Pass,
                format!(
                    "{protocol}; the certificate is trusted and valid for {}{expiry}.",
                    target.host
                ),
            );
            match outcome.stream {
                Some(stream) => stream,
                None => return Ok(None),
            }
        }
    };
    Ok(Some(stream))
}
