//! From a saved profile to what the engine runs: the environment's variables substituted into `{{name}}`
//! placeholders, and secret values fetched from the vault at the last moment. The UI gets a preview with
//! the secrets left blank ([`preview`]); Rust fills them in when it runs ([`fill_secrets`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::model::{Profile, ProfileTarget, SecretSlot};
use super::secret::{Sensitive, Vault};
use crate::target::{CheckRequest, HeaderInput, TargetRequest};
use crate::{Error, Result};

pub use super::split::from_request;
#[cfg(test)]
use super::split::split_url_tokens;

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}").expect("a valid pattern"));

/// The environment a run uses: the one named, else the profile's active one, else its first.
pub fn environment_name(profile: &Profile, wanted: Option<&str>) -> Result<Option<String>> {
    if let Some(name) = wanted.map(str::trim).filter(|n| !n.is_empty()) {
        return match profile.environment(name) {
            Some(env) => Ok(Some(env.name.clone())),
            None => Err(Error::NotFound(format!(
                "profile `{}` has no environment `{name}` (it has: {})",
                profile.name,
                list(profile.environments.iter().map(|e| e.name.as_str()))
            ))),
        };
    }
    Ok(profile
        .active_environment
        .clone()
        .filter(|name| profile.environment(name).is_some())
        .or_else(|| profile.environments.first().map(|e| e.name.clone())))
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Variable values: plain ones from the environment; secret ones from the vault when one is given.
fn variables(
    profile: &Profile,
    environment: Option<&str>,
    vault: Option<&Vault>,
) -> Result<HashMap<String, Sensitive<String>>> {
    let mut values = HashMap::new();
    let Some(env_name) = environment else {
        return Ok(values);
    };
    let env = profile
        .environment(env_name)
        .ok_or_else(|| Error::NotFound(format!("no environment `{env_name}`")))?;
    for variable in &profile.variables {
        if variable.secret {
            let Some(vault) = vault else { continue };
            let slot = SecretSlot::Variable {
                environment: env_name.to_string(),
                name: variable.name.clone(),
            };
            if let Some(value) = vault.get(&slot.key(&profile.id))? {
                values.insert(variable.name.clone(), value);
            }
        } else if let Some(value) = env.values.get(&variable.name) {
            values.insert(variable.name.clone(), Sensitive::new(value.clone()));
        }
    }
    Ok(values)
}

/// Every variable of the profile with its value in `environment` (secret ones from the vault), `None`
/// where it has none: what a console session fills into `{{name}}` in what it sends.
pub fn console_variables(
    profile: &Profile,
    environment: Option<&str>,
    vault: &Vault,
) -> Result<Vec<(String, Option<Sensitive<String>>)>> {
    let mut values = variables(profile, environment, Some(vault))?;
    Ok(profile
        .variables
        .iter()
        .map(|v| (v.name.clone(), values.remove(&v.name)))
        .collect())
}

/// Replaces `{{name}}` placeholders. With `strict`, an unknown name is an error; otherwise it is left as
/// typed (the preview leaves secret variables for Rust to fill).
fn substitute(
    text: &str,
    values: &HashMap<String, Sensitive<String>>,
    profile: &Profile,
    environment: Option<&str>,
    strict: bool,
) -> Result<String> {
    let mut missing = None;
    let out = PLACEHOLDER.replace_all(text, |caps: &regex::Captures<'_>| {
        match values.get(&caps[1]) {
            Some(value) => value.expose().clone(),
            None => {
                missing.get_or_insert_with(|| caps[1].to_string());
                caps[0].to_string()
            }
        }
    });
    match missing {
        Some(name) if strict => {
            let declared = profile.variables.iter().find(|v| v.name == name);
            let env = environment.unwrap_or("(no environment)");
            Err(match declared {
                Some(v) if v.secret => Error::NeedsSecret(format!(
                    "profile `{}` needs the secret variable {{{{{name}}}}} for environment {env}: set it in \
                     Profiles, or with `wsdoctor profiles secret`",
                    profile.name
                )),
                Some(_) => Error::InvalidInput(format!(
                    "variable {{{{{name}}}}} has no value in environment {env} of profile `{}`",
                    profile.name
                )),
                None => Error::InvalidInput(format!(
                    "{{{{{name}}}}} is used in profile `{}` but is not one of its variables",
                    profile.name
                )),
            })
        }
        _ => Ok(out.into_owned()),
    }
}

struct Substituter<'a> {
    profile: &'a Profile,
    environment: Option<String>,
    values: HashMap<String, Sensitive<String>>,
    strict: bool,
}

