//! An expired token in the request, found before anything is sent: a JSON Web Token in a URL query value,
//! a header (`Authorization: Bearer …`, a cookie), a subprotocol or the framework's auth payload whose
//! `exp` has passed by this machine's clock. Servers that check it refuse the connection (401, 403, a
//! close with 1008, a Socket.IO CONNECT_ERROR), often without saying why; this names the cause first.
//!
//! Tokens are decoded here and nowhere else, never verified, never sent anywhere: only where each was
//! found and its times (`exp`, `iat`, `nbf`) are reported, never a token or a claim's value.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::check::CheckOptions;
use crate::net::Target;
use crate::report::{Evidence, Recorder};

/// The most of one value looked at, and the longest token decoded.
const MAX_VALUE_BYTES: usize = 64 * 1024;
/// The most tokens reported.
const MAX_FOUND: usize = 4;

/// A token's times, in seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Times {
    pub exp: Option<i64>,
    pub iat: Option<i64>,
    pub nbf: Option<i64>,
}

/// Names `auth.token_expired` when a token in the request to `target` (the run's parsed URL) has
/// expired, with where and when.
pub(in crate::check) fn record(rec: &mut Recorder, options: &CheckOptions, target: &Target) {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let expired: Vec<(String, Times)> = places(options, target)
        .into_iter()
        .flat_map(|(place, value)| {
            tokens_in(&value)
                .into_iter()
                .map(move |times| (place.clone(), times))
        })
        .filter(|(_, times)| times.exp.is_some_and(|exp| exp <= now))
        .take(MAX_FOUND)
        .collect();
    if expired.is_empty() {
        return;
    }
    let evidence = expired
        .iter()
        .map(|(place, times)| Evidence::new(format!("Token in {place}"), describe(times, now)))
        .collect();
    rec.diagnose("auth.token_expired", evidence);
}

/// Where a token may travel, each with its value.
fn places(options: &CheckOptions, target: &Target) -> Vec<(String, String)> {
    let mut places = Vec::new();
    for (name, value) in target.url.query_pairs() {
        places.push((format!("the URL's `{name}` parameter"), value.into_owned()));
    }
    for (name, value) in &options.headers {
        if name.eq_ignore_ascii_case("cookie") {
            for pair in value.split(';') {
                if let Some((cookie, value)) = pair.trim().split_once('=') {
                    places.push((format!("the cookie `{cookie}`"), value.to_string()));
                }
            }
        } else {
            places.push((format!("the `{name}` header"), value.clone()));
        }
    }
    for subprotocol in &options.subprotocols {
        places.push(("a subprotocol".to_string(), subprotocol.clone()));
    }
    if let Some(auth) = &options.auth
        && let Ok(payload) = serde_json::from_str::<serde_json::Value>(auth.expose())
    {
        strings_in(&payload, "the auth payload", 0, &mut places);
    }
    places
}

