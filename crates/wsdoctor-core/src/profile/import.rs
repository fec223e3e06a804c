//! Profiles from what a ticket carries: a `curl`, `wscat` or `websocat` command line, or the WebSocket
//! request in a HAR file a customer exported from their browser. Each becomes a request, then a profile
//! through [`super::resolve::from_request`], so secrets are split out the same way as a typed target.

use serde_json::Value;

use super::Profile;
use super::model::SecretSlot;
use super::resolve::from_request;
use super::secret::Sensitive;
use crate::redact::Redactor;
use crate::target::{CheckRequest, HeaderInput};
use crate::{Error, Result};

/// A profile made from an imported request, the secrets it carried, and what was left out.
#[derive(Debug)]
pub struct Imported {
    pub profile: Profile,
    pub secrets: Vec<(SecretSlot, Sensitive<String>)>,
    /// Options that were not understood or have no place in a profile, one sentence each.
    pub notes: Vec<String>,
}

/// Headers the handshake makes itself; a pasted command's copies of them are dropped.
const HANDSHAKE_HEADERS: &[&str] = &[
    "host",
    "upgrade",
    "connection",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-extensions",
    "content-length",
    "accept-encoding",
    "pragma",
    "cache-control",
];

/// Builds up a request from the pieces a command line or a HAR entry gives.
#[derive(Default)]
struct Draft {
    request: CheckRequest,
    notes: Vec<String>,
}

impl Draft {
    fn header(&mut self, line: &str) {
        let Some((name, value)) = line.split_once(':') else {
            self.notes
                .push(format!("ignored the header `{line}`: no colon"));
            return;
        };
        let (name, value) = (name.trim(), value.trim());
        let lower = name.to_ascii_lowercase();
        if lower == "origin" {
            self.request.target.origin = Some(value.to_string());
        } else if lower == "sec-websocket-protocol" {
            self.request.target.subprotocols.extend(
                value
                    .split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty()),
            );
        } else if HANDSHAKE_HEADERS.contains(&lower.as_str()) || lower.starts_with(':') {
            // made by the handshake itself
        } else {
            let secret = Redactor::new(&[]).is_secret_header(name);
            self.request.target.headers.push(HeaderInput {
                name: name.to_string(),
                value: value.to_string(),
                secret,
            });
        }
    }

    fn basic_auth(&mut self, credentials: &str) {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        self.header(&format!("Authorization: Basic {encoded}"));
    }

    fn url(&mut self, url: &str) -> Result<()> {
        let url = url.trim();
        let converted = if let Some(rest) = url.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = url.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            url.to_string()
        };
        if !(converted.starts_with("ws://") || converted.starts_with("wss://")) {
            return Err(Error::InvalidInput(format!(
                "`{url}` is not a WebSocket or HTTP URL"
            )));
        }
        if !self.request.target.url.is_empty() {
            self.notes
                .push(format!("kept the first URL; ignored `{converted}`"));
            return Ok(());
        }
        self.request.target.url = converted;
        Ok(())
    }

    fn finish(self, name: &str) -> Result<Imported> {
        if self.request.target.url.is_empty() {
            return Err(Error::InvalidInput(
                "no WebSocket URL in what was pasted".into(),
            ));
        }
        let name = if name.trim().is_empty() {
            url::Url::parse(&self.request.target.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| "Imported".into())
        } else {
            name.trim().to_string()
        };
        let (profile, secrets) = from_request(&name, &self.request);
        Ok(Imported {
            profile,
            secrets,
            notes: self.notes,
        })
    }
}

/// Options of each tool that take a value, and what the value means to a profile.
enum Takes {
    Url,
    Header,
    Origin,
    Protocol,
    BasicAuth,
    Cookie,
    UserAgent,
    Referer,
    Proxy,
    ProxyUser,
    CaFile,
    ClientCert,
    ClientKey,
    Passphrase,
    Timeout,
    /// A value with no place in a profile (an output file, a method, ...).
    Ignored,
}

