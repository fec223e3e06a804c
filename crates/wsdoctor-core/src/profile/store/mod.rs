//! Profiles on disk: one JSON file per profile in the app's config dir, so a damaged file costs one profile,
//! never the set. Every write is atomic (temp file, fsync, rename) and keeps the previous version as
//! `<id>.json.bak`; a file that does not parse is moved aside as `<id>.json.corrupt-<ms>` and its backup,
//! when good, takes its place. The app and the CLI may run at once, so writes hold a lock on `.lock`.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::migrate::migrate;
use super::model::{KEPT_RUNS, Profile, RunVerdict, SCHEMA_VERSION};
use crate::atomic_file::write_atomically;
use crate::{Error, Result};

/// The directory WS Doctor keeps its configuration in: `$WSDOCTOR_CONFIG_DIR` when set, else the platform's
/// config dir for the app's identifier (the same folder Tauri's `app_config_dir` names).
pub fn config_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("WSDOCTOR_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::BaseDirs::new()
        .map(|dirs| dirs.config_dir().join(super::secret::KEYRING_SERVICE))
        .ok_or_else(|| {
            Error::InvalidInput(
                "no home directory to keep profiles in: set WSDOCTOR_CONFIG_DIR".into(),
            )
        })
}

/// How long a writer waits for another (the app, the CLI) to finish.
const LOCK_WAIT: Duration = Duration::from_secs(5);

pub struct ProfileStore {
    dir: PathBuf,
}

/// The profiles that loaded, and what happened to the files that did not.
#[derive(Debug, Default)]
pub struct Loaded {
    pub profiles: Vec<Profile>,
    /// One sentence per file moved aside or restored from its backup.
    pub problems: Vec<String>,
}