impl Substituter<'_> {
    fn text(&self, text: &str) -> Result<String> {
        substitute(
            text,
            &self.values,
            self.profile,
            self.environment.as_deref(),
            self.strict,
        )
    }

    fn option(&self, text: &Option<String>) -> Result<Option<String>> {
        text.as_deref().map(|t| self.text(t)).transpose()
    }

    /// The target with placeholders replaced; secret header values come from `secret_header`.
    fn request(
        &self,
        target: &ProfileTarget,
        mut secret_header: impl FnMut(&HeaderInput) -> Result<String>,
        proxy_credentials: Option<Sensitive<String>>,
        key_passphrase: Option<Sensitive<String>>,
        auth: Option<Sensitive<String>>,
    ) -> Result<CheckRequest> {
        let fields = &target.request;
        let mut headers = Vec::new();
        for header in &fields.headers {
            let value = if header.secret {
                secret_header(header)?
            } else {
                self.text(&header.value)?
            };
            headers.push(HeaderInput {
                value,
                ..header.clone()
            });
        }
        let mut proxy = self.option(&fields.proxy)?;
        if let (Some(p), Some(credentials)) = (&proxy, proxy_credentials) {
            proxy = Some(with_credentials(p, credentials.expose())?);
        }
        // Every text field takes the environment's values; the rest (flags, numbers) as saved.
        Ok(CheckRequest {
            target: TargetRequest {
                url: self.text(&fields.url)?,
                origin: self.option(&fields.origin)?,
                page_url: self.option(&fields.page_url)?,
                headers,
                subprotocols: fields
                    .subprotocols
                    .iter()
                    .map(|p| self.text(p))
                    .collect::<Result<_>>()?,
                ca_file: self.option(&fields.ca_file)?,
                client_cert: self.option(&fields.client_cert)?,
                client_key: self.option(&fields.client_key)?,
                key_passphrase: key_passphrase.map(|p| p.expose().clone()),
                auth: auth.map(|a| a.expose().clone()),
                proxy,
                direct: self.option(&fields.direct)?,
                message: self.option(&fields.message)?,
                socketio_path: self.option(&fields.socketio_path)?,
                ..fields.clone()
            },
            server: self.profile.server.clone(),
            sections: None,
        })
    }
}

fn with_credentials(proxy: &str, credentials: &str) -> Result<String> {
    let mut url = url::Url::parse(proxy)
        .map_err(|e| Error::InvalidInput(format!("the proxy `{proxy}` is not a URL: {e}")))?;
    let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
    url.set_username(user)
        .and_then(|()| url.set_password((!password.is_empty()).then_some(password)))
        .map_err(|()| {
            Error::InvalidInput(format!("the proxy `{proxy}` cannot carry credentials"))
        })?;
    Ok(url.to_string())
}

fn needs(profile: &Profile, slot: &SecretSlot) -> Error {
    Error::NeedsSecret(format!(
        "profile `{}` needs its secret {}: set it in Profiles, or with `wsdoctor profiles secret`",
        profile.name,
        slot.label()
    ))
}

/// The full request a profile runs, secrets included (never sent to the UI).
pub fn check_request(
    profile: &Profile,
    environment: Option<&str>,
    vault: &Vault,
) -> Result<CheckRequest> {
    resolved(profile, environment, vault).map(|(request, _)| request)
}

/// The full request, and the substituter that made it (every variable's value, secret ones included),
/// so [`fill_secrets`] reads the keyring once.
fn resolved<'a>(
    profile: &'a Profile,
    environment: Option<&str>,
    vault: &Vault,
) -> Result<(CheckRequest, Substituter<'a>)> {
    let environment = environment_name(profile, environment)?;
    let values = variables(profile, environment.as_deref(), Some(vault))?;
    let substituter = Substituter {
        profile,
        environment,
        values,
        strict: true,
    };
    let required = |wanted: bool, slot: SecretSlot| -> Result<Option<Sensitive<String>>> {
        if !wanted {
            return Ok(None);
        }
        vault
            .get(&slot.key(&profile.id))?
            .map(Some)
            .ok_or_else(|| needs(profile, &slot))
    };
    let proxy_credentials = required(
        profile.target.proxy_credentials,
        SecretSlot::ProxyCredentials,
    )?;
    let key_passphrase = required(profile.target.has_key_passphrase, SecretSlot::KeyPassphrase)?;
    let auth = required(profile.target.has_auth, SecretSlot::Auth)?;
    let request = substituter.request(
        &profile.target,
        |header| {
            let slot = SecretSlot::Header {
                name: header.name.clone(),
            };
            let value = vault
                .get(&slot.key(&profile.id))?
                .ok_or_else(|| needs(profile, &slot))?;
            substituter.text(value.expose())
        },
        proxy_credentials,
        key_passphrase,
        auth,
    )?;
    Ok((request, substituter))
}

