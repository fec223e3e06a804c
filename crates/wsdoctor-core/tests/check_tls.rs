//! Certificate mistakes, each made with rcgen and served by a real rustls server on 127.0.0.1, and each
//! named exactly: expired, wrong host, self-signed, unknown CA, missing intermediate; and mutual TLS, with
//! and without a client certificate.

mod support;

use support::{options, root, run};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, Issuer, KeyPair};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::report::Report;

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

fn leaf(
    names: &[&str],
    issuer: &Issuer<'_, KeyPair>,
    expired: bool,
) -> (CertificateDer<'static>, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    if expired {
        params.not_before = OffsetDateTime::now_utc() - time::Duration::days(30);
        params.not_after = OffsetDateTime::now_utc() - time::Duration::days(1);
    }
    let cert = params.signed_by(&key, issuer).unwrap();
    (cert.der().clone(), key)
}

/// A TLS server that completes handshakes with `chain` and then closes.
async fn tls_server(chain: Vec<CertificateDer<'static>>, key: KeyPair) -> SocketAddr {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
    serve_tls(config, false).await
}

/// Serves TLS with `config` on a loopback port; after each handshake, reads a little when `read_after`
/// (so a refusal sent after the handshake, as TLS 1.3 does, reaches the client), else closes.
async fn serve_tls(config: ServerConfig, read_after: bool) -> SocketAddr {
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(Ok(mut tls)) =
                    tokio::time::timeout(Duration::from_secs(5), acceptor.accept(tcp)).await
                    && read_after
                {
                    let _ = tokio::io::AsyncReadExt::read(&mut tls, &mut [0u8; 16]).await;
                }
            });
        }
    });
    addr
}

fn ca_file(pem: &str, name: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("wsdoctor-test-{name}-{}.pem", std::process::id()));
    std::fs::write(&path, pem).unwrap();
    path
}

async fn check(addr: SocketAddr, host: &str, ca: Option<PathBuf>) -> Report {
    let options = CheckOptions {
        ca_file: ca.clone(),
        reply_timeout: CheckOptions::default().reply_timeout,
        close_timeout: CheckOptions::default().close_timeout,
        ..options(format!("wss://{host}:{}/socket", addr.port()))
    };
    let report = run(&options, Duration::from_secs(20)).await;
    if let Some(path) = ca {
        let _ = std::fs::remove_file(path);
    }
    report
}

#[tokio::test]
async fn an_expired_certificate() {
    let root_ca = ca("Test root");
    let (cert, key) = leaf(&["localhost", "127.0.0.1"], &root_ca, true);
    let addr = tls_server(vec![cert], key).await;
    let report = check(addr, "127.0.0.1", Some(ca_file(&root_ca.pem(), "expired"))).await;
    assert_eq!(root(&report), "tls.expired");
    let chain = &report.diagnoses[0].evidence[1].content;
    assert!(
        chain.contains("CN=localhost") && chain.contains("valid:"),
        "{chain}"
    );
}

#[tokio::test]
async fn a_certificate_for_another_host() {
    let root_ca = ca("Test root");
    let (cert, key) = leaf(&["other.example.test"], &root_ca, false);
    let addr = tls_server(vec![cert], key).await;
    let report = check(
        addr,
        "127.0.0.1",
        Some(ca_file(&root_ca.pem(), "wronghost")),
    )
    .await;
    assert_eq!(root(&report), "tls.hostname_mismatch");
}

