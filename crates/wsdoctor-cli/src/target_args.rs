//! The target options `check` and `connect` share: how to reach the server and what to send in the
//! upgrade request.

use std::path::PathBuf;
use std::time::Duration;

use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct TargetArgs {
    /// Origin header to send, as a browser on that page would.
    #[arg(long, value_name = "ORIGIN")]
    origin: Option<String>,
    /// Extra request header, "Name: value" (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Subprotocol to offer (repeatable, in order of preference).
    #[arg(long = "subprotocol", value_name = "NAME")]
    subprotocols: Vec<String>,
    /// PEM file of CA certificates to trust besides the system's.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Continue past an untrusted or invalid certificate (a check still reports it).
    #[arg(long, short = 'k')]
    insecure: bool,
    /// HTTP proxy to tunnel through (CONNECT); overrides HTTPS_PROXY / HTTP_PROXY.
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// Ignore HTTPS_PROXY / HTTP_PROXY / ALL_PROXY from the environment.
    #[arg(long)]
    no_env_proxy: bool,
    /// Seconds allowed to connect, and again for the TLS and upgrade handshakes.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    timeout: f64,
}

/// A duration from a flag, between 0 and an hour.
pub fn seconds(value: f64, flag: &str) -> Result<Duration> {
    if value.is_finite() && value > 0.0 && value <= 3600.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(Error::InvalidInput(format!(
            "{flag} must be between 0 and 3600 seconds, not {value}"
        )))
    }
}

/// `Name: value`, checked as a server would.
pub fn parse_header(line: &str) -> Result<(String, String)> {
    let (name, value) = line.split_once(':').ok_or_else(|| {
        Error::InvalidInput(format!("header `{line}` must look like `Name: value`"))
    })?;
    let (name, value) = (name.trim(), value.trim());
    wsdoctor_core::check::validate_header(name, value)?;
    Ok((name.to_string(), value.to_string()))
}

impl TargetArgs {
    /// Check options for `url` with these target settings (everything else at its default).
    pub fn options(&self, url: String) -> Result<CheckOptions> {
        let timeout = seconds(self.timeout, "--timeout")?;
        Ok(CheckOptions {
            url,
            origin: self.origin.clone(),
            headers: self
                .headers
                .iter()
                .map(|h| parse_header(h))
                .collect::<Result<_>>()?,
            subprotocols: self.subprotocols.clone(),
            ca_file: self.ca_file.clone(),
            insecure: self.insecure,
            proxy: self.proxy.clone(),
            use_env_proxy: !self.no_env_proxy,
            connect_timeout: timeout,
            handshake_timeout: timeout,
            ..CheckOptions::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_header;

    #[test]
    fn headers_must_be_name_colon_value() {
        assert_eq!(
            parse_header("Authorization: Bearer x:y").unwrap(),
            ("Authorization".into(), "Bearer x:y".into())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": empty name").is_err());
        assert!(parse_header("Bad Name: v").is_err());
    }
}
