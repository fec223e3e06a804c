//! What a saved profile holds, as it is written to disk and shown to the UI: everything a check or a console
//! session needs (its target is the IPC's `TargetRequest`), with each secret field blank or reduced to a
//! flag (its value lives in the keyring, under the key [`SecretSlot::key`] names).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::console::ConsoleSettings;
use crate::report::Verdict;
use crate::target::{ServerRequest, TargetRequest};

/// The schema version this build writes; older files are migrated when read (see `store.rs`).
pub const SCHEMA_VERSION: u32 = 2;

/// The most recent verdicts a profile keeps for the list view.
pub const KEPT_RUNS: usize = 5;

/// Framework messages a profile keeps, at most.
pub const MAX_SAVED_ACTIONS: usize = 200;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(default)]
    pub schema: u32,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub target: ProfileTarget,
    #[serde(default)]
    pub console: ConsoleSettings,
    #[serde(default)]
    pub server: ServerRequest,
    /// Console messages saved for this profile.
    #[serde(default)]
    pub snippets: Vec<String>,
    /// Framework messages saved for this profile (an emit, a SEND, an operation), each with its label;
    /// `{{variables}}` in them are filled from the environment when sent.
    #[serde(default)]
    pub saved_actions: Vec<SavedAction>,
    /// Variables used as `{{name}}` in the target's fields; their values are per environment.
    #[serde(default)]
    pub variables: Vec<Variable>,
    #[serde(default)]
    pub environments: Vec<Environment>,
    /// The environment used when none is named.
    #[serde(default)]
    pub active_environment: Option<String>,
    /// Newest first, at most [`KEPT_RUNS`].
    #[serde(default)]
    pub last_runs: Vec<RunVerdict>,
    /// Milliseconds since the Unix epoch.
    #[serde(default)]
    #[ts(type = "number")]
    pub updated_ms: u64,
}

/// A framework message saved in a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", from = "SavedActionFields")]
pub struct SavedAction {
    pub label: String,
    pub action: crate::console::Action,
    /// The protocol the action is spoken in, as the engine reads the action (whatever a file or the UI
    /// said is read again from the action), so a front end lists each session's own.
    pub dialect: crate::console::Dialect,
}

/// A saved action as it is read: its dialect follows from the action.
#[derive(Deserialize)]
struct SavedActionFields {
    label: String,
    action: crate::console::Action,
}

impl From<SavedActionFields> for SavedAction {
    fn from(fields: SavedActionFields) -> SavedAction {
        SavedAction {
            dialect: fields.action.dialect(),
            label: fields.label,
            action: fields.action,
        }
    }
}

/// The target as a profile stores it: the request's own fields (secret values blank: a secret header's
/// value, the key's passphrase and the proxy's credentials live in the keyring), and which of those
/// secrets the profile has.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileTarget {
    #[serde(flatten)]
    pub request: TargetRequest,
    /// The client key is encrypted and its passphrase is a secret ([`SecretSlot::KeyPassphrase`]).
    #[serde(default)]
    pub has_key_passphrase: bool,
    /// The framework's auth payload is a secret of the profile ([`SecretSlot::Auth`]).
    #[serde(default)]
    pub has_auth: bool,
    /// `proxy` is stored without credentials; a `user:password` secret goes with it
    /// ([`SecretSlot::ProxyCredentials`]).
    #[serde(default)]
    pub proxy_credentials: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    pub name: String,
    /// A secret variable's values (one per environment) live in the keyring.
    #[serde(default)]
    pub secret: bool,
}

/// One set of variable values (dev, staging, prod). Secret variables have no entry in `values`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub name: String,
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

/// The verdict of one run, for the list view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunVerdict {
    #[ts(type = "number")]
    pub at_ms: u64,
    pub verdict: Verdict,
    pub summary: String,
    #[serde(default)]
    pub environment: Option<String>,
}

/// A place in a profile that holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SecretSlot {
    /// The value of a header marked secret (by name, case-insensitive).
    Header { name: String },
    /// A secret variable's value in one environment.
    Variable { environment: String, name: String },
    /// `user:password` for the proxy.
    ProxyCredentials,
    /// The passphrase of the client key (mutual TLS).
    KeyPassphrase,
    /// The framework's auth payload (Socket.IO `auth`), a JSON object.
    Auth,
}