#[tokio::test]
async fn a_self_signed_certificate() {
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let addr = tls_server(vec![cert.der().clone()], key).await;
    let report = check(addr, "127.0.0.1", None).await;
    assert_eq!(root(&report), "tls.untrusted");
    assert!(
        report.diagnoses[0].evidence[1]
            .content
            .contains("(self-signed)")
    );
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca() {
    let unknown = ca("Somebody else's CA");
    let (cert, key) = leaf(&["localhost", "127.0.0.1"], &unknown, false);
    let addr = tls_server(vec![cert, unknown.der().clone()], key).await;
    let report = check(addr, "127.0.0.1", None).await;
    assert_eq!(root(&report), "tls.untrusted");
}

#[tokio::test]
async fn a_missing_intermediate() {
    let root_ca = ca("Test root");
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "Test intermediate");
    let intermediate =
        CertifiedIssuer::signed_by(params, KeyPair::generate().unwrap(), &root_ca).unwrap();
    let (cert, key) = leaf(&["localhost", "127.0.0.1"], &intermediate, false);

    // The full chain is trusted …
    let complete = tls_server(
        vec![cert.clone(), intermediate.der().clone()],
        KeyPair::from_pem(&key.serialize_pem()).unwrap(),
    )
    .await;
    let report = check(
        complete,
        "127.0.0.1",
        Some(ca_file(&root_ca.pem(), "complete")),
    )
    .await;
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.id == "tls" && c.summary.contains("trusted")),
        "{:#?}",
        report.checks
    );

    // … the leaf alone is not.
    let addr = tls_server(vec![cert], key).await;
    let report = check(
        addr,
        "127.0.0.1",
        Some(ca_file(&root_ca.pem(), "incomplete")),
    )
    .await;
    assert_eq!(root(&report), "tls.incomplete_chain");
}

