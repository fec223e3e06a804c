//! Secrets of saved profiles: the vault that keeps values in the OS keyring (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows), holding them as [`Sensitive`] values that cannot leak.
//!
//! A profile file names which of its fields are secret; the values live here only. When no keyring can be
//! used the vault says so and can hold a value for this process only, never on disk.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;

pub use crate::redact::Sensitive;

use crate::{Error, Result};

/// The keyring service every WS Doctor secret is filed under (the app's identifier).
pub const KEYRING_SERVICE: &str = "dev.wsdoctor.app";

/// Where secret values are kept: the OS keyring in the app and the CLI.
pub trait SecretBackend: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>>;
    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()>;
    fn delete(&self, key: &str) -> Result<()>;
}

/// The OS keyring through the `keyring` crate. Entries are kept once made: the crate's mock store (used in
/// unit tests) remembers a value per `Entry`, and reusing them also saves a D-Bus round trip.
pub struct OsKeyring {
    entries: Mutex<HashMap<String, keyring::Entry>>,
}

impl OsKeyring {
    pub fn new() -> Self {
        OsKeyring {
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn with_entry<T>(
        &self,
        key: &str,
        f: impl FnOnce(&keyring::Entry) -> keyring::Result<T>,
    ) -> Result<T> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = match entries.get(key) {
            Some(entry) => entry,
            None => {
                let entry = keyring::Entry::new(KEYRING_SERVICE, key).map_err(keyring_error)?;
                entries.entry(key.to_string()).or_insert(entry)
            }
        };
        f(entry).map_err(keyring_error)
    }
}

impl Default for OsKeyring {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretBackend for OsKeyring {
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        match self.with_entry(key, |e| e.get_password()) {
            Ok(value) => Ok(Some(Sensitive::new(value))),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()> {
        self.with_entry(key, |e| e.set_password(value.expose()))
    }

    fn delete(&self, key: &str) -> Result<()> {
        match self.with_entry(key, |e| e.delete_credential()) {
            Ok(()) | Err(Error::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Turns the keyring crate's errors into words a user can act on. The platform's own message is kept: it
/// says which service refused ("Unable to autolaunch a dbus-daemon", "collection is locked").
fn keyring_error(error: keyring::Error) -> Error {
    match error {
        keyring::Error::NoEntry => Error::NotFound("no such secret".into()),
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
            Error::Keyring(format!(
                "No OS keyring is available ({e}). Secrets are only kept in a keyring: unlock or start it \
                 (on Linux, a Secret Service such as GNOME Keyring or KWallet), or use the secret for this \
                 session only."
            ))
        }
        other => Error::Keyring(format!("The OS keyring refused: {other}")),
    }
}

/// Whether a secret has a value, as the UI may see it: never the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum SecretState {
    /// Saved in the keyring.
    Saved,
    /// Held in memory for this session only (no keyring was available, or the user asked).
    Session,
    NotSet,
    /// The keyring could not be asked.
    Unknown,
}

/// The secrets of every profile: the keyring, with values held for this session only on top.
pub struct Vault {
    backend: Box<dyn SecretBackend>,
    session: Mutex<HashMap<String, Sensitive<String>>>,
}

impl Vault {
    pub fn new(backend: Box<dyn SecretBackend>) -> Self {
        Vault {
            backend,
            session: Mutex::new(HashMap::new()),
        }
    }

    /// The OS keyring.
    pub fn os() -> Self {
        Vault::new(Box::new(OsKeyring::new()))
    }

    fn session(&self) -> std::sync::MutexGuard<'_, HashMap<String, Sensitive<String>>> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        if let Some(value) = self.session().get(key) {
            return Ok(Some(value.clone()));
        }
        self.backend.get(key)
    }

    /// Saves a value in the keyring, or for this session only. An empty value clears the secret.
    pub fn set(&self, key: &str, value: &Sensitive<String>, session_only: bool) -> Result<()> {
        if value.expose().is_empty() {
            return self.clear(key);
        }
        if session_only {
            self.session().insert(key.to_string(), value.clone());
            return Ok(());
        }
        self.backend.set(key, value)?;
        self.session().remove(key);
        Ok(())
    }

    pub fn clear(&self, key: &str) -> Result<()> {
        let was_session = self.session().remove(key).is_some();
        match self.backend.delete(key) {
            Err(Error::Keyring(_)) if was_session => Ok(()),
            other => other,
        }
    }

    pub fn state(&self, key: &str) -> SecretState {
        if self.session().contains_key(key) {
            return SecretState::Session;
        }
        match self.backend.get(key) {
            Ok(Some(_)) => SecretState::Saved,
            Ok(None) => SecretState::NotSet,
            Err(_) => SecretState::Unknown,
        }
    }

    /// Whether the keyring answers; the error says why not.
    pub fn keyring_available(&self) -> Result<()> {
        self.backend.get("wsdoctor-keyring-probe").map(|_| ())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A backend like a machine with no keyring: every call fails as the Secret Service does without a bus.
    pub(crate) struct NoKeyring;

    impl SecretBackend for NoKeyring {
        fn get(&self, _: &str) -> Result<Option<Sensitive<String>>> {
            Err(keyring_error(keyring::Error::PlatformFailure(
                "Unable to autolaunch a dbus-daemon without a $DISPLAY".into(),
            )))
        }
        fn set(&self, key: &str, _: &Sensitive<String>) -> Result<()> {
            self.get(key).map(|_| ())
        }
        fn delete(&self, key: &str) -> Result<()> {
            self.get(key).map(|_| ())
        }
    }

    #[test]
    fn a_sensitive_value_neither_prints_nor_serialises() {
        let secret = Sensitive::new("hunter2".to_string());
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert!(!format!("{:?}", Some(&secret)).contains("hunter2"));
        let error = serde_json::to_string(&secret).unwrap_err();
        assert!(error.to_string().contains("never serialised"));
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn the_keyring_mock_keeps_saves_and_clears() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let vault = Vault::os();
        assert_eq!(vault.state("p1/header/authorization"), SecretState::NotSet);
        vault
            .set(
                "p1/header/authorization",
                &Sensitive::new("Bearer t".into()),
                false,
            )
            .unwrap();
        assert_eq!(vault.state("p1/header/authorization"), SecretState::Saved);
        assert_eq!(
            vault
                .get("p1/header/authorization")
                .unwrap()
                .unwrap()
                .expose(),
            "Bearer t"
        );
        vault.clear("p1/header/authorization").unwrap();
        assert_eq!(vault.state("p1/header/authorization"), SecretState::NotSet);
    }

    #[test]
    fn without_a_keyring_it_says_so_and_offers_the_session() {
        let vault = Vault::new(Box::new(NoKeyring));
        let error = vault
            .set("p1/proxy", &Sensitive::new("u:p".into()), false)
            .unwrap_err();
        assert_eq!(error.kind(), "keyring");
        assert!(
            error.to_string().contains("No OS keyring is available"),
            "{error}"
        );
        assert!(error.to_string().contains("this session only"), "{error}");
        assert!(vault.keyring_available().is_err());
        vault
            .set("p1/proxy", &Sensitive::new("u:p".into()), true)
            .unwrap();
        assert_eq!(vault.state("p1/proxy"), SecretState::Session);
        assert_eq!(vault.get("p1/proxy").unwrap().unwrap().expose(), "u:p");
        vault.clear("p1/proxy").unwrap();
        assert_eq!(vault.state("p1/proxy"), SecretState::Unknown);
    }
}