impl ProfileStore {
    /// The store in `dir` (created on the first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ProfileStore { dir: dir.into() }
    }

    /// The store in the platform's config dir (`<config>/profiles`).
    pub fn open_default() -> Result<Self> {
        Ok(ProfileStore::new(config_dir()?.join("profiles")))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Every profile, sorted by name. Damaged files are quarantined and reported, never fatal.
    pub fn load(&self) -> Result<Loaded> {
        let mut loaded = Loaded::default();
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(loaded),
            Err(e) => return Err(Error::io(format!("cannot read {}", self.dir.display()), e)),
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "tmp") {
                sweep_stale(&path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            match read_profile(&path) {
                Ok(profile) => loaded.profiles.push(profile),
                Err(problem) => {
                    let (profile, said) = self.quarantine(&path, &problem);
                    loaded.problems.push(said);
                    loaded.profiles.extend(profile);
                }
            }
        }
        loaded
            .profiles
            .sort_by_cached_key(|p| p.name.to_lowercase());
        Ok(loaded)
    }

    /// Moves a damaged file aside and restores its backup when that one reads.
    fn quarantine(&self, path: &Path, problem: &str) -> (Option<Profile>, String) {
        let _lock = self.lock();
        let aside = PathBuf::from(format!("{}.corrupt-{}", path.display(), super::now_ms()));
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if let Err(e) = fs::rename(path, &aside) {
            return (
                None,
                format!("{name} could not be read ({problem}) nor moved aside: {e}"),
            );
        }
        let backup = PathBuf::from(format!("{}.bak", path.display()));
        if let Ok(profile) = read_profile(&backup)
            && let Ok(bytes) = fs::read(&backup)
            && write_atomically(path, &bytes).is_ok()
        {
            return (
                Some(profile),
                format!(
                    "{name} was damaged ({problem}); it was moved to {} and its previous version restored",
                    aside.display()
                ),
            );
        }
        (
            None,
            format!(
                "{name} was damaged ({problem}) and had no usable backup; it was moved to {}",
                aside.display()
            ),
        )
    }

    /// Writes one profile (scrubbed of secret values), keeping the previous version as a backup.
    pub fn save(&self, profile: &Profile) -> Result<Profile> {
        let mut profile = profile.clone();
        if profile.id.is_empty() {
            profile.id = super::new_id();
        }
        if profile.name.trim().is_empty() {
            return Err(Error::InvalidInput("a profile needs a name".into()));
        }
        if !valid_id(&profile.id) {
            return Err(Error::InvalidInput(format!(
                "`{}` is not a profile id",
                profile.id
            )));
        }
        profile.scrub();
        profile.updated_ms = super::now_ms();
        fs::create_dir_all(&self.dir)
            .map_err(|e| Error::io(format!("cannot create {}", self.dir.display()), e))?;
        let _lock = self.lock()?;
        self.write(&profile, true)?;
        Ok(profile)
    }

    /// Writes a profile's file, the lock held; with `keep_backup`, the version it replaces becomes the `.bak`.
    fn write(&self, profile: &Profile, keep_backup: bool) -> Result<()> {
        let json = serde_json::to_vec_pretty(profile)
            .map_err(|e| Error::InvalidInput(format!("cannot encode the profile: {e}")))?;
        let path = self.file(&profile.id);
        if keep_backup && path.exists() {
            let backup = PathBuf::from(format!("{}.bak", path.display()));
            let previous = fs::read(&path)
                .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
            write_atomically(&backup, &previous)?;
        }
        write_atomically(&path, &json)
    }

    /// Saves a profile read from a shared file. Exports carry no run history, so an update of a profile saved
    /// here keeps this machine's recent verdicts. When it replaces a saved profile whose secrets would now
    /// go somewhere else (another server, proxy, backend, CA, or TLS checking turned off), those secrets
    /// are forgotten first, and the second value says why: a secret given for one server never follows a
    /// file to another. If they cannot be forgotten, nothing is imported.
    pub fn save_imported(
        &self,
        profile: &Profile,
        vault: &super::Vault,
    ) -> Result<(Profile, Option<String>)> {
        let mut profile = profile.clone();
        let local = valid_id(&profile.id)
            .then(|| read_profile(&self.file(&profile.id)).ok())
            .flatten();
        let mut dropped = None;
        if let Some(local) = local {
            if profile.last_runs.is_empty() {
                profile.last_runs = local.last_runs.clone();
            }
            if let Some(change) = destination_change(&local, &profile) {
                super::purge_secrets(vault, &local).map_err(|e| {
                    Error::InvalidInput(format!(
                        "`{}` was not imported: its saved secrets must be forgotten first, because the file {change}, and they could not be: {e}",
                        local.name
                    ))
                })?;
                if !local.secret_slots().is_empty() {
                    dropped = Some(format!(
                        "its saved secrets were forgotten, because the imported version {change}: set them again for the new destination"
                    ));
                }
            }
        }
        Ok((self.save(&profile)?, dropped))
    }

    /// Finds a profile by id, or by name (case-insensitive).
    pub fn find(&self, id_or_name: &str) -> Result<Profile> {
        if valid_id(id_or_name)
            && let Ok(profile) = read_profile(&self.file(id_or_name))
        {
            return Ok(profile);
        }
        let mut matches: Vec<Profile> = self
            .load()?
            .profiles
            .into_iter()
            .filter(|p| p.id == id_or_name || p.name.eq_ignore_ascii_case(id_or_name.trim()))
            .collect();
        match matches.len() {
            0 => Err(Error::NotFound(format!("no profile named `{id_or_name}`"))),
            1 => Ok(matches.remove(0)),
            n => Err(Error::InvalidInput(format!(
                "{n} profiles are named `{id_or_name}`: name one by its id ({})",
                matches
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// Adds a run's verdict to a profile's recent runs (newest first, a few kept). The file is read and
    /// written under the writers' lock, so an edit saved meanwhile by another window or the CLI is kept. A
    /// verdict is not an edit: the backup keeps the version before the last edit, and `updated_ms` stays.
    pub fn record_run(&self, id: &str, run: RunVerdict) -> Result<()> {
        if !valid_id(id) {
            return Err(Error::NotFound(format!("no profile with id `{id}`")));
        }
        let _lock = self.lock()?;
        let mut profile = read_profile(&self.file(id))
            .map_err(|_| Error::NotFound(format!("no profile with id `{id}`")))?;
        profile.last_runs.insert(0, run);
        profile.last_runs.truncate(KEPT_RUNS);
        self.write(&profile, false)
    }

    /// Removes a profile's file (its backup stays, for an undo); returns what was removed.
    pub fn delete(&self, id: &str) -> Result<Profile> {
        if !valid_id(id) {
            return Err(Error::NotFound(format!("no profile with id `{id}`")));
        }
        let _lock = self.lock()?;
        let path = self.file(id);
        let profile = read_profile(&path)
            .map_err(|_| Error::NotFound(format!("no profile with id `{id}`")))?;
        let backup = PathBuf::from(format!("{}.bak", path.display()));
        fs::rename(&path, &backup)
            .map_err(|e| Error::io(format!("cannot remove {}", path.display()), e))?;
        Ok(profile)
    }

    /// Takes the writers' lock, waiting a bounded time for another process to release it.
    fn lock(&self) -> Result<File> {
        let path = self.dir.join(".lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::InvalidInput(format!(
                        "another WS Doctor has held the profiles lock ({}) for {} s; try again when it \
                         has finished",
                        path.display(),
                        LOCK_WAIT.as_secs()
                    )));
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(Error::io(format!("cannot lock {}", path.display()), e));
                }
            }
        }
    }
}

