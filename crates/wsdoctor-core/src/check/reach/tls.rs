//! The TLS item: the handshake (with `wss://`), the certificate chain as the server sent it, and the exact
//! certificate problem named; with `--insecure` the check carries on past a bad certificate.

use rustls::CertificateError;
use rustls::pki_types::CertificateDer;
use tokio::net::TcpStream;

use crate::check::{CheckOptions, items, skip_after};
use crate::net::tls_client::{self, CertSummary};
use crate::net::{Stream, Target};
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence};
use crate::{Result, tls};

/// Records the TLS item; the stream to upgrade, or `None` when TLS failed (the rest is skipped).
pub(in crate::check) async fn record(
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
        let outcome = tls_client::handshake(
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
                CertSummary::describe(&outcome.chain),
            ));
        }
        let chain_evidence = step.evidence.clone();
        if let Some(error) = &outcome.verify_error {
            let code = certificate_code(error, &outcome.chain, &client_tls.extra_roots);
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
                skip_after(rec, items::TLS, "the TLS handshake failed");
                return Ok(None);
            }
        } else if let Some(failure) = &outcome.failure {
            let mut evidence = vec![Evidence::new("TLS error", failure.clone())];
            let code = if outcome.client_cert_requested {
                evidence.push(Evidence::new("Client certificate", asked(client_tls)));
                "tls.client_cert_required"
            } else {
                failure_code(failure)
            };
            rec.diagnose(code, evidence);
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("The TLS handshake failed: {failure}."),
            );
            skip_after(rec, items::TLS, "the TLS handshake failed");
            return Ok(None);
        } else {
            let expiry = outcome
                .chain
                .first()
                .map(|c| format!(", valid until {}", c.not_after))
                .unwrap_or_default();
            let protocol = outcome.protocol.clone().unwrap_or_default();
            if outcome.client_cert_requested {
                step.evidence
                    .push(Evidence::new("Client certificate", asked(client_tls)));
            }
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

/// What the server's request for a client certificate met.
fn asked(client_tls: &tls::ClientTls) -> String {
    match &client_tls.identity {
        Some(_) => "the server asked for a client certificate; the one given (--client-cert) was sent".into(),
        None => "the server asked for a client certificate; none was given (--client-cert), so none was sent".into(),
    }
}

/// Names of public certificate authorities: a leaf issued by one of them and sent alone is missing its
/// intermediate (every public CA issues from intermediates), not signed by an untrusted root.
const PUBLIC_CAS: &[&str] = &[
    "let's encrypt",
    "isrg",
    "digicert",
    "sectigo",
    "comodo",
    "globalsign",
    "godaddy",
    "go daddy",
    "amazon",
    "google trust services",
    "entrust",
    "zerossl",
    "buypass",
    "certum",
    "geotrust",
    "thawte",
    "rapidssl",
    "microsoft",
    "actalis",
    "harica",
    "ssl.com",
    "identrust",
    "quovadis",
    "swisssign",
    "cloudflare",
];

/// The catalog code for a certificate the verifier refused. With the leaf sent alone and its issuer
/// unknown, the evidence tells a missing intermediate (the leaf names where its issuer's certificate is,
/// or was issued by a public CA, or a private root was given as a CA file and the issuer is not it) from
/// a leaf signed straight by a root the client does not trust: the fixes are on different sides.
pub(crate) fn certificate_code(
    error: &rustls::Error,
    chain: &[CertSummary],
    extra_roots: &[CertificateDer<'static>],
) -> &'static str {
    match error {
        rustls::Error::InvalidCertificate(cert_error) => match cert_error {
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => "tls.expired",
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "tls.hostname_mismatch"
            }
            CertificateError::UnknownIssuer => match chain {
                [leaf] if !leaf.self_signed => {
                    let issuer = leaf.issuer.to_ascii_lowercase();
                    let public = PUBLIC_CAS.iter().any(|ca| issuer.contains(ca));
                    let under_given_root = !extra_roots.is_empty()
                        && !extra_roots.iter().any(|root| {
                            CertSummary::parse(root).is_some_and(|r| r.subject == leaf.issuer)
                        });
                    if leaf.names_issuer_url || public || under_given_root {
                        "tls.incomplete_chain"
                    } else {
                        "tls.untrusted"
                    }
                }
                _ => "tls.untrusted",
            },
            _ => "tls.untrusted",
        },
        _ => "tls.handshake_failed",
    }
}

/// The catalog code for a handshake that failed without a certificate verdict.
pub(crate) fn failure_code(failure: &str) -> &'static str {
    let lower = failure.to_ascii_lowercase();
    if lower.contains("invalidcontenttype")
        || lower.contains("corrupt message")
        || lower.contains("wrong version")
        || lower.contains("invalid message")
        || lower.contains("received corrupt")
    {
        "tls.not_tls"
    } else {
        "tls.handshake_failed"
    }
}