/// The request as the UI may see it: plain variables substituted, secret headers empty, secret variables
/// left as `{{name}}` for [`fill_secrets`].
pub fn preview(profile: &Profile, environment: Option<&str>) -> Result<CheckRequest> {
    let environment = environment_name(profile, environment)?;
    let values = variables(profile, environment.as_deref(), None)?;
    Substituter {
        profile,
        environment,
        values,
        strict: false,
    }
    .request(&profile.target, |_| Ok(String::new()), None, None, None)
}

/// A request the UI sent for a profile (possibly edited after [`preview`]): blank secret headers take the
/// profile's secret, remaining placeholders take the environment's values, and the proxy its credentials.
pub fn fill_secrets(
    typed: TargetRequest,
    profile: &Profile,
    environment: Option<&str>,
    vault: &Vault,
) -> Result<TargetRequest> {
    let (full, substituter) = resolved(profile, environment, vault)?;
    let mut filled = TargetRequest {
        url: substituter.text(&typed.url)?,
        origin: substituter.option(&typed.origin)?,
        page_url: substituter.option(&typed.page_url)?,
        direct: substituter.option(&typed.direct)?,
        message: substituter.option(&typed.message)?,
        socketio_path: substituter.option(&typed.socketio_path)?,
        ..typed
    };
    let full = full.target;
    guard_destination(profile, &full.url, &filled.url)?;
    for header in &mut filled.headers {
        if header.secret && header.value.is_empty() {
            if let Some(saved) = full
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(&header.name))
            {
                header.value = saved.value.clone();
            }
        } else {
            header.value = substituter.text(&header.value)?;
        }
    }
    if profile.target.proxy_credentials
        && filled.proxy
            == preview(profile, substituter.environment.as_deref())?
                .target
                .proxy
    {
        filled.proxy = full.proxy;
    }
    if filled.key_passphrase.as_deref().is_none_or(str::is_empty) {
        filled.key_passphrase = full.key_passphrase;
    }
    if filled.auth.as_deref().is_none_or(|a| a.trim().is_empty()) {
        filled.auth = full.auth;
    }
    Ok(filled)
}

/// A profile's secrets go only to the server it was saved for (`saved_url`, resolved): a URL edited or given
/// on the command line for another server must not carry them there.
pub fn guard_destination(profile: &Profile, saved_url: &str, url: &str) -> Result<()> {
    if profile.secret_slots().is_empty() || server_of(url) == server_of(saved_url) {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "the URL points at {}, not at {} where profile `{}` sends its secrets: check it without the \
         profile (detach it in the app), or save the new URL in the profile",
        server_of(url).unwrap_or_else(|| url.to_string()),
        server_of(saved_url).unwrap_or_else(|| saved_url.to_string()),
        profile.name
    )))
}