/// The string values of a JSON payload, each with the key it is under.
fn strings_in(value: &serde_json::Value, place: &str, depth: u8, out: &mut Vec<(String, String)>) {
    if depth > 8 || out.len() > 256 {
        return;
    }
    match value {
        serde_json::Value::String(text) => out.push((place.to_string(), text.clone())),
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                strings_in(
                    value,
                    &format!("the auth payload's `{key}`"),
                    depth + 1,
                    out,
                );
            }
        }
        serde_json::Value::Array(items) => {
            for value in items {
                strings_in(value, place, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// The times of every JSON Web Token in `value` (a bare token, `Bearer <token>`, or one inside a longer
/// text), read from its payload.
pub(crate) fn tokens_in(value: &str) -> Vec<Times> {
    let end = (0..=value.len().min(MAX_VALUE_BYTES))
        .rev()
        .find(|at| value.is_char_boundary(*at))
        .unwrap_or(0);
    let value = value.get(..end).unwrap_or_default();
    value
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .filter(|piece| piece.starts_with("eyJ") && piece.matches('.').count() == 2)
        .filter_map(payload_times)
        .collect()
}

fn payload_times(token: &str) -> Option<Times> {
    let mut parts = token.split('.');
    let header = decode_json(parts.next()?)?;
    header.get("alg")?;
    let payload = decode_json(parts.next()?)?;
    let second = |claim: &str| {
        let value = payload.get(claim)?;
        value
            .as_i64()
            .or_else(|| value.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
    };
    Some(Times {
        exp: second("exp"),
        iat: second("iat"),
        nbf: second("nbf"),
    })
}

fn decode_json(part: &str) -> Option<serde_json::Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The times, by this machine's clock: when it expired and how long ago, when it was issued, and from
/// when it was valid.
fn describe(times: &Times, now: i64) -> String {
    let mut parts = Vec::new();
    if let Some(exp) = times.exp {
        parts.push(format!(
            "expired {} ({} ago)",
            date(exp),
            span(now.saturating_sub(exp))
        ));
    }
    if let Some(iat) = times.iat {
        parts.push(format!("issued {}", date(iat)));
        if let Some(exp) = times.exp {
            parts.push(format!("lifetime {}", span(exp.saturating_sub(iat))));
        }
    }
    if let Some(nbf) = times.nbf {
        parts.push(format!("valid from {}", date(nbf)));
    }
    format!(
        "{}; now {} by this machine's clock",
        parts.join("; "),
        date(now)
    )
}

fn date(seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("{seconds} (seconds since 1970)"))
}

/// A duration as people say it: `45 s`, `3 min 5 s`, `11 h 20 min`, `2 d 4 h`.
fn span(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{sec} s"),
        (0, 0, _) => format!("{m} min {sec} s"),
        (0, _, _) => format!("{h} h {m} min"),
        _ => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJl",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn tokens_are_found_bare_after_bearer_and_inside_text() {
        let t = token(r#"{"sub":"qa","exp":1700000000,"iat":1699996400}"#);
        let times = Times {
            exp: Some(1_700_000_000),
            iat: Some(1_699_996_400),
            nbf: None,
        };
        assert_eq!(tokens_in(&t), [times]);
        assert_eq!(tokens_in(&format!("Bearer {t}")), [times]);
        assert_eq!(tokens_in(&format!(r#"{{"token":"{t}"}}"#)), [times]);
        // Not tokens: a dotted name, base64 that is no JSON, a payload without an algorithm.
        assert!(tokens_in("eyJ.eyJ.x").is_empty());
        assert!(tokens_in("api.example.com").is_empty());
        let no_alg = format!(
            "{}.{}.x",
            URL_SAFE_NO_PAD.encode("{}"),
            URL_SAFE_NO_PAD.encode(r#"{"exp":1}"#)
        );
        assert!(tokens_in(&no_alg).is_empty());
    }

    #[test]
    fn times_are_said_without_the_token() {
        let times = Times {
            exp: Some(1_700_000_000),
            iat: Some(1_699_996_400),
            nbf: None,
        };
        let text = describe(&times, 1_700_040_800);
        assert_eq!(
            text,
            "expired 2023-11-14T22:13:20Z (11 h 20 min ago); issued 2023-11-14T21:13:20Z; lifetime 1 h 0 min; now 2023-11-15T09:33:20Z by this machine's clock"
        );
        assert_eq!(span(45), "45 s");
        assert_eq!(span(185), "3 min 5 s");
        assert_eq!(span(2 * 86_400 + 4 * 3_600), "2 d 4 h");
    }

    #[test]
    fn hostile_values_do_not_panic() {
        for value in [
            "eyJ\u{e9}.eyJ.",
            "eyJ...",
            &"eyJa.".repeat(20_000),
            "eyJhbGciOiJub25lIn0.eyJleHAiOiJub3cifQ.",
        ] {
            let _ = tokens_in(value);
        }
        // A non-numeric exp is no expiry.
        assert_eq!(
            tokens_in("eyJhbGciOiJub25lIn0.eyJleHAiOiJub3cifQ."),
            [Times::default()]
        );
    }
}
