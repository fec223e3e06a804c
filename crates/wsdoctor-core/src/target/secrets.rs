//! The secrets a run's options hold, taught to the one redaction pass before anything is recorded.

use super::CheckOptions;
use crate::redact::Redactor;

/// Teaches the redactor every secret the options hold before anything is recorded, so no event, entry,
/// log line or piece of evidence can show one, whatever quotes it: the URL's password and tokens, secret
/// headers' values, secret subprotocols, the proxy's credentials, the auth payload and every string in
/// it, a key's passphrase, expected values of secret environment variables. The check and the console
/// both learn through this one function.
pub(crate) fn learn_secrets(redactor: &Redactor, options: &CheckOptions) {
    redactor.url(&options.url);
    if let Some(page) = &options.page_url {
        redactor.url(page);
    }
    if let Some(direct) = &options.direct {
        redactor.url(direct);
    }
    for (name, value) in &options.headers {
        redactor.header_value(name, value);
    }
    for subprotocol in &options.subprotocols {
        redactor.subprotocol(subprotocol);
    }
    if let Some(proxy) = &options.proxy {
        redactor.url(proxy);
    }
    if let Some(auth) = &options.auth {
        redactor.remember(auth.expose(), "auth payload");
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(auth.expose()) {
            remember_strings(redactor, &value);
        }
    }
    if let Some(passphrase) = &options.key_passphrase {
        redactor.remember(passphrase.expose(), "client key passphrase");
    }
    for spec in &options.server.env {
        if let Some((name, expected)) = spec.split_once('=')
            && crate::redact::is_secret_name(name.trim())
        {
            redactor.remember(expected, format!("environment variable {}", name.trim()));
        }
    }
}

/// Teaches the redactor every string inside an auth payload (a token is a secret wherever it is quoted).
fn remember_strings(redactor: &Redactor, value: &serde_json::Value) {
    match value {
        serde_json::Value::String(text) => redactor.remember(text, "auth payload"),
        serde_json::Value::Array(items) => items.iter().for_each(|v| remember_strings(redactor, v)),
        serde_json::Value::Object(fields) => {
            fields.values().for_each(|v| remember_strings(redactor, v))
        }
        _ => {}
    }
}