/// How old a temporary file must be before it counts as left by a writer that died: a live writer keeps
/// one for milliseconds.
const STALE_TEMP: Duration = Duration::from_secs(600);

/// Removes a temporary file a crashed writer left behind (its target was never replaced, so nothing in it
/// is needed).
/// How an imported profile would send its secrets somewhere the saved one does not: a sentence, or `None`.
fn destination_change(saved: &Profile, imported: &Profile) -> Option<String> {
    let redactor = crate::redact::Redactor::new(&[]);
    let shown = |value: &Option<String>| {
        value
            .as_deref()
            .map_or("none".to_string(), |v| redactor.url(v))
    };
    let (a, b) = (&saved.target, &imported.target);
    if a.request.url.trim() != b.request.url.trim() {
        return Some(format!(
            "connects to {} instead of {}",
            redactor.url(&b.request.url),
            redactor.url(&a.request.url)
        ));
    }
    if a.request.proxy != b.request.proxy {
        return Some(format!(
            "goes through proxy {} instead of {}",
            shown(&b.request.proxy),
            shown(&a.request.proxy)
        ));
    }
    if a.request.direct != b.request.direct {
        return Some(format!(
            "names backend {} instead of {}",
            shown(&b.request.direct),
            shown(&a.request.direct)
        ));
    }
    if !a.request.insecure && b.request.insecure {
        return Some("turns certificate checking off (insecure)".to_string());
    }
    if a.request.ca_file != b.request.ca_file {
        return Some("trusts another CA file".to_string());
    }
    // Environments fill `{{host}}`-style placeholders of the URL: a changed value can move the server.
    let values = |p: &Profile| {
        p.environments
            .iter()
            .map(|e| (e.name.clone(), e.values.clone()))
            .collect::<Vec<_>>()
    };
    if values(saved) != values(imported) {
        return Some("changes its environments' values (which fill the URL)".to_string());
    }
    None
}

fn sweep_stale(path: &Path) {
    let stale = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > STALE_TEMP);
    if stale {
        let _ = fs::remove_file(path);
    }
}

/// Ids are made by [`super::new_id`]; anything else could name a path outside the store.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn read_profile(path: &Path) -> std::result::Result<Profile, String> {
    let bytes =
        crate::input_file::read_capped(path, crate::input_file::MAX_STORED_BYTES, "profile")?;
    // Current files parse straight into a profile; only older ones go through the migration's JSON tree.
    if let Ok(profile) = serde_json::from_slice::<Profile>(&bytes)
        && profile.schema == SCHEMA_VERSION
        && !profile.id.is_empty()
        && !profile.name.is_empty()
    {
        return Ok(profile);
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))?;
    let value = migrate(value)?;
    let profile: Profile =
        serde_json::from_value(value).map_err(|e| format!("not a profile: {e}"))?;
    if profile.id.is_empty() || profile.name.is_empty() {
        return Err("a profile without an id or a name".into());
    }
    Ok(profile)
}

#[cfg(test)]
pub(crate) mod tests;