fn option(tool: &str, flag: &str) -> Option<Takes> {
    use Takes::*;
    let takes = match (tool, flag) {
        (_, "-H" | "--header") => Header,
        ("curl", "--url") => Url,
        ("curl", "-b" | "--cookie") => Cookie,
        ("curl", "-A" | "--user-agent") => UserAgent,
        ("curl", "-e" | "--referer") => Referer,
        ("curl", "-u" | "--user") => BasicAuth,
        ("curl", "-x" | "--proxy") => Proxy,
        ("curl", "-U" | "--proxy-user") => ProxyUser,
        ("curl", "--cacert") => CaFile,
        ("curl" | "wscat", "--cert") => ClientCert,
        ("curl" | "wscat", "--key") => ClientKey,
        ("curl", "--pass") | ("wscat", "--passphrase") => Passphrase,
        ("curl", "--connect-timeout") => Timeout,
        (
            "curl",
            "-X" | "--request" | "-o" | "--output" | "-d" | "--data" | "--data-raw" | "-m"
            | "--max-time" | "-w" | "--write-out" | "--resolve" | "-T" | "--upload-file"
            | "--retry" | "--limit-rate",
        ) => Ignored,
        ("wscat", "-c" | "--connect") => Url,
        ("wscat", "-o" | "--origin") => Origin,
        ("wscat", "-s" | "--subprotocol") => Protocol,
        ("wscat", "--auth") => BasicAuth,
        ("wscat", "--ca") => CaFile,
        (
            "wscat",
            "-l" | "--listen" | "-p" | "--protocol" | "-x" | "--execute" | "-w" | "--wait"
            | "--host",
        ) => Ignored,
        ("websocat", "--origin") => Origin,
        ("websocat", "--protocol") => Protocol,
        ("websocat", "--basic-auth") => BasicAuth,
        (
            "websocat",
            "--ws-c-uri"
            | "--pkcs12-der"
            | "--pkcs12-passwd"
            | "--max-messages"
            | "--ping-interval"
            | "--ping-timeout"
            | "-B"
            | "--buffer-size"
            | "--close-reason"
            | "--close-status-code",
        ) => Ignored,
        _ => return None,
    };
    Some(takes)
}

/// A profile from a `curl`, `wscat` or `websocat` command line (line continuations and quotes as a POSIX
/// shell reads them). Unknown options are listed in the notes, not guessed at.
pub fn from_command(line: &str, name: &str) -> Result<Imported> {
    let joined = line.replace("\\\r\n", " ").replace("\\\n", " ");
    let words = shlex::split(joined.trim())
        .ok_or_else(|| Error::InvalidInput("the command line has an unclosed quote".into()))?;
    let mut words = words.into_iter().peekable();
    let program = words.next().unwrap_or_default();
    let tool = program.rsplit('/').next().unwrap_or_default().to_string();
    if !["curl", "wscat", "websocat"].contains(&tool.as_str()) {
        return Err(Error::InvalidInput(format!(
            "`{program}` is not a curl, wscat or websocat command"
        )));
    }
    let mut draft = Draft::default();
    while let Some(word) = words.next() {
        if !word.starts_with('-') || word == "-" {
            // websocat's URL is positional, as is curl's; `-` (stdin) is not a URL.
            if word.contains("://") {
                draft.url(&word)?;
            } else if word != "-" {
                draft.notes.push(format!("ignored `{word}`: not a URL"));
            }
            continue;
        }
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (word.clone(), None),
        };
        // curl and websocat also accept `-Hvalue`, with the value glued to a short flag.
        let split = flag
            .get(..2)
            .zip(flag.get(2..))
            .filter(|_| inline.is_none() && !flag.starts_with("--") && flag.len() > 2);
        let (flag, inline) = if let Some((short, glued)) = split {
            match option(&tool, short) {
                Some(_) => {
                    let value = glued.strip_prefix('=').unwrap_or(glued).to_string();
                    (short.to_string(), Some(value))
                }
                None => (flag, None),
            }
        } else {
            (flag, inline)
        };
        let Some(takes) = option(&tool, &flag) else {
            match (tool.as_str(), flag.as_str()) {
                ("curl", "-k" | "--insecure")
                | ("wscat", "-n" | "--no-check")
                | ("websocat", "-k" | "--insecure") => draft.request.target.insecure = true,
                _ => draft.notes.push(format!("ignored the option {flag}")),
            }
            continue;
        };
        let Some(value) = inline.or_else(|| words.next()) else {
            return Err(Error::InvalidInput(format!("{flag} needs a value")));
        };
        match takes {
            Takes::Url => draft.url(&value)?,
            Takes::Header => draft.header(&value),
            Takes::Origin => draft.request.target.origin = Some(value),
            Takes::Protocol => draft.request.target.subprotocols.push(value),
            Takes::BasicAuth => draft.basic_auth(&value),
            Takes::Cookie => draft.header(&format!("Cookie: {value}")),
            Takes::UserAgent => draft.header(&format!("User-Agent: {value}")),
            Takes::Referer => draft.header(&format!("Referer: {value}")),
            Takes::Proxy => draft.request.target.proxy = Some(value),
            Takes::ProxyUser => {
                let proxy = draft.request.target.proxy.clone().unwrap_or_default();
                match url::Url::parse(&proxy) {
                    Ok(mut url) => {
                        let (user, password) = value.split_once(':').unwrap_or((&value, ""));
                        let _ = url.set_username(user);
                        let _ = url.set_password(Some(password).filter(|p| !p.is_empty()));
                        draft.request.target.proxy = Some(url.to_string());
                    }
                    Err(_) => draft
                        .notes
                        .push("ignored --proxy-user: it must follow --proxy".into()),
                }
            }
            Takes::CaFile => draft.request.target.ca_file = Some(value),
            Takes::ClientCert => draft.request.target.client_cert = Some(value),
            Takes::ClientKey => draft.request.target.client_key = Some(value),
            Takes::Passphrase => draft.request.target.key_passphrase = Some(value),
            Takes::Timeout => draft.request.target.timeout_secs = value.parse().ok(),
            Takes::Ignored => draft.notes.push(format!("ignored {flag} {value}")),
        }
    }
    draft.finish(name)
}

