//! Redaction: secrets never reach a report, whatever renders it.
//!
//! There is one pass, [`Redactor::text`], and everything a report, an event, the history or a log can
//! show goes through it (the recorder runs it on every summary and piece of evidence, the report model is
//! run through it once more when a run ends and again before any renderer writes it). It hides:
//! - values it was told or has seen: header values, query values, URL credentials, subprotocol tokens,
//!   each remembered in its raw form and its percent- and form-encoded forms, so a token with `+` or `/`
//!   is caught however a server or a log quotes it back;
//! - secrets it recognises by their name wherever text quotes them: URLs (user name, password, token-like
//!   query values), `NAME=value` assignments (`.env` files, log lines), `"name": "value"` JSON members and
//!   `Authorization: ...`-style header lines. A name is secret when one of its words is a secret word
//!   (`client_secret`, `X-Amz-Signature`, `apiKey`, `sid`), not only when it is on a fixed list.
//!
//! Short values (under four characters) are replaced only where they stand alone as a word, so a
//! two-letter password does not blank every word that contains those letters.

mod names;
mod sensitive;

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex};

use regex::Regex;
use url::Url;

use names::SECRET_WORDS;
use names::{form_decode, percent_decode, words};
pub use names::{is_secret_name, is_secret_param, subprotocol_secret};
pub use sensitive::Sensitive;

