//! Redaction: secrets never reach a report, whatever renders it.
//!
//! Every piece of evidence is built through a [`Redactor`], which knows the headers that carry secrets
//! (the usual ones plus any the user marks) and the query parameters that carry tokens. It also remembers
//! each secret value it has seen, so the same value is scrubbed from free text too (a response body that
//! echoes the token, an error message that quotes the URL).

use std::collections::BTreeMap;
use std::sync::Mutex;

use url::Url;

/// What replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Headers whose values are always secret.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "x-auth-token",
];

/// Whether a query parameter carries a token (by its name, case-insensitively).
pub fn is_secret_param(name: &str) -> bool {
    SECRET_PARAMS.contains(&name.to_ascii_lowercase().as_str())
}

/// Query parameters whose values are always secret (compared case-insensitively).
const SECRET_PARAMS: &[&str] = &[
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "auth",
    "authorization",
    "key",
    "api_key",
    "apikey",
    "signature",
    "sig",
    "secret",
    "password",
    "pass",
    "jwt",
    "session",
    "x-amz-signature",
    "x-amz-security-token",
];

/// Redacts secrets and counts the distinct values it hid.
#[derive(Debug, Default)]
pub struct Redactor {
    marked_headers: Vec<String>,
    /// Each secret value seen, with what it was (`header Authorization`), never shown itself.
    secrets: Mutex<BTreeMap<String, String>>,
}

impl Redactor {
    /// A redactor that also treats `marked_headers` (names, any case) as secret.
    pub fn new(marked_headers: &[String]) -> Self {
        Redactor {
            marked_headers: marked_headers
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            secrets: Mutex::new(BTreeMap::new()),
        }
    }

    fn remember(&self, value: &str, what: String) {
        if !value.is_empty() {
            self.secrets
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .entry(value.to_string())
                .or_insert(what);
        }
    }

    /// Whether a header's value is secret.
    pub fn is_secret_header(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        SECRET_HEADERS.contains(&name.as_str()) || self.marked_headers.contains(&name)
    }

    /// A header's value as a report may show it.
    pub fn header_value(&self, name: &str, value: &str) -> String {
        if !self.is_secret_header(name) {
            return self.text(value);
        }
        // Keep the scheme word of an Authorization value: "Bearer [REDACTED]" still says what was sent.
        match value.split_once(' ') {
            Some((scheme, rest))
                if name.eq_ignore_ascii_case("authorization")
                    || name.eq_ignore_ascii_case("proxy-authorization") =>
            {
                self.remember(rest.trim(), format!("header {name}"));
                format!("{scheme} {REDACTED}")
            }
            _ => {
                self.remember(value, format!("header {name}"));
                REDACTED.to_string()
            }
        }
    }

    /// A URL with user info and secret query values hidden. Text that is not a URL is scrubbed as text.
    pub fn url(&self, input: &str) -> String {
        let Ok(mut url) = Url::parse(input) else {
            return self.text(input);
        };
        if let Some(password) = url.password() {
            self.remember(password, "password in a URL".to_string());
            let _ = url.set_password(Some(REDACTED));
        }
        if url.query().is_some() {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut changed = false;
            let kept: Vec<(String, String)> = pairs
                .into_iter()
                .map(|(key, value)| {
                    if is_secret_param(&key) && !value.is_empty() {
                        self.remember(&value, format!("query parameter {key}"));
                        changed = true;
                        (key, REDACTED.to_string())
                    } else {
                        (key, value)
                    }
                })
                .collect();
            if changed {
                url.query_pairs_mut().clear().extend_pairs(kept);
            }
        }
        self.text(url.as_str())
    }

    /// A request target (`/path?query`) with secret query values hidden.
    pub fn url_path(&self, path: &str) -> String {
        let Ok(url) = Url::parse("http://request.target").and_then(|base| base.join(path)) else {
            return self.text(path);
        };
        let redacted = self.url(url.as_str());
        redacted
            .strip_prefix("http://request.target")
            .map(str::to_string)
            .unwrap_or(redacted)
    }

    /// Free text with every secret value seen so far replaced.
    pub fn text(&self, text: &str) -> String {
        let secrets = self
            .secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut out = text.to_string();
        // Longest first, so a secret that contains another is replaced whole.
        let mut ordered: Vec<&String> = secrets.keys().collect();
        ordered.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for secret in ordered {
            if secret.len() >= 4 && out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// What was hidden (`header Authorization`, `query parameter token`), without the values.
    pub fn labels(&self) -> Vec<String> {
        let secrets = self
            .secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut labels: Vec<String> = secrets.values().cloned().collect();
        labels.sort();
        labels.dedup();
        labels
    }

    /// How many distinct secret values were hidden.
    pub fn count(&self) -> u32 {
        let secrets = self
            .secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        u32::try_from(secrets.len()).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_secret_headers_and_keeps_the_scheme() {
        let r = Redactor::new(&["X-Tenant-Key".into()]);
        assert_eq!(
            r.header_value("Authorization", "Bearer abc.def"),
            "Bearer [REDACTED]"
        );
        assert_eq!(r.header_value("cookie", "sid=42; theme=dark"), REDACTED);
        assert_eq!(r.header_value("x-tenant-key", "t-9999"), REDACTED);
        assert_eq!(r.header_value("Accept", "text/plain"), "text/plain");
        assert_eq!(
            r.text("the server echoed abc.def back"),
            "the server echoed [REDACTED] back"
        );
        assert_eq!(r.count(), 3);
    }

    #[test]
    fn hides_tokens_in_query_strings_and_passwords_in_urls() {
        let r = Redactor::new(&[]);
        let url =
            r.url("wss://user:hunter22@example.test/ws?room=7&access_token=s3cr3t&Signature=zz99");
        assert!(
            !url.contains("hunter22") && !url.contains("s3cr3t") && !url.contains("zz99"),
            "{url}"
        );
        assert!(url.contains("room=7"), "{url}");
        assert_eq!(r.count(), 3);
        assert_eq!(
            r.url("wss://example.test/ws?room=7"),
            "wss://example.test/ws?room=7"
        );
    }
}