impl SecretSlot {
    /// The keyring entry of this slot in profile `id`: it names the place, never the value.
    pub fn key(&self, id: &str) -> String {
        match self {
            SecretSlot::Header { name } => format!("{id}/header/{}", name.to_ascii_lowercase()),
            SecretSlot::Variable { environment, name } => {
                format!("{id}/env/{environment}/{name}")
            }
            SecretSlot::ProxyCredentials => format!("{id}/proxy"),
            SecretSlot::KeyPassphrase => format!("{id}/key-passphrase"),
            SecretSlot::Auth => format!("{id}/auth"),
        }
    }

    /// How the UI and error messages name it.
    pub fn label(&self) -> String {
        match self {
            SecretSlot::Header { name } => format!("header {name}"),
            SecretSlot::Variable { environment, name } => {
                format!("variable {{{{{name}}}}} in {environment}")
            }
            SecretSlot::ProxyCredentials => "proxy credentials".into(),
            SecretSlot::KeyPassphrase => "client key passphrase".into(),
            SecretSlot::Auth => "auth payload".into(),
        }
    }
}

impl RunVerdict {
    /// The verdict of a finished check.
    pub fn of(report: &crate::report::Report, environment: Option<String>) -> Self {
        RunVerdict {
            at_ms: super::now_ms(),
            verdict: report.verdict,
            summary: report.headline(),
            environment,
        }
    }
}

impl Profile {
    /// Every secret this profile declares.
    pub fn secret_slots(&self) -> Vec<SecretSlot> {
        let mut slots: Vec<SecretSlot> = self
            .target
            .request
            .headers
            .iter()
            .filter(|h| h.secret && !h.name.trim().is_empty())
            .map(|h| SecretSlot::Header {
                name: h.name.trim().to_string(),
            })
            .collect();
        for variable in self.variables.iter().filter(|v| v.secret) {
            for environment in &self.environments {
                slots.push(SecretSlot::Variable {
                    environment: environment.name.clone(),
                    name: variable.name.clone(),
                });
            }
        }
        if self.target.proxy_credentials {
            slots.push(SecretSlot::ProxyCredentials);
        }
        if self.target.has_key_passphrase {
            slots.push(SecretSlot::KeyPassphrase);
        }
        if self.target.has_auth {
            slots.push(SecretSlot::Auth);
        }
        slots
    }

    /// Drops what a secret field must not carry on disk (a value typed into a secret header, a secret
    /// variable's value in an environment) and trims names. Every save goes through this.
    pub fn scrub(&mut self) {
        self.schema = SCHEMA_VERSION;
        self.name = self.name.trim().to_string();
        let target = &mut self.target.request;
        // Never on disk: the passphrase is the keyring's.
        target.key_passphrase = None;
        target.auth = None;
        for header in &mut target.headers {
            header.name = header.name.trim().to_string();
            if header.secret {
                header.value.clear();
            }
        }
        target.headers.retain(|h| !h.name.is_empty());
        let secret: Vec<&str> = self
            .variables
            .iter()
            .filter(|v| v.secret)
            .map(|v| v.name.as_str())
            .collect();
        for environment in &mut self.environments {
            environment
                .values
                .retain(|k, _| !secret.contains(&k.as_str()));
        }
        if let Some(proxy) = &mut self.target.request.proxy {
            // Credentials typed into the proxy URL belong in the secret, not the file.
            if let Ok(mut url) = url::Url::parse(proxy)
                && (!url.username().is_empty() || url.password().is_some())
            {
                let _ = url.set_username("");
                let _ = url.set_password(None);
                *proxy = url.to_string();
            }
        }
        self.tags.retain(|t| !t.trim().is_empty());
        self.snippets.retain(|s| !s.is_empty());
        self.saved_actions.retain(|a| !a.label.trim().is_empty());
        self.saved_actions.truncate(MAX_SAVED_ACTIONS);
        self.server.env.retain(|e| !e.trim().is_empty());
        self.server.logs.retain(|l| !l.trim().is_empty());
        self.last_runs.truncate(KEPT_RUNS);
    }

    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::Dialect;

    #[test]
    fn a_saved_actions_dialect_is_read_from_the_action_whatever_was_written() {
        let saved: SavedAction = serde_json::from_value(serde_json::json!({
            "label": "hello",
            "action": {"action": "emit", "event": "chat", "args": "\"hi\"", "ack": false},
            "dialect": "stomp"
        }))
        .unwrap();
        assert_eq!(saved.dialect, Dialect::Socketio);
        let written = serde_json::to_value(&saved).unwrap();
        assert_eq!(written["dialect"], "socketio");
        let older: SavedAction = serde_json::from_value(serde_json::json!({
            "label": "stop",
            "action": {"action": "stop", "id": "1"}
        }))
        .unwrap();
        assert_eq!(older.dialect, Dialect::GraphqlWs);
    }
}
