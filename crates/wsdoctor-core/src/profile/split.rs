//! A target typed in the Checklist or the Console (or imported) split into a profile and its secrets:
//! secret header values, URL tokens and proxy credentials go to the vault, the profile keeps flags and
//! placeholders.

use super::model::{Environment, Profile, ProfileTarget, SecretSlot, Variable};
use super::secret::Sensitive;
use crate::net::proxy::percent_decode;
use crate::redact::is_secret_param;
use crate::target::{CheckRequest, HeaderInput, TargetRequest};

/// A new profile from a request typed in the Checklist or Console (or imported): secret header values and
/// proxy credentials are split out, to go to the vault.
pub fn from_request(
    name: &str,
    request: &CheckRequest,
) -> (Profile, Vec<(SecretSlot, Sensitive<String>)>) {
    let mut secrets = Vec::new();
    let typed = &request.target;
    let headers = typed
        .headers
        .iter()
        .filter(|h| !h.name.trim().is_empty())
        .map(|h| {
            if h.secret && !h.value.is_empty() {
                secrets.push((
                    SecretSlot::Header {
                        name: h.name.trim().to_string(),
                    },
                    Sensitive::new(h.value.clone()),
                ));
            }
            HeaderInput {
                name: h.name.trim().to_string(),
                value: if h.secret {
                    String::new()
                } else {
                    h.value.clone()
                },
                secret: h.secret,
            }
        })
        .collect();
    let mut proxy_credentials = false;
    if let Some(url) = typed.proxy.as_deref().and_then(|p| url::Url::parse(p).ok())
        && !url.username().is_empty()
    {
        proxy_credentials = true;
        let user = percent_decode(url.username());
        let password = url.password().map(percent_decode).unwrap_or_default();
        secrets.push((
            SecretSlot::ProxyCredentials,
            Sensitive::new(format!("{user}:{password}")),
        ));
    }
    let auth = typed
        .auth
        .clone()
        .filter(|a| !a.trim().is_empty())
        .map(Sensitive::new);
    let key_passphrase = typed
        .key_passphrase
        .clone()
        .filter(|p| !p.is_empty())
        .map(Sensitive::new);
    let (url, tokens) = split_url_tokens(typed.url.trim());
    let mut profile = Profile {
        name: name.trim().to_string(),
        // The proxy's credentials leave its URL when the profile is scrubbed before saving.
        target: ProfileTarget {
            request: TargetRequest {
                url,
                headers,
                key_passphrase: None,
                auth: None,
                ..typed.clone()
            },
            has_key_passphrase: key_passphrase.is_some(),
            has_auth: auth.is_some(),
            proxy_credentials,
        },
        server: request.server.clone(),
        ..Profile::default()
    };
    if let Some(auth) = auth {
        secrets.push((SecretSlot::Auth, auth));
    }
    if let Some(passphrase) = key_passphrase {
        secrets.push((SecretSlot::KeyPassphrase, passphrase));
    }
    if !tokens.is_empty() {
        let environment = "default".to_string();
        profile.environments.push(Environment {
            name: environment.clone(),
            values: Default::default(),
        });
        profile.active_environment = Some(environment.clone());
        for (name, value) in tokens {
            profile.variables.push(Variable {
                name: name.clone(),
                secret: true,
            });
            secrets.push((
                SecretSlot::Variable {
                    environment: environment.clone(),
                    name,
                },
                value,
            ));
        }
    }
    (profile, secrets)
}

/// Replaces the values of token-bearing query parameters (`?token=...`, see [`is_secret_param`]) with a
/// `{{name}}` placeholder, so a URL can be saved without its secret; returns the values taken out.
pub(super) fn split_url_tokens(url: &str) -> (String, Vec<(String, Sensitive<String>)>) {
    let Some((base, rest)) = url.split_once('?') else {
        return (url.to_string(), Vec::new());
    };
    let (query, fragment) = match rest.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (rest, None),
    };
    let mut tokens = Vec::new();
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value))
                if !value.is_empty()
                    && is_secret_param(&percent_decode(key))
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
                    && !tokens.iter().any(|(k, _): &(String, _)| k == key) =>
            {
                tokens.push((key.to_string(), Sensitive::new(percent_decode(value))));
                format!("{key}={{{{{key}}}}}")
            }
            _ => pair.to_string(),
        })
        .collect();
    let mut out = format!("{base}?{}", pairs.join("&"));
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    (out, tokens)
}
