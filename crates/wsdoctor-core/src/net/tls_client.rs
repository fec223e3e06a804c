//! The TLS client: the handshake with a verifier that records what it was shown (the chain, the verdict),
//! so a check can name the exact certificate problem and, with `--insecure`, carry on past it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio_rustls::TlsConnector;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

use super::Stream;
use crate::{Error, Result, tls};

/// What one certificate of the chain says.
#[derive(Debug, Clone)]
pub(crate) struct CertSummary {
    pub subject: String,
    pub issuer: String,
    pub names: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    pub self_signed: bool,
    /// The certificate says where its issuer's certificate can be fetched (Authority Information
    /// Access): public CAs put it in every leaf they issue from an intermediate.
    pub names_issuer_url: bool,
}

impl CertSummary {
    pub fn parse(der: &CertificateDer<'_>) -> Option<Self> {
        let (_, cert) = X509Certificate::from_der(der.as_ref()).ok()?;
        let names = cert
            .subject_alternative_name()
            .ok()
            .flatten()
            .map(|ext| {
                ext.value
                    .general_names
                    .iter()
                    .map(|name| match name {
                        GeneralName::DNSName(dns) => dns.to_string(),
                        GeneralName::IPAddress(bytes) => match bytes.len() {
                            4 => std::net::Ipv4Addr::from(
                                <[u8; 4]>::try_from(*bytes).unwrap_or_default(),
                            )
                            .to_string(),
                            16 => std::net::Ipv6Addr::from(
                                <[u8; 16]>::try_from(*bytes).unwrap_or_default(),
                            )
                            .to_string(),
                            _ => hex::encode(bytes),
                        },
                        other => format!("{other}"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(CertSummary {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            names,
            not_before: cert.validity().not_before.to_string(),
            not_after: cert.validity().not_after.to_string(),
            self_signed: cert.subject() == cert.issuer(),
            names_issuer_url: cert.extensions().iter().any(|ext| {
                matches!(
                    ext.parsed_extension(),
                    x509_parser::extensions::ParsedExtension::AuthorityInfoAccess(aia)
                        if aia.accessdescs.iter().any(|d| d.access_method.to_id_string() == "1.3.6.1.5.5.7.48.2")
                )
            }),
        })
    }

    pub fn describe(chain: &[CertSummary]) -> String {
        chain
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    "#{i} subject: {}\n   issuer:  {}\n   names:   {}\n   valid:   {} to {}{}",
                    c.subject,
                    c.issuer,
                    if c.names.is_empty() {
                        "(none)".to_string()
                    } else {
                        c.names.join(", ")
                    },
                    c.not_before,
                    c.not_after,
                    if c.self_signed {
                        "\n   (self-signed)"
                    } else {
                        ""
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[derive(Debug, Default)]
struct PeerChain {
    chain: Vec<CertificateDer<'static>>,
    error: Option<rustls::Error>,
    /// The server sent a CertificateRequest: it asks for (or requires) a client certificate.
    client_cert_requested: bool,
}

/// Presents the client certificate (if one was given) and remembers that the server asked for one, so a
/// refusal for its absence is named as such, not as a broken handshake.
#[derive(Debug)]
struct RecordingCertResolver {
    identity: Option<Arc<rustls::sign::CertifiedKey>>,
    seen: Arc<Mutex<PeerChain>>,
}

impl rustls::client::ResolvesClientCert for RecordingCertResolver {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .client_cert_requested = true;
        self.identity.clone()
    }

    fn has_certs(&self) -> bool {
        self.identity.is_some()
    }
}

/// Delegates to the WebPKI verifier, remembers the chain and the verdict, and in insecure mode accepts.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    insecure: bool,
    seen: Arc<Mutex<PeerChain>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if let Ok(mut seen) = self.seen.lock() {
            seen.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
            seen.error = verdict.as_ref().err().cloned();
        }
        if self.insecure {
            Ok(ServerCertVerified::assertion())
        } else {
            verdict
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The result of a TLS handshake attempt.
pub(crate) struct TlsOutcome {
    pub stream: Option<Stream>,
    pub chain: Vec<CertSummary>,
    /// What certificate verification said, even when `--insecure` carried on past it.
    pub verify_error: Option<rustls::Error>,
    /// Why the handshake failed, if it did.
    pub failure: Option<String>,
    pub protocol: Option<String>,
    /// The server asked for a client certificate.
    pub client_cert_requested: bool,
}

fn connector(
    client: &tls::ClientTls,
    insecure: bool,
) -> Result<(TlsConnector, Arc<Mutex<PeerChain>>)> {
    let roots = Arc::new(tls::root_store(&client.extra_roots)?);
    let inner = WebPkiServerVerifier::builder_with_provider(roots, tls::provider())
        .build()
        .map_err(|e| Error::Tls(e.to_string()))?;
    let seen = Arc::new(Mutex::new(PeerChain::default()));
    let verifier = RecordingVerifier {
        inner,
        insecure,
        seen: seen.clone(),
    };
    let config = ClientConfig::builder_with_provider(tls::provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    let identity = match &client.identity {
        Some(identity) => Some(Arc::new(
            rustls::sign::CertifiedKey::from_der(
                identity.chain.clone(),
                identity.key.clone_key(),
                &tls::provider(),
            )
            .map_err(|e| {
                Error::field_value(
                    "clientCert",
                    format!("the client certificate cannot be used: {e}"),
                )
            })?,
        )),
        None => None,
    };
    let config = config.with_client_cert_resolver(Arc::new(RecordingCertResolver {
        identity,
        seen: seen.clone(),
    }));
    Ok((TlsConnector::from(Arc::new(config)), seen))
}

/// Runs a TLS handshake over `stream` for `host`.
pub(crate) async fn handshake(
    stream: Stream,
    host: &str,
    client: &tls::ClientTls,
    insecure: bool,
    timeout: Duration,
) -> Result<TlsOutcome> {
    let (connector, seen) = connector(client, insecure)?;
    let server_name = ServerName::try_from(host.to_string()).map_err(|e| {
        Error::InvalidInput(format!("`{host}` is not a valid TLS server name: {e}"))
    })?;
    let result = tokio::time::timeout(timeout, connector.connect(server_name, stream)).await;
    let (chain_der, verify_error, client_cert_requested) = {
        let seen = seen.lock().unwrap_or_else(|p| p.into_inner());
        (
            seen.chain.clone(),
            seen.error.clone(),
            seen.client_cert_requested,
        )
    };
    let chain = chain_der.iter().filter_map(CertSummary::parse).collect();
    Ok(match result {
        Ok(Ok(tls)) => {
            let protocol = tls.get_ref().1.protocol_version().map(|v| format!("{v:?}"));
            TlsOutcome {
                stream: Some(Box::new(tls)),
                chain,
                verify_error,
                failure: None,
                protocol,
                client_cert_requested,
            }
        }
        Ok(Err(error)) => TlsOutcome {
            stream: None,
            chain,
            verify_error,
            failure: Some(error.to_string()),
            protocol: None,
            client_cert_requested,
        },
        Err(_) => TlsOutcome {
            stream: None,
            chain,
            verify_error,
            failure: Some(format!(
                "the TLS handshake did not finish within {} s",
                timeout.as_secs_f32()
            )),
            protocol: None,
            client_cert_requested,
        },
    })
}
