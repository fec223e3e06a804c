//! The TLS material a run's options name (a CA file, a client certificate and key for mutual TLS), read
//! and checked before anything connects, for the check and the console alike.

use super::CheckOptions;
use crate::{Error, Result, tls};

/// The CA file and the client certificate the options name, read and checked before anything connects.
pub(crate) fn client_tls(options: &CheckOptions) -> Result<tls::ClientTls> {
    let extra_roots = match &options.ca_file {
        Some(path) => {
            let pem = crate::input_file::read_text_capped(
                path,
                crate::input_file::MAX_PEM_BYTES,
                "CA file",
            )
            .map_err(|e| Error::field_value("caFile", e))?;
            tls::certificates_from_pem(&pem)
                .map_err(|e| Error::field_value("caFile", format!("{}: {e}", path.display())))?
        }
        None => Vec::new(),
    };
    let identity = match &options.client_cert {
        Some(cert) => Some(tls::ClientIdentity::load(
            cert,
            options.client_key.as_deref(),
            options.key_passphrase.as_ref().map(|p| p.expose().as_str()),
        )?),
        None if options.client_key.is_some() => {
            return Err(Error::field_value(
                "clientCert",
                "a client key was given without its certificate",
            ));
        }
        None => None,
    };
    Ok(tls::ClientTls {
        extra_roots,
        identity,
    })
}