/// A profile from the first WebSocket request in a HAR file (Chrome, Firefox and Safari mark it with
/// `_resourceType: "websocket"` or answer it with 101).
pub fn from_har(text: &str, name: &str) -> Result<Imported> {
    let har: Value = serde_json::from_str(text)
        .map_err(|e| Error::InvalidInput(format!("not a HAR file (not JSON: {e})")))?;
    let entries = har
        .pointer("/log/entries")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::InvalidInput("not a HAR file: no log.entries".into()))?;
    let entry = entries
        .iter()
        .find(|e| {
            e.get("_resourceType").and_then(Value::as_str) == Some("websocket")
                || e.pointer("/response/status").and_then(Value::as_u64) == Some(101)
                || e.pointer("/request/url")
                    .and_then(Value::as_str)
                    .is_some_and(|u| u.starts_with("ws://") || u.starts_with("wss://"))
        })
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "the HAR file has {} requests and none is a WebSocket; record it with the page's \
                 WebSocket connecting (DevTools → Network → WS) before saving",
                entries.len()
            ))
        })?;
    let mut draft = Draft::default();
    let url = entry
        .pointer("/request/url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    draft.url(url)?;
    for header in entry
        .pointer("/request/headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(value)) = (
            header.get("name").and_then(Value::as_str),
            header.get("value").and_then(Value::as_str),
        ) else {
            continue;
        };
        draft.header(&format!("{name}: {value}"));
    }
    let others = entries.len() - 1;
    if others > 0 {
        draft.notes.push(format!(
            "took the first WebSocket request; the file has {others} other request(s)"
        ));
    }
    draft.finish(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_curl_upgrade_command_becomes_a_profile_with_its_secrets_split_out() {
        let imported = from_command(
            r#"curl -i -N --http1.1 -H "Connection: Upgrade" -H "Upgrade: websocket" \
  -H "Sec-WebSocket-Key: SGVsbG8sIHdvcmxkIQ==" -H "Sec-WebSocket-Version: 13" \
  -H 'Authorization: Bearer abc.def' -H "Origin: https://app.example" -H "X-Tenant: acme" \
  -k --compressed https://api.example/socket?token=t0k"#,
            "",
        )
        .unwrap();
        let p = &imported.profile;
        assert_eq!(p.name, "api.example");
        assert_eq!(
            p.target.request.url,
            "wss://api.example/socket?token={{token}}"
        );
        assert_eq!(
            p.target.request.origin.as_deref(),
            Some("https://app.example")
        );
        assert!(p.target.request.insecure);
        let names: Vec<_> = p
            .target
            .request
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.secret))
            .collect();
        assert_eq!(names, [("Authorization", true), ("X-Tenant", false)]);
        let values: Vec<_> = imported
            .secrets
            .iter()
            .map(|(_, v)| v.expose().as_str())
            .collect();
        assert_eq!(values, ["Bearer abc.def", "t0k"]);
        assert!(
            imported.notes.iter().any(|n| n.contains("--compressed")),
            "{:?}",
            imported.notes
        );
    }

    #[test]
    fn wscat_and_websocat_lines_are_read_too() {
        let wscat = from_command(
            "wscat -c wss://h.example/ws -H 'X-Api-Key: k1' -o https://o.example -s chat.v2 --auth u:p \
             --cert me.pem --key me.key --passphrase pw",
            "mine",
        )
        .unwrap();
        assert_eq!(wscat.profile.name, "mine");
        assert_eq!(wscat.profile.target.request.subprotocols, ["chat.v2"]);
        assert_eq!(
            wscat.profile.target.request.origin.as_deref(),
            Some("https://o.example")
        );
        assert_eq!(
            wscat.secrets.len(),
            3,
            "the API key, the Basic credentials, the key's passphrase"
        );
        assert_eq!(
            wscat.profile.target.request.client_key.as_deref(),
            Some("me.key")
        );
        assert!(wscat.profile.target.has_key_passphrase);
        let websocat = from_command(
            "websocat -k --protocol=mqtt -H='Cookie: sid=9' ws://127.0.0.1:9/x",
            "",
        )
        .unwrap();
        assert_eq!(websocat.profile.target.request.url, "ws://127.0.0.1:9/x");
        assert!(websocat.profile.target.request.insecure);
        assert_eq!(websocat.profile.target.request.subprotocols, ["mqtt"]);
        assert!(websocat.profile.target.request.headers[0].secret);
    }

    #[test]
    fn bad_lines_are_refused_with_a_reason() {
        for (line, says) in [
            ("ssh host", "not a curl, wscat or websocat"),
            ("curl -H 'open", "unclosed quote"),
            ("curl -H", "needs a value"),
            ("wscat -c ftp://x", "not a WebSocket or HTTP URL"),
            ("curl -v", "no WebSocket URL"),
        ] {
            let error = from_command(line, "").unwrap_err();
            assert!(error.to_string().contains(says), "{line}: {error}");
        }
    }

    #[test]
    fn a_har_files_websocket_request_is_found() {
        let har = serde_json::json!({"log": {"entries": [
            {"request": {"url": "https://app.example/", "headers": []}, "response": {"status": 200}},
            {"_resourceType": "websocket", "request": {"url": "wss://app.example/live", "headers": [
                {"name": "Host", "value": "app.example"},
                {"name": "Cookie", "value": "session=s1"},
                {"name": "Origin", "value": "https://app.example"},
                {"name": "Sec-WebSocket-Protocol", "value": "v1, v2"}
            ]}, "response": {"status": 101}}
        ]}});
        let imported = from_har(&har.to_string(), "").unwrap();
        assert_eq!(
            imported.profile.target.request.url,
            "wss://app.example/live"
        );
        assert_eq!(imported.profile.target.request.subprotocols, ["v1", "v2"]);
        assert_eq!(imported.profile.target.request.headers.len(), 1);
        assert!(imported.profile.target.request.headers[0].secret);
        assert_eq!(imported.secrets[0].1.expose(), "session=s1");
        let none = serde_json::json!({"log": {"entries": [{"request": {"url": "https://a/"}}]}});
        assert!(
            from_har(&none.to_string(), "")
                .unwrap_err()
                .to_string()
                .contains("none is a WebSocket")
        );
        assert!(
            from_har("{", "")
                .unwrap_err()
                .to_string()
                .contains("not a HAR file")
        );
    }
}
