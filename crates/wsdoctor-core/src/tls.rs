//! TLS configuration for both sides of the engine.
//!
//! rustls is used with the `ring` provider passed explicitly to every config, so no process-wide crypto
//! provider has to be installed (tokio-tungstenite selects none, and the first `wss://` connect would panic).
//! Clients trust the platform's roots plus any CA the user adds; the lab serves a certificate from a CA it
//! makes at start, which nothing trusts unless told to.

use std::sync::{Arc, OnceLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use crate::{Error, Result};

pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The platform's trusted roots, loaded once per process (reading them costs tens of milliseconds).
fn platform_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let loaded = rustls_native_certs::load_native_certs();
        for error in &loaded.errors {
            tracing::warn!(%error, "could not load some platform root certificates");
        }
        loaded.certs
    })
}

/// Parses every certificate in a PEM text (a CA bundle the user supplied).
pub fn certificates_from_pem(pem: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Tls(format!("the CA file is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(Error::Tls(
            "the CA file holds no certificate (expected -----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    Ok(certs)
}

/// The platform's roots plus `extra_roots`.
pub(crate) fn root_store(extra_roots: &[CertificateDer<'static>]) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(platform_roots().iter().cloned());
    for cert in extra_roots {
        roots
            .add(cert.clone())
            .map_err(|e| Error::Tls(format!("a CA certificate was rejected: {e}")))?;
    }
    Ok(roots)
}

/// A client config trusting the platform's roots and `extra_roots`.
pub fn client_config(extra_roots: &[CertificateDer<'static>]) -> Result<Arc<ClientConfig>> {
    let roots = root_store(extra_roots)?;
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A certificate authority and a server certificate it signed, made fresh for one run of the lab.
pub struct LabCertificate {
    /// The CA certificate in PEM, for clients that choose to trust the lab.
    pub ca_pem: String,
    pub(crate) server_config: Arc<ServerConfig>,
}

/// Makes a CA and a certificate for `localhost` and `127.0.0.1` signed by it.
pub fn lab_certificate() -> Result<LabCertificate> {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let tls = |e: rcgen::Error| Error::Tls(e.to_string());

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "WS Doctor lab CA (untrusted)");
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(tls)?).map_err(tls)?;

    let server_key = KeyPair::generate().map_err(tls)?;
    let mut server_params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .map_err(tls)?;
    server_params
        .distinguished_name
        .push(DnType::CommonName, "WS Doctor lab");
    let server_cert = server_params.signed_by(&server_key, &ca).map_err(tls)?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let chain = vec![server_cert.der().clone(), ca.der().clone()];
    let server_config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| Error::Tls(e.to_string()))?;
    Ok(LabCertificate {
        ca_pem: ca.pem(),
        server_config: Arc::new(server_config),
    })
}
