//! Saved connection profiles: the targets testers check again and again and support staff keep per
//! customer. A profile is a JSON file in the app's config dir ([`store`]); its secrets are in the OS keyring
//! ([`secret`]), and [`resolve`] joins the two, with an environment's variables, when a check or a console
//! session runs. [`import`] and [`transfer`] move profiles in and out without their secrets.

pub mod deleted;
pub mod import;
mod migrate;
pub mod model;
pub mod resolve;
pub mod secret;
mod split;
pub mod store;
pub mod transfer;

use std::sync::atomic::{AtomicU32, Ordering};

pub use crate::console::ConsoleSettings;
pub use deleted::DeletedProfiles;
pub use model::{
    Environment, Profile, ProfileTarget, RunVerdict, SavedAction, SecretSlot, Variable,
};
pub use secret::{SecretState, Sensitive, Vault};
pub use store::{Loaded, ProfileStore};

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A new profile id: unique across processes (time, process id and a counter), safe as a file name.
pub fn new_id() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("p-{:x}-{:x}-{n:x}", nanos, std::process::id())
}

/// Saves the secrets that came with a new or imported profile. When the keyring refuses, the rest are
/// not tried and the error says so; the profile itself is saved either way (its secrets then show as
/// not set).
pub fn save_secrets(
    vault: &Vault,
    profile: &Profile,
    secrets: &[(SecretSlot, Sensitive<String>)],
    session_only: bool,
) -> crate::Result<()> {
    for (slot, value) in secrets {
        vault.set(&slot.key(&profile.id), value, session_only)?;
    }
    Ok(())
}

/// Forgets every secret a profile declares (after it is deleted for good).
pub fn purge_secrets(vault: &Vault, profile: &Profile) -> crate::Result<()> {
    for slot in profile.secret_slots() {
        vault.clear(&slot.key(&profile.id))?;
    }
    Ok(())
}
