//! TLS material for both sides of the engine: roots, CA files, client certificates and keys, the lab's
//! certificate. The client handshake itself is `net::tls_client`'s.
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

/// A client certificate and its key, for servers that require mutual TLS.
pub struct ClientIdentity {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ClientIdentity({} certificate(s), key <redacted>)",
            self.chain.len()
        )
    }
}

impl Clone for ClientIdentity {
    fn clone(&self) -> Self {
        ClientIdentity {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

impl ClientIdentity {
    /// Reads a PEM certificate (chain) and its PEM private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), or
    /// an encrypted PKCS#8 key opened with `passphrase`. The key may also sit in the certificate's file.
    pub fn load(
        cert: &std::path::Path,
        key: Option<&std::path::Path>,
        passphrase: Option<&str>,
    ) -> Result<Self> {
        let read = |path: &std::path::Path, what: &str| {
            crate::input_file::read_capped(
                path,
                crate::input_file::MAX_PEM_BYTES,
                &format!("client {what}"),
            )
            .map_err(Error::InvalidInput)
        };
        let cert_pem = read(cert, "certificate").map_err(|e| e.on("clientCert"))?;
        let chain = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| {
                Error::field_value(
                    "clientCert",
                    format!("{}: not valid PEM: {e}", cert.display()),
                )
            })?;
        if chain.is_empty() {
            return Err(Error::field_value(
                "clientCert",
                format!(
                    "{} holds no certificate (expected -----BEGIN CERTIFICATE-----)",
                    cert.display()
                ),
            ));
        }
        let key_path = key.unwrap_or(cert);
        // A key in the certificate's file is that field's to fix.
        let key_field = if key.is_some() {
            "clientKey"
        } else {
            "clientCert"
        };
        let key_pem = if key.is_some() {
            read(key_path, "key").map_err(|e| e.on(key_field))?
        } else {
            cert_pem
        };
        let key = private_key(&key_pem, passphrase).map_err(|(field, e)| {
            Error::field_value(
                field.unwrap_or(key_field),
                format!("{}: {e}", key_path.display()),
            )
        })?;
        Ok(ClientIdentity { chain, key })
    }
}

/// The key in `pem`; on failure, why, and `Some("keyPassphrase")` when the passphrase is what to fix.
fn private_key(
    pem: &[u8],
    passphrase: Option<&str>,
) -> std::result::Result<PrivateKeyDer<'static>, (Option<&'static str>, String)> {
    let about_key = |message: String| (None, message);
    let text = String::from_utf8_lossy(pem);
    if text.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(about_key(
            "the key is encrypted in the legacy OpenSSL format, which is not supported; convert it \
             with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out KEY.p8`"
                .into(),
        ));
    }
    if let Some(start) = text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) else {
            return Err((
                Some("keyPassphrase"),
                "the key is encrypted: give its passphrase".into(),
            ));
        };
        let pem = text.as_bytes().get(start..).unwrap_or_default();
        let (label, der) = pkcs8::der::pem::decode_vec(pem)
            .map_err(|e| about_key(format!("not valid PEM: {e}")))?;
        if label != "ENCRYPTED PRIVATE KEY" {
            return Err(about_key(format!("unexpected PEM section {label}")));
        }
        let encrypted = pkcs8::EncryptedPrivateKeyInfo::try_from(der.as_slice())
            .map_err(|e| about_key(format!("not an encrypted PKCS#8 key: {e}")))?;
        let document = encrypted.decrypt(passphrase).map_err(|_| {
            (
                Some("keyPassphrase"),
                "the passphrase does not open the key".to_string(),
            )
        })?;
        return Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            document.as_bytes().to_vec(),
        )));
    }
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| {
        about_key(match e {
            rustls::pki_types::pem::Error::NoItemsFound => {
                "holds no private key (expected -----BEGIN PRIVATE KEY-----)".to_string()
            }
            other => format!("not a valid private key: {other}"),
        })
    })
}

/// What a client brings to a TLS handshake besides the platform's roots: CAs to trust, and a certificate
/// to present when the server asks for one.
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    pub extra_roots: Vec<CertificateDer<'static>>,
    pub identity: Option<ClientIdentity>,
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
