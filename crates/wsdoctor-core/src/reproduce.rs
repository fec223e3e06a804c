//! "Copy as": the same request as a curl, websocat or wscat command, or a browser-console snippet, for a
//! ticket or a colleague. Secret values never appear: they become placeholders the user fills in.

use serde::Serialize;
use ts_rs::TS;

use crate::net::parse_target;
use crate::redact::Redactor;
use crate::target::CheckOptions;
use crate::{Error, Result};

/// The request, four ways.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Reproduction {
    pub curl: String,
    pub websocat: String,
    pub wscat: String,
    pub javascript: String,
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

pub fn reproduce(options: &CheckOptions) -> Result<Reproduction> {
    let target = parse_target(&options.url)?;
    let redactor = Redactor::new(&options.secret_headers);
    // Secret values become placeholders named after what they were.
    let url = placeholders(&redactor.url(target.url.as_str()));
    let headers: Vec<(String, String)> = options
        .headers
        .iter()
        .map(|(name, value)| {
            let shown = if redactor.is_secret_header(name) {
                match value.split_once(' ') {
                    Some((scheme, _)) if name.eq_ignore_ascii_case("authorization") => {
                        format!("{scheme} <{name}>")
                    }
                    _ => format!("<{name}>"),
                }
            } else {
                value.clone()
            };
            (name.clone(), shown)
        })
        .collect();
    if headers
        .iter()
        .any(|(n, v)| n.contains(['\r', '\n']) || v.contains(['\r', '\n']))
    {
        return Err(Error::InvalidInput("a header contains a line break".into()));
    }
    let http_url = url
        .replacen("wss://", "https://", 1)
        .replacen("ws://", "http://", 1);

    let mut curl = vec![
        "curl -i -N --http1.1".to_string(),
        "-H 'Connection: Upgrade'".into(),
        "-H 'Upgrade: websocket'".into(),
        "-H 'Sec-WebSocket-Version: 13'".into(),
        "-H 'Sec-WebSocket-Key: SGVsbG8sIFdTIERvY3RvciE='".into(),
    ];
    let mut websocat = vec!["websocat".to_string()];
    let mut wscat = vec![format!("wscat -c {}", quote(&url))];
    if let Some(origin) = &options.origin {
        curl.push(format!("-H {}", quote(&format!("Origin: {origin}"))));
        websocat.push(format!("--origin {}", quote(origin)));
        wscat.push(format!("-o {}", quote(origin)));
    }
    if !options.subprotocols.is_empty() {
        curl.push(format!(
            "-H {}",
            quote(&format!(
                "Sec-WebSocket-Protocol: {}",
                options.subprotocols.join(", ")
            ))
        ));
        for protocol in &options.subprotocols {
            wscat.push(format!("-s {}", quote(protocol)));
        }
        websocat.push(format!(
            "--protocol {}",
            quote(&options.subprotocols.join(","))
        ));
    }
    // The client's own headers (a browser's User-Agent and the rest), unless the user's replace them.
    let client_headers: Vec<(String, String)> = options
        .client
        .headers()
        .into_iter()
        .filter(|(name, _)| !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
        .map(|(name, value)| (name.to_string(), value))
        .collect();
    for (name, value) in client_headers.iter().chain(&headers) {
        let line = quote(&format!("{name}: {value}"));
        curl.push(format!("-H {line}"));
        websocat.push(format!("-H {line}"));
        wscat.push(format!("-H {line}"));
    }
    // curl offers no compression by itself; the check offers what the client offers.
    if let Some(offer) = options
        .compression
        .then(|| options.client.extension_offer())
        .flatten()
    {
        curl.push(format!(
            "-H {}",
            quote(&format!("Sec-WebSocket-Extensions: {offer}"))
        ));
    }
    for pinned in &options.resolve {
        let addrs: Vec<String> = pinned
            .addrs
            .iter()
            .map(|a| match a {
                std::net::IpAddr::V6(v6) => format!("[{v6}]"),
                v4 => v4.to_string(),
            })
            .collect();
        curl.push(format!(
            "--resolve {}",
            quote(&format!(
                "{}:{}:{}",
                pinned.host,
                pinned.port,
                addrs.join(",")
            ))
        ));
    }
    // curl reads a Netscape cookie file itself (not a HAR).
    if let Some(jar) = options
        .cookie_file
        .as_ref()
        .filter(|p| !p.extension().is_some_and(|e| e.eq_ignore_ascii_case("har")))
    {
        curl.push(format!("-b {}", quote(&jar.display().to_string())));
    }
    if options.insecure {
        curl.push("-k".into());
        websocat.push("-k".into());
        wscat.push("-n".into());
    }
    if let Some(ca) = &options.ca_file {
        let ca = quote(&ca.display().to_string());
        curl.push(format!("--cacert {ca}"));
        wscat.push(format!("--ca {ca}"));
    }
    if let Some(cert) = &options.client_cert {
        let cert = quote(&cert.display().to_string());
        let key = options
            .client_key
            .as_ref()
            .map(|k| quote(&k.display().to_string()))
            .unwrap_or_else(|| cert.clone());
        // curl asks for an encrypted key's passphrase itself; wscat takes it as <passphrase>.
        curl.push(format!("--cert {cert} --key {key}"));
        wscat.push(format!("--cert {cert} --key {key}"));
        if options.key_passphrase.is_some() {
            wscat.push("--passphrase '<passphrase>'".into());
        }
    }
    if let Some(proxy) = &options.proxy {
        let proxy = quote(&placeholders(&redactor.url(proxy)));
        curl.push(format!("--proxy {proxy}"));
        wscat.push(format!("--proxy {proxy}"));
    }
    curl.push(quote(&http_url));
    websocat.push(quote(&url));

    let protocols = if options.subprotocols.is_empty() {
        String::new()
    } else {
        format!(
            ", {}",
            serde_json::to_string(&options.subprotocols).unwrap_or_default()
        )
    };
    let mut javascript = String::new();
    if !headers.is_empty() {
        javascript.push_str("// Browsers cannot set request headers on a WebSocket: send credentials in a cookie or the URL.\n");
    }
    javascript.push_str(&format!(
        "const ws = new WebSocket({}{protocols});\n\
         ws.onopen = () => {{ console.log(\"open, protocol:\", ws.protocol); ws.send(\"ping from the console\"); }};\n\
         ws.onmessage = (event) => console.log(\"message:\", event.data);\n\
         ws.onerror = (event) => console.log(\"error (the console above says why)\", event);\n\
         ws.onclose = (event) => console.log(\"close:\", event.code, event.reason, \"clean:\", event.wasClean);\n",
        serde_json::to_string(&url).unwrap_or_default()
    ));
    Ok(Reproduction {
        curl: curl.join(" \\\n  "),
        websocat: websocat.join(" "),
        wscat: wscat.join(" "),
        javascript,
    })
}

/// `access_token=[REDACTED]` reads better as `access_token=<access_token>` in a command to fill in.
fn placeholders(url: &str) -> String {
    let marker = url::form_urlencoded::byte_serialize(crate::redact::REDACTED.as_bytes())
        .collect::<String>();
    let mut out = String::new();
    for (i, part) in url.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match part.split_once('=') {
            Some((key, value)) if value == marker || value == crate::redact::REDACTED => {
                let name = key.rsplit('?').next().unwrap_or(key);
                out.push_str(&format!("{key}=<{name}>"));
            }
            _ => out.push_str(part),
        }
    }
    out.replace(&format!(":{marker}@"), ":<password>@")
        .replace(&format!(":{}@", crate::redact::REDACTED), ":<password>@")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{assert_contains, assert_lacks};

    fn options() -> CheckOptions {
        CheckOptions {
            url: "wss://chat.example.test/ws?room=7&token=s3cret-token".into(),
            origin: Some("https://app.example.test".into()),
            headers: vec![
                ("Authorization".into(), "Bearer s3cret-bearer".into()),
                ("X-Trace".into(), "it's fine".into()),
            ],
            subprotocols: vec!["chat.v2".into()],
            insecure: true,
            ..CheckOptions::default()
        }
    }

    #[test]
    fn every_form_carries_the_request_and_no_secret() {
        let r = reproduce(&options()).unwrap();
        for text in [&r.curl, &r.websocat, &r.wscat, &r.javascript] {
            assert!(!text.contains("s3cret"), "{text}");
        }
        assert_contains!(r.curl, "-H 'Authorization: Bearer <Authorization>'");
        assert_contains!(
            r.curl,
            "'https://chat.example.test/ws?room=7&token=<token>'"
        );
        assert_contains!(r.curl, "-H 'X-Trace: it'\\''s fine'");
        assert!(
            r.websocat.contains("--protocol 'chat.v2'")
                && r.websocat
                    .ends_with("'wss://chat.example.test/ws?room=7&token=<token>'")
        );
        assert!(r.wscat.starts_with("wscat -c 'wss://chat.example.test/ws?room=7&token=<token>' -o 'https://app.example.test' -s 'chat.v2'"), "{}", r.wscat);
        assert!(r.wscat.ends_with(" -n"));
        assert_contains!(
            r.javascript,
            "new WebSocket(\"wss://chat.example.test/ws?room=7&token=<token>\", [\"chat.v2\"])"
        );
        assert!(
            r.javascript
                .starts_with("// Browsers cannot set request headers")
        );
    }

    #[test]
    fn the_client_its_offer_the_addresses_and_the_cookie_file_carry_over_to_curl() {
        let r = reproduce(&CheckOptions {
            url: "wss://rt.app.test/ws".into(),
            resolve: vec![crate::net::Pinned::parse("rt.app.test:443:10.0.0.5,::1").unwrap()],
            cookie_file: Some("/home/qa/cookies.txt".into()),
            ..CheckOptions::default()
        })
        .unwrap();
        assert_contains!(r.curl, "Chrome/131");
        assert!(
            r.curl.contains(
                "-H 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'"
            ),
            "{}",
            r.curl
        );
        assert_contains!(r.curl, "--resolve 'rt.app.test:443:10.0.0.5,[::1]'");
        assert_contains!(r.curl, "-b '/home/qa/cookies.txt'");
        let raw = reproduce(&CheckOptions {
            url: "ws://a.test/".into(),
            client: crate::browser::ClientProfile::Node,
            compression: false,
            ..CheckOptions::default()
        })
        .unwrap();
        assert_lacks!(raw.curl, "User-Agent");
        assert_lacks!(raw.curl, "Extensions");
    }

    #[test]
    fn a_client_certificate_is_named_and_its_passphrase_is_a_placeholder() {
        let r = reproduce(&CheckOptions {
            client_cert: Some("/etc/me.pem".into()),
            client_key: Some("/etc/me.key".into()),
            key_passphrase: Some(crate::profile::Sensitive::new("pw-s3cret".into())),
            ..options()
        })
        .unwrap();
        assert_contains!(r.curl, "--cert '/etc/me.pem' --key '/etc/me.key'");
        assert_contains!(r.wscat, "--passphrase '<passphrase>'");
        assert!(!r.wscat.contains("pw-s3cret"));
    }
}