/// Scheme, host and port of a URL (`wss://host:443`), the unit a secret is bound to.
fn server_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    // http(s):// is taken as ws(s):// everywhere a target is typed.
    let scheme = match url.scheme() {
        "http" => "ws",
        "https" => "wss",
        other => other,
    };
    Some(format!(
        "{scheme}://{}:{}",
        url.host_str()?,
        url.port_or_known_default()?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::model::{Environment, Variable};

    fn profile() -> Profile {
        Profile {
            id: "p-1".into(),
            name: "tenant".into(),
            target: ProfileTarget {
                request: TargetRequest {
                    url: "wss://{{host}}/ws".into(),
                    headers: vec![
                        HeaderInput {
                            name: "Authorization".into(),
                            value: String::new(),
                            secret: true,
                        },
                        HeaderInput {
                            name: "X-Token".into(),
                            value: "{{token}}".into(),
                            secret: false,
                        },
                    ],
                    proxy: Some("http://proxy.local:3128/".into()),
                    ..TargetRequest::default()
                },
                proxy_credentials: true,
                ..ProfileTarget::default()
            },
            variables: vec![
                Variable {
                    name: "host".into(),
                    secret: false,
                },
                Variable {
                    name: "token".into(),
                    secret: true,
                },
            ],
            environments: vec![
                Environment {
                    name: "dev".into(),
                    values: [("host".to_string(), "dev.local".to_string())].into(),
                },
                Environment {
                    name: "prod".into(),
                    values: [("host".to_string(), "prod.example".to_string())].into(),
                },
            ],
            ..Profile::default()
        }
    }

    fn vault() -> Vault {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let vault = Vault::os();
        let p = profile();
        for (slot, value) in [
            (
                SecretSlot::Header {
                    name: "Authorization".into(),
                },
                "Bearer abc",
            ),
            (
                SecretSlot::Variable {
                    environment: "prod".into(),
                    name: "token".into(),
                },
                "prod-token",
            ),
            (SecretSlot::ProxyCredentials, "joe:s3cret"),
        ] {
            vault
                .set(&slot.key(&p.id), &Sensitive::new(value.into()), false)
                .unwrap();
        }
        vault
    }

    #[test]
    fn a_profile_resolves_per_environment_with_its_secrets() {
        let request = check_request(&profile(), Some("prod"), &vault()).unwrap();
        assert_eq!(request.target.url, "wss://prod.example/ws");
        assert_eq!(request.target.headers[0].value, "Bearer abc");
        assert!(request.target.headers[0].secret);
        assert_eq!(request.target.headers[1].value, "prod-token");
        assert_eq!(
            request.target.proxy.as_deref(),
            Some("http://joe:s3cret@proxy.local:3128/")
        );
    }

    #[test]
    fn a_missing_secret_is_named_not_sent_empty() {
        let error = check_request(&profile(), Some("dev"), &vault()).unwrap_err();
        assert_eq!(error.kind(), "needs_secret");
        assert!(
            error.to_string().contains("{{token}} for environment dev"),
            "{error}"
        );
        let error = check_request(&profile(), Some("qa"), &vault()).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("has no environment `qa` (it has: dev, prod)")
        );
    }

    #[test]
    fn the_preview_holds_no_secret_and_the_run_fills_them_in() {
        let shown = preview(&profile(), Some("prod")).unwrap();
        let json = serde_json::to_string(&shown).unwrap();
        for secret in ["Bearer abc", "prod-token", "s3cret"] {
            assert!(!json.contains(secret), "{json}");
        }
        assert_eq!(shown.target.headers[1].value, "{{token}}");
        let filled =
            fill_secrets(shown.target.clone(), &profile(), Some("prod"), &vault()).unwrap();
        assert_eq!(
            filled,
            check_request(&profile(), Some("prod"), &vault())
                .unwrap()
                .target
        );
        // Edited to another server after opening: the secrets stay home.
        let elsewhere = TargetRequest {
            url: "wss://attacker.example/ws".into(),
            ..shown.target
        };
        let error = fill_secrets(elsewhere, &profile(), Some("prod"), &vault()).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("wss://attacker.example:443, not at wss://prod.example:443"),
            "{error}"
        );
    }

    #[test]
    fn saving_a_typed_target_splits_out_its_secrets() {
        let request = CheckRequest {
            target: TargetRequest {
                url: "ws://h/".into(),
                headers: vec![HeaderInput {
                    name: "Cookie".into(),
                    value: "sid=1".into(),
                    secret: true,
                }],
                proxy: Some("http://u:p%40ss@proxy:8080/".into()),
                client_cert: Some("/me.pem".into()),
                key_passphrase: Some("kp-s3cret".into()),
                auth: Some(r#"{"token":"auth-s3cret"}"#.into()),
                ..TargetRequest::default()
            },
            ..CheckRequest::default()
        };
        let (mut profile, secrets) = from_request("typed", &request);
        let (url, tokens) = split_url_tokens("wss://h/ws?room=1&access_token=a%2Bb&x=2#f");
        assert_eq!(url, "wss://h/ws?room=1&access_token={{access_token}}&x=2#f");
        assert_eq!(tokens[0].1.expose(), "a+b");
        profile.scrub();
        let json = serde_json::to_string(&profile).unwrap();
        assert!(
            !json.contains("sid=1")
                && !json.contains("p%40ss")
                && !json.contains("kp-s3cret")
                && !json.contains("auth-s3cret"),
            "{json}"
        );
        assert_eq!(secrets.len(), 4);
        assert_eq!(secrets[1].1.expose(), "u:p@ss");
        assert_eq!(
            secrets[2],
            (
                SecretSlot::Auth,
                Sensitive::new(r#"{"token":"auth-s3cret"}"#.into())
            )
        );
        assert_eq!(
            secrets[3],
            (
                SecretSlot::KeyPassphrase,
                Sensitive::new("kp-s3cret".into())
            )
        );
        assert!(
            profile.target.proxy_credentials
                && profile.target.has_key_passphrase
                && profile.target.has_auth
        );
        assert_eq!(profile.secret_slots().len(), 4);
        assert_eq!(
            profile.target.request.client_cert.as_deref(),
            Some("/me.pem")
        );
    }
}
