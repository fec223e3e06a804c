//! Which names say their value is a secret (`client_secret`, `X-Amz-Signature`, `apiKey`, `REDIS_URL`),
//! judged by their words rather than a fixed list, and which subprotocols carry a token.

/// Headers whose names contain a secret word but carry nothing secret (the WebSocket key is a nonce the
/// report needs to show beside the accept value).
const PUBLIC_HEADERS: &[&str] = &["sec-websocket-key", "sec-websocket-accept"];

/// Words that make a name secret (`client_secret`, `X-Api-Key`, `sessionId`, `X-Amz-Signature`).
pub(super) const SECRET_WORDS: &[&str] = &[
    "token",
    "tokens",
    "secret",
    "secrets",
    "password",
    "passwd",
    "pass",
    "pwd",
    "passphrase",
    "auth",
    "authorization",
    "authorisation",
    "key",
    "apikey",
    "sig",
    "signature",
    "sid",
    "session",
    "sessionid",
    "code",
    "jwt",
    "credential",
    "credentials",
    "bearer",
    "ticket",
    "otp",
    "cookie",
    "private",
    "accesskey",
    "accesstoken",
    "refreshtoken",
    "clientsecret",
];

/// Splits a name into lowercase words at `_`, `-`, `.`, spaces and camelCase humps.
pub(super) fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a name (a query parameter, a variable, a JSON member) says its value is a secret.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if PUBLIC_HEADERS.contains(&lower.as_str()) {
        return false;
    }
    let words = words(name);
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || SECRET_WORDS.contains(&words.concat().as_str())
        // DATABASE_URL, REDIS_URL and the like carry a password in their user info.
        || (words.last().is_some_and(|w| w == "url" || w == "uri" || w == "dsn")
            && words.len() > 1
            && ["database", "db", "redis", "mongo", "mongodb", "amqp", "postgres", "mysql", "broker"]
                .iter()
                .any(|w| words.iter().any(|x| x == w)))
}

/// Whether a query parameter carries a token (by its name, any case, percent-decoded).
pub fn is_secret_param(name: &str) -> bool {
    is_secret_name(&form_decode(name))
}

pub(super) fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| text.to_string())
}

pub(super) fn percent_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// The prefix of a Kubernetes bearer token carried as a subprotocol.
const K8S_BEARER: &str = "base64url.bearer.authorization.k8s.io.";

/// The secret part of a subprotocol entry, if it carries one: a Kubernetes bearer token, an AppSync-style
/// `header-<base64>` entry, or an entry that looks like a token (a JWT, a long mix of cases and digits).
pub fn subprotocol_secret(protocol: &str) -> Option<&str> {
    let protocol = protocol.trim();
    if let Some(token) = protocol.strip_prefix(K8S_BEARER) {
        return Some(token);
    }
    if let Some(token) = protocol.strip_prefix("header-")
        && token.len() >= 8
    {
        return Some(token);
    }
    let token_like = protocol.len() >= 16 && protocol.starts_with("eyJ") && protocol.contains('.');
    let mixed = protocol.len() >= 16
        && protocol
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=_-.~".contains(c))
        && protocol.chars().any(|c| c.is_ascii_digit())
        && protocol.chars().any(|c| c.is_ascii_uppercase())
        && protocol.chars().any(|c| c.is_ascii_lowercase());
    (token_like || mixed).then_some(protocol)
}
