//! The store against concurrent writers, damaged files and the undo window; its helpers serve the
//! other profile tests too.

use super::*;

fn profile(name: &str) -> Profile {
    Profile {
        name: name.into(),
        ..Profile::default()
    }
}

/// Secrets in memory, for tests that must see what was forgotten.
#[derive(Default)]
struct Memory(std::sync::Mutex<std::collections::HashMap<String, String>>);

impl crate::profile::secret::SecretBackend for std::sync::Arc<Memory> {
    fn get(&self, key: &str) -> Result<Option<crate::profile::Sensitive<String>>> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .get(key)
            .map(|v| crate::profile::Sensitive::new(v.clone())))
    }
    fn set(&self, key: &str, value: &crate::profile::Sensitive<String>) -> Result<()> {
        self.0
            .lock()
            .unwrap()
            .insert(key.into(), value.expose().clone());
        Ok(())
    }
    fn delete(&self, key: &str) -> Result<()> {
        self.0.lock().unwrap().remove(key);
        Ok(())
    }
}

#[test]
fn an_import_to_another_destination_forgets_the_saved_secrets_and_says_so() {
    use crate::target::HeaderInput;
    let dir = tempdir();
    let store = ProfileStore::new(&*dir);
    let memory = std::sync::Arc::new(Memory::default());
    let vault = crate::profile::Vault::new(Box::new(memory.clone()));
    let mut saved = profile("prod");
    saved.target.request.url = "wss://prod.example/ws".into();
    saved.target.request.headers = vec![HeaderInput {
        name: "Authorization".into(),
        value: String::new(),
        secret: true,
    }];
    let saved = store.save(&saved).unwrap();
    let key = format!("{}/header/authorization", saved.id);
    let keep_secret = || {
        vault
            .set(
                &key,
                &crate::profile::Sensitive::new("Bearer s3cret".into()),
                false,
            )
            .unwrap();
    };
    keep_secret();

    // The same destination, other notes: the secret stays.
    let mut same = saved.clone();
    same.notes = "edited elsewhere".into();
    let (_, dropped) = store.save_imported(&same, &vault).unwrap();
    assert_eq!(dropped, None);
    assert!(memory.0.lock().unwrap().contains_key(&key));

    // Each change of destination forgets it.
    let changes: [fn(&mut Profile); 4] = [
        |p| p.target.request.url = "wss://attacker.example/ws".into(),
        |p| p.target.request.proxy = Some("http://proxy.example:3128".into()),
        |p| p.target.request.direct = Some("ws://10.0.0.9:8080/ws".into()),
        |p| p.target.request.insecure = true,
    ];
    for change in changes {
        keep_secret();
        let mut moved = saved.clone();
        change(&mut moved);
        let (_, dropped) = store.save_imported(&moved, &vault).unwrap();
        let dropped = dropped.expect("the import says the secrets were forgotten");
        assert!(dropped.contains("forgotten"), "{dropped}");
        assert!(!memory.0.lock().unwrap().contains_key(&key), "{dropped}");
        store.save(&saved).unwrap();
    }
}

#[test]
fn a_recorded_run_keeps_the_backup_of_the_last_edit() {
    let dir = tempdir();
    let store = ProfileStore::new(&*dir);
    let first = store.save(&profile("staging")).unwrap();
    let mut edited = first.clone();
    edited.notes = "edited".into();
    let edited = store.save(&edited).unwrap();
    let run = RunVerdict {
        at_ms: 1,
        verdict: crate::report::Verdict::Healthy,
        summary: "healthy".into(),
        environment: None,
    };
    store.record_run(&first.id, run.clone()).unwrap();
    store.record_run(&first.id, run.clone()).unwrap();
    let now = store.find(&first.id).unwrap();
    assert_eq!(now.last_runs.len(), 2);
    assert_eq!(now.notes, "edited");
    assert_eq!(
        now.updated_ms, edited.updated_ms,
        "a verdict is not an edit"
    );
    let backup = fs::read_to_string(dir.join(format!("{}.json.bak", first.id))).unwrap();
    assert!(
        !backup.contains("edited"),
        "the backup is still the version before the edit"
    );
    assert!(store.record_run("staging", run).is_err(), "ids only");
}

#[test]
fn saves_loads_and_keeps_the_previous_version() {
    let dir = tempdir();
    let store = ProfileStore::new(&*dir);
    let saved = store.save(&profile("staging")).unwrap();
    assert!(!saved.id.is_empty());
    let mut changed = saved.clone();
    changed.notes = "second".into();
    store.save(&changed).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.profiles.len(), 1);
    assert_eq!(loaded.profiles[0].notes, "second");
    let backup = fs::read_to_string(dir.join(format!("{}.json.bak", saved.id))).unwrap();
    assert!(!backup.contains("second"));
    assert_eq!(store.find("STAGING").unwrap().id, saved.id);
    let twin = store.save(&profile("Staging")).unwrap();
    let error = store.find("staging").unwrap_err();
    assert!(
        error.to_string().contains("2 profiles are named"),
        "{error}"
    );
    assert_eq!(store.find(&twin.id).unwrap().name, "Staging");
}

#[test]
fn a_damaged_file_is_moved_aside_and_its_backup_restored() {
    let dir = tempdir();
    let store = ProfileStore::new(&*dir);
    let kept = store.save(&profile("kept")).unwrap();
    let damaged = store.save(&profile("damaged")).unwrap();
    store.save(&damaged).unwrap(); // now it has a backup
    let lone = store.save(&profile("lone")).unwrap();
    let path = dir.join(format!("{}.json", damaged.id));
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, &text.as_bytes()[..text.len() / 2]).unwrap(); // truncated
    fs::write(dir.join(format!("{}.json", lone.id)), "garbage").unwrap();

    let loaded = store.load().unwrap();
    let names: Vec<_> = loaded.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["damaged", "kept"], "{:?}", loaded.problems);
    assert_eq!(loaded.problems.len(), 2, "{:?}", loaded.problems);
    assert!(
        loaded
            .problems
            .iter()
            .any(|p| p.contains("previous version restored"))
    );
    assert!(
        loaded
            .problems
            .iter()
            .any(|p| p.contains("no usable backup"))
    );
    let aside = fs::read_dir(&*dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .count();
    assert_eq!(aside, 2);
    assert!(store.find(&kept.id).is_ok());
}

#[test]
fn temporary_files_of_dead_writers_are_swept_and_live_ones_left() {
    let dir = tempdir();
    let store = ProfileStore::new(&*dir);
    store.save(&profile("kept")).unwrap();
    let old = dir.join("p-x.json.123.tmp");
    let fresh = dir.join("p-y.json.456.tmp");
    fs::write(&old, "{half").unwrap();
    fs::write(&fresh, "{half").unwrap();
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.profiles.len(), 1);
    assert!(loaded.problems.is_empty());
    assert!(!old.exists(), "a dead writer's temporary file is swept");
    assert!(fresh.exists(), "a live writer's is left alone");
}

#[test]
fn ids_cannot_name_paths_outside_the_store() {
    let dir = tempdir();
    let store = ProfileStore::new(&*dir);
    let mut evil = profile("evil");
    evil.id = "../escape".into();
    assert!(store.save(&evil).is_err());
    assert_eq!(store.delete("../x").unwrap_err().kind(), "not_found");
}

/// A fresh folder, removed when the test ends.
pub(crate) struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn tempdir() -> TempDir {
    let dir = std::env::temp_dir().join(format!("wsdoctor-store-{}", super::super::new_id()));
    fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}