/// What replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Headers whose values are always secret, whatever their words say.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// URLs of the schemes that carry credentials, wherever text quotes them.
static URL_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b[a-z][a-z0-9+.\-]{1,15}://[^\s"'<>`\\]+"#).expect("a valid pattern")
});
/// A request target or bare query in text: `GET /ws?token=... HTTP/1.1`, `?sig=...`.
static QUERY_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([?&;])([A-Za-z0-9_.\-%\[\]]+)=([^&;\s"'<>#]*)"#).expect("a valid pattern")
});
/// `NAME=value` anywhere (`.env` files, shells, log lines), and `NAME: value` at the start of a line
/// (headers, YAML); in running prose a colon ("bearer token: send one") introduces no value.
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)(^[ \t]*|[\s,;{(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)([ \t]*=[ \t]*|:[ \t]*)("[^"\n]*"|'[^'\n]*'|[^\s,;&"'`})]+)"#)
        .expect("a valid pattern")
});
/// `"name": "value"` JSON members.
static JSON_MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""([A-Za-z0-9_.\-]+)"(\s*:\s*)"((?:[^"\\\n]|\\.)*)""#).expect("a valid pattern")
});
/// A header line with a scheme word: `Authorization: Bearer abc`.
static AUTH_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?im)\b(proxy-authorization|authorization)(\s*[:=]\s*)(basic|bearer|digest|token|negotiate)\s+([^\s,"'`]+)"#)
        .expect("a valid pattern")
});

/// Redacts secrets and counts the distinct values it hid.
#[derive(Debug, Default)]
pub struct Redactor {
    marked_headers: Vec<String>,
    /// Each secret value seen (in every form it may be quoted in), with what it was (`header
    /// Authorization`), never shown itself.
    secrets: Mutex<BTreeMap<String, String>>,
    /// The values as first remembered, for the count.
    originals: Mutex<BTreeMap<String, String>>,
}

impl Redactor {
    /// A redactor that also treats `marked_headers` (names, any case) as secret.
    pub fn new(marked_headers: &[String]) -> Self {
        Redactor {
            marked_headers: marked_headers
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            ..Redactor::default()
        }
    }

    /// Remembers a secret value (and the forms it is quoted in), to be scrubbed from any text later.
    pub fn remember(&self, value: &str, what: impl Into<String>) {
        let value = value.trim();
        // A placeholder already put in (whole, or cut by the punctuation rules) is not a secret.
        if value.is_empty() || value.contains("REDACTED") {
            return;
        }
        let what = what.into();
        // The value as given and as decoded, each also in the encodings a URL, a form or a log uses.
        let mut bases = vec![value.to_string(), form_decode(value)];
        bases.extend(percent_decode(value));
        bases.dedup();
        let mut forms = Vec::new();
        for base in &bases {
            forms.push(base.clone());
            forms.push(url::form_urlencoded::byte_serialize(base.as_bytes()).collect());
            forms.push(
                percent_encoding::utf8_percent_encode(base, percent_encoding::NON_ALPHANUMERIC)
                    .to_string(),
            );
        }
        let lower_hex: Vec<String> = forms
            .iter()
            .filter(|f| f.contains('%'))
            .map(|f| lower_percent_hex(f))
            .collect();
        forms.extend(lower_hex);
        let mut secrets = lock(&self.secrets);
        for form in forms {
            if !form.is_empty() && form != REDACTED {
                secrets.entry(form).or_insert_with(|| what.clone());
            }
        }
        lock(&self.originals)
            .entry(value.to_string())
            .or_insert(what);
    }

    /// Whether a header's value is secret: a listed one, one the user marked, or one whose name says so.
    pub fn is_secret_header(&self, name: &str) -> bool {
        self.listed_header(name) || is_secret_name(name)
    }

    fn listed_header(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        SECRET_HEADERS.contains(&name.as_str()) || self.marked_headers.contains(&name)
    }

    /// A header's value as a report may show it.
    pub fn header_value(&self, name: &str, value: &str) -> String {
        if name.eq_ignore_ascii_case("sec-websocket-protocol") {
            return value
                .split(',')
                .map(|p| self.subprotocol(p.trim()))
                .collect::<Vec<_>>()
                .join(", ");
        }
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

    /// A subprotocol as a report may show it: the token part of one that carries a token is hidden.
    pub fn subprotocol(&self, protocol: &str) -> String {
        match subprotocol_secret(protocol) {
            Some(token) => {
                self.remember(token, "subprotocol token");
                let kept = protocol
                    .trim()
                    .strip_suffix(token)
                    .unwrap_or_default()
                    .to_string();
                format!("{kept}{REDACTED}")
            }
            None => self.text(protocol),
        }
    }

    /// A URL with user info and secret query values hidden. Text that is not a URL is scrubbed as text.
    pub fn url(&self, input: &str) -> String {
        match Url::parse(input.trim()) {
            Ok(url) => self.known_values(&self.redact_url(url).0),
            Err(_) => self.text(input),
        }
    }

    /// Hides the credentials of a parsed URL; says whether it hid anything.
    fn redact_url(&self, mut url: Url) -> (String, bool) {
        let mut changed = false;
        if !url.username().is_empty() && !url.username().contains("REDACTED") {
            let user = url.username().to_string();
            self.remember(&user, "user name in a URL");
            let _ = url.set_username(REDACTED);
            changed = true;
        }
        if let Some(password) = url.password().filter(|p| !p.contains("REDACTED")) {
            self.remember(password, "password in a URL");
            let _ = url.set_password(Some(REDACTED));
            changed = true;
        }
        if let Some(query) = url.query() {
            let (query, hid) = self.redact_query(query);
            if hid {
                url.set_query(Some(&query));
                changed = true;
            }
        }
        if let Some(fragment) = url.fragment() {
            // Implicit-flow OAuth returns `#access_token=...`.
            let (fragment, hid) = self.redact_query(fragment);
            if hid {
                url.set_fragment(Some(&fragment));
                changed = true;
            }
        }
        (url.to_string(), changed)
    }

    /// A raw query (`a=1&token=x`) with secret values hidden, other pairs untouched.
    fn redact_query(&self, query: &str) -> (String, bool) {
        let mut hid = false;
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, value))
                    if !value.is_empty()
                        && !value.contains("REDACTED")
                        && self.secret_value(key, value) =>
                {
                    self.remember(value, format!("query parameter {}", form_decode(key)));
                    hid = true;
                    format!("{key}={REDACTED}")
                }
                _ => pair.to_string(),
            })
            .collect();
        (pairs.join("&"), hid)
    }

    /// Whether `name=value` quotes a secret: the name says so, except a short number under `code` or `sid`
    /// (a close code, a status code in a log line).
    fn secret_value(&self, name: &str, value: &str) -> bool {
        let name = form_decode(name);
        if !is_secret_name(&name) {
            return false;
        }
        let plain = value.trim_matches(['"', '\'']);
        let short_number = plain.len() <= 5 && plain.chars().all(|c| c.is_ascii_digit());
        let only_code = words(&name)
            .iter()
            .all(|w| !SECRET_WORDS.contains(&w.as_str()) || w == "code");
        let placeholder = plain.is_empty()
            || plain.contains("REDACTED")
            || plain.starts_with("{{")
            || plain.starts_with('<')
            || plain.starts_with("${")
            || matches!(
                plain.to_ascii_lowercase().as_str(),
                "true" | "false" | "null" | "none" | "undefined" | "(not set)"
            );
        !(placeholder || (only_code && short_number))
    }

    /// Free text with every secret it quotes hidden: values remembered so far, and anything that names
    /// itself a secret (URLs with credentials, `NAME=value`, `"name": "value"`, `Authorization: ...`).
    pub fn text(&self, text: &str) -> String {
        let text = URL_IN_TEXT.replace_all(text, |c: &regex::Captures| {
            let found = &c[0];
            // Punctuation that ends a sentence is not part of the URL.
            let trimmed = found.trim_end_matches(['.', ',', ')', ']', ';', ':', '!', '?']);
            let rest = found.strip_prefix(trimmed).unwrap_or_default();
            match Url::parse(trimmed) {
                Ok(url) => match self.redact_url(url) {
                    (redacted, true) => format!("{redacted}{rest}"),
                    _ => found.to_string(),
                },
                Err(_) => found.to_string(),
            }
        });
        let text = QUERY_PAIR.replace_all(&text, |c: &regex::Captures| {
            if self.secret_value(&c[2], &c[3]) {
                self.remember(&c[3], format!("query parameter {}", form_decode(&c[2])));
                format!("{}{}={REDACTED}", &c[1], &c[2])
            } else {
                c[0].to_string()
            }
        });
        let text = AUTH_LINE.replace_all(&text, |c: &regex::Captures| {
            if c[4].contains("REDACTED") {
                return c[0].to_string();
            }
            self.remember(&c[4], format!("header {}", &c[1]));
            format!("{}{}{} {REDACTED}", &c[1], &c[2], &c[3])
        });
        let text = JSON_MEMBER.replace_all(&text, |c: &regex::Captures| {
            if self.secret_value(&c[1], &c[3]) {
                self.remember(&c[3], format!("value of {}", &c[1]));
                format!("\"{}\"{}\"{REDACTED}\"", &c[1], &c[2])
            } else {
                c[0].to_string()
            }
        });
        let text = ASSIGNMENT.replace_all(&text, |c: &regex::Captures| {
            let name = &c[2];
            let value = &c[4];
            let header_like = c[3].trim() == ":";
            // A colon introduces a value only at the start of a line.
            let name_at = c.get(2).map_or(0, |m| m.start());
            let line_start = text.as_bytes()[..name_at]
                .iter()
                .rev()
                .take_while(|b| **b != b'\n')
                .all(|b| *b == b' ' || *b == b'\t');
            if header_like && !line_start {
                return c[0].to_string();
            }
            // `Name: value` may be a header line: a listed or marked header is secret whatever its words.
            let listed =
                header_like && self.listed_header(name) && self.secret_value("token", value);
            let is_secret = (listed || self.secret_value(name, value))
                // An Authorization line was handled above, its scheme word kept.
                && !(header_like && (name.eq_ignore_ascii_case("authorization")
                    || name.eq_ignore_ascii_case("proxy-authorization")));
            if !is_secret {
                return c[0].to_string();
            }
            let plain = value.trim_matches(['"', '\'']);
            self.remember(plain, format!("value of {name}"));
            let quote = value
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\''))
                .map(String::from)
                .unwrap_or_default();
            format!("{}{}{}{quote}{REDACTED}{quote}", &c[1], name, &c[3])
        });
        self.known_values(&text)
    }

    /// Replaces every remembered value: long ones wherever they stand, short ones only as whole words.
    fn known_values(&self, text: &str) -> String {
        let secrets = lock(&self.secrets);
        let mut out = text.to_string();
        // Longest first, so a secret that contains another is replaced whole.
        let mut ordered: Vec<&String> = secrets.keys().collect();
        ordered.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for secret in ordered {
            if !out.contains(secret.as_str()) {
                continue;
            }
            if secret.chars().count() >= 4 {
                out = out.replace(secret.as_str(), REDACTED);
            } else {
                out = replace_whole_words(&out, secret);
            }
        }
        out
    }

    /// What was hidden (`header Authorization`, `query parameter token`), without the values.
    pub fn labels(&self) -> Vec<String> {
        let mut labels: Vec<String> = lock(&self.originals).values().cloned().collect();
        labels.sort();
        labels.dedup();
        labels
    }

    /// How many distinct secret values were hidden.
    pub fn count(&self) -> u32 {
        u32::try_from(lock(&self.originals).len()).unwrap_or(u32::MAX)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `%2b` for `%2B`: servers and logs quote percent escapes in either case.
fn lower_percent_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(h) = chars.next() {
                    out.push(h.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

/// Replaces `word` where no letter or digit stands right before or after it.
fn replace_whole_words(text: &str, word: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let (before, after) = rest.split_at(at);
        let after = after.strip_prefix(word).unwrap_or(after);
        let alone = !before
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
            && !after.chars().next().is_some_and(char::is_alphanumeric);
        out.push_str(before);
        out.push_str(if alone { REDACTED } else { word });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