/// A server that requires a client certificate signed by `root_ca`; it reads a little after the
/// handshake, so a refusal (TLS 1.3 sends it after the handshake) reaches the client.
async fn mtls_server(root_ca: &CertifiedIssuer<'static, KeyPair>) -> SocketAddr {
    let (cert, key) = leaf(&["localhost", "127.0.0.1"], root_ca, false);
    let mut client_roots = rustls::RootCertStore::empty();
    client_roots.add(root_ca.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client_verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(client_roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(client_verifier)
        .with_single_cert(
            vec![cert],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    // Reads the client's (empty) certificate message; rustls then refuses the handshake.
    serve_tls(config, true).await
}

#[tokio::test]
async fn a_server_that_requires_a_client_certificate() {
    let root_ca = ca("Test root");
    let addr = mtls_server(&root_ca).await;
    let report = check(addr, "127.0.0.1", Some(ca_file(&root_ca.pem(), "mtls"))).await;
    assert_eq!(
        root(&report),
        "tls.client_cert_required",
        "{:#?}",
        report.diagnoses
    );
}

/// A client certificate signed by `root_ca`, as PEM files: the certificate, and the key either plain or
/// encrypted with `passphrase` (PKCS#8, PBES2).
fn client_files(
    root_ca: &CertifiedIssuer<'static, KeyPair>,
    name: &str,
    passphrase: Option<&str>,
) -> (PathBuf, PathBuf) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, "tester");
    let cert = params.signed_by(&key, root_ca).unwrap();
    let key_pem = match passphrase {
        None => key.serialize_pem(),
        Some(passphrase) => {
            let der = key.serialize_der();
            let info = pkcs8::PrivateKeyInfo::try_from(der.as_slice()).unwrap();
            let encrypted = info.encrypt(pkcs8::rand_core::OsRng, passphrase).unwrap();
            encrypted
                .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
                .unwrap()
                .to_string()
        }
    };
    (
        ca_file(&cert.pem(), &format!("{name}-cert")),
        ca_file(&key_pem, &format!("{name}-key")),
    )
}

async fn check_with_client(
    addr: SocketAddr,
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
    passphrase: Option<&str>,
) -> wsdoctor_core::Result<Report> {
    let options = CheckOptions {
        url: format!("wss://127.0.0.1:{}/socket", addr.port()),
        ca_file: Some(ca),
        client_cert: Some(cert),
        client_key: Some(key),
        key_passphrase: passphrase.map(|p| wsdoctor_core::profile::Sensitive::new(p.to_string())),
        use_env_proxy: false,
        connect_timeout: Duration::from_secs(2),
        handshake_timeout: Duration::from_secs(2),
        ..CheckOptions::default()
    };
    tokio::time::timeout(Duration::from_secs(20), run_check(&options, None))
        .await
        .expect("ends in time")
}

/// Files a test wrote, removed when it ends (however it ends).
struct Written(Vec<PathBuf>);

impl Drop for Written {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[tokio::test]
async fn a_client_certificate_opens_a_mutual_tls_server_also_with_an_encrypted_key() {
    let root_ca = ca("Test root");
    let addr = mtls_server(&root_ca).await;
    for (name, passphrase) in [("plain", None), ("encrypted", Some("correct horse"))] {
        let (cert, key) = client_files(&root_ca, name, passphrase);
        let ca = ca_file(&root_ca.pem(), &format!("mtls-{name}"));
        let _written = Written(vec![cert.clone(), key.clone(), ca.clone()]);
        let report = check_with_client(addr, ca, cert, key, passphrase)
            .await
            .unwrap();
        let tls = report.checks.iter().find(|c| c.id == "tls").unwrap();
        assert_eq!(tls.status.word(), "pass", "{name}: {tls:#?}");
        assert!(
            !report.diagnoses.iter().any(|d| d.code.starts_with("tls.")),
            "{name}: {:#?}",
            report.diagnoses
        );
    }
}

#[tokio::test]
async fn a_wrong_or_missing_passphrase_is_said_before_connecting() {
    let root_ca = ca("Test root");
    let (cert, key) = client_files(&root_ca, "locked", Some("right"));
    let ca = ca_file(&root_ca.pem(), "mtls-locked");
    let _written = Written(vec![cert.clone(), key.clone(), ca.clone()]);
    let addr: SocketAddr = "127.0.0.1:9".parse().unwrap();
    let wrong = check_with_client(addr, ca.clone(), cert.clone(), key.clone(), Some("wrong"))
        .await
        .unwrap_err();
    assert!(
        wrong
            .to_string()
            .contains("the passphrase does not open the key"),
        "{wrong}"
    );
    let missing = check_with_client(addr, ca, cert, key, None)
        .await
        .unwrap_err();
    assert!(
        missing.to_string().contains("give its passphrase"),
        "{missing}"
    );
    // A form shows both beside the passphrase field, not the certificate's.
    assert_eq!(
        (wrong.field(), missing.field()),
        (Some("keyPassphrase"), Some("keyPassphrase"))
    );
}

/// A leaf signed straight by a private root the client does not trust, sent without a chain: the missing
/// piece is trust (give the CA file), not a chain to serve.
#[tokio::test]
async fn a_leaf_from_an_untrusted_private_root_sent_alone_is_untrusted() {
    let private_root = ca("Corp Root CA");
    let (cert, key) = leaf(&["localhost", "127.0.0.1"], &private_root, false);
    let addr = tls_server(vec![cert], key).await;
    let report = check(addr, "127.0.0.1", None).await;
    assert_eq!(root(&report), "tls.untrusted", "{:#?}", report.diagnoses);
}

/// A leaf that names where its issuer's certificate is (Authority Information Access, as every public
/// CA's leaves do), sent alone: the intermediate is missing.
#[tokio::test]
async fn a_leaf_naming_its_issuers_certificate_sent_alone_is_an_incomplete_chain() {
    let issuing = ca("Issuing CA 7");
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    // AuthorityInfoAccess: caIssuers (1.3.6.1.5.5.7.48.2) at http://ca.test/i.crt
    let uri = b"http://ca.test/i.crt";
    let mut access = vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    access.extend([0x86, uri.len() as u8]);
    access.extend_from_slice(uri);
    let mut description = vec![0x30, access.len() as u8];
    description.extend(access);
    let mut content = vec![0x30, description.len() as u8];
    content.extend(description);
    params
        .custom_extensions
        .push(rcgen::CustomExtension::from_oid_content(
            &[1, 3, 6, 1, 5, 5, 7, 1, 1],
            content,
        ));
    let cert = params.signed_by(&key, &issuing).unwrap();
    let addr = tls_server(vec![cert.der().clone()], key).await;
    let report = check(addr, "127.0.0.1", None).await;
    assert_eq!(
        root(&report),
        "tls.incomplete_chain",
        "{:#?}",
        report.diagnoses
    );
}
