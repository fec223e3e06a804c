//! Deleted profiles whose secrets wait out an undo window. Deleting a profile moves its file aside at once,
//! but its secrets stay in the keyring while the user may still undo, since the UI never holds them and
//! could not put them back. This list remembers whose secrets to forget, so they go when the window has
//! passed, or when the app quits, whichever comes first: a deleted profile leaves nothing in the keyring.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Profile, ProfileStore, Vault, purge_secrets};
use crate::Result;

pub struct DeletedProfiles {
    window: Duration,
    pending: Mutex<Vec<(Profile, Instant)>>,
}

impl DeletedProfiles {
    pub fn new(window: Duration) -> Self {
        DeletedProfiles {
            window,
            pending: Mutex::new(Vec::new()),
        }
    }

    /// How long a deleted profile's secrets are kept for an undo.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Notes a profile just deleted. Deleting it again (after an undo) starts its window again.
    pub fn add(&self, profile: Profile) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|(p, _)| p.id != profile.id);
        pending.push((profile, Instant::now()));
    }

    /// Forgets the secrets of the profiles deleted at least a window ago, or of all of them when
    /// `everything` (the app is quitting). A profile saved again since (an undo) keeps its secrets. Returns
    /// how many profiles' secrets were forgotten; a keyring error keeps that profile on the list for the
    /// next call and is returned once the others have been tried.
    pub fn forget_due(
        &self,
        store: &ProfileStore,
        vault: &Vault,
        everything: bool,
    ) -> Result<usize> {
        // Taken off the list first: the keyring blocks, and no lock is held across it.
        let due: Vec<(Profile, Instant)> = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            let (due, waiting) = pending
                .drain(..)
                .partition(|(_, at)| everything || at.elapsed() >= self.window);
            *pending = waiting;
            due
        };
        let mut forgotten = 0;
        let mut first_error = None;
        for (profile, at) in due {
            if store.find(&profile.id).is_ok() {
                continue; // restored
            }
            match purge_secrets(vault, &profile) {
                Ok(()) => forgotten += 1,
                Err(error) => {
                    first_error.get_or_insert(error);
                    self.pending
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((profile, at));
                }
            }
        }
        match first_error {
            Some(error) => Err(error),
            None => Ok(forgotten),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::store::tests::tempdir;
    use crate::profile::{SecretSlot, SecretState, Sensitive};
    use crate::target::HeaderInput;

    fn saved_with_secret(store: &ProfileStore, vault: &Vault, name: &str) -> (Profile, String) {
        let mut profile = Profile {
            name: name.into(),
            ..Profile::default()
        };
        profile.target.request.headers.push(HeaderInput {
            name: "Authorization".into(),
            value: String::new(),
            secret: true,
        });
        let profile = store.save(&profile).unwrap();
        let key = SecretSlot::Header {
            name: "Authorization".into(),
        }
        .key(&profile.id);
        vault
            .set(&key, &Sensitive::new(format!("Bearer {name}")), false)
            .unwrap();
        (profile, key)
    }

    #[test]
    fn secrets_go_after_the_window_or_at_exit_and_stay_for_an_undo() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let dir = tempdir();
        let store = ProfileStore::new(&*dir);
        let vault = Vault::os();
        let (gone, gone_key) = saved_with_secret(&store, &vault, "gone");
        let (undone, undone_key) = saved_with_secret(&store, &vault, "undone");
        let (late, late_key) = saved_with_secret(&store, &vault, "late");

        let deleted = DeletedProfiles::new(Duration::from_millis(300));
        for profile in [&gone, &undone] {
            deleted.add(store.delete(&profile.id).unwrap());
        }
        assert_eq!(
            deleted.forget_due(&store, &vault, false).unwrap(),
            0,
            "inside the window"
        );
        assert_eq!(vault.state(&gone_key), SecretState::Saved);

        store.save(&undone).unwrap(); // the undo
        std::thread::sleep(Duration::from_millis(320));
        deleted.add(store.delete(&late.id).unwrap());
        assert_eq!(deleted.forget_due(&store, &vault, false).unwrap(), 1);
        assert_eq!(vault.state(&gone_key), SecretState::NotSet);
        assert_eq!(
            vault.state(&undone_key),
            SecretState::Saved,
            "an undone delete keeps its secrets"
        );
        assert_eq!(
            vault.state(&late_key),
            SecretState::Saved,
            "still inside its window"
        );

        // Quitting does not wait for the window.
        assert_eq!(deleted.forget_due(&store, &vault, true).unwrap(), 1);
        assert_eq!(vault.state(&late_key), SecretState::NotSet);
        assert_eq!(
            deleted.forget_due(&store, &vault, true).unwrap(),
            0,
            "nothing twice"
        );
    }

    #[test]
    fn a_second_delete_after_an_undo_starts_the_window_again() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let dir = tempdir();
        let store = ProfileStore::new(&*dir);
        let vault = Vault::os();
        let (profile, key) = saved_with_secret(&store, &vault, "twice");
        let deleted = DeletedProfiles::new(Duration::from_millis(400));
        deleted.add(store.delete(&profile.id).unwrap());
        std::thread::sleep(Duration::from_millis(250));
        store.save(&profile).unwrap();
        deleted.add(store.delete(&profile.id).unwrap());
        std::thread::sleep(Duration::from_millis(200));
        // 450 ms after the first delete (its window is over), 200 ms after the second: the second's holds.
        assert_eq!(deleted.forget_due(&store, &vault, false).unwrap(), 0);
        assert_eq!(vault.state(&key), SecretState::Saved);
    }
}
