//! Saved profiles through the `wsdoctor` binary, with the real OS keyring: `make test` runs the suite under
//! `scripts/with-keyring` (a private D-Bus session with an unlocked gnome-keyring). Each test keeps its
//! profiles in a throwaway WSDOCTOR_CONFIG_DIR.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use wsdoctor_core::assert_contains;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;
use wsdoctor_core::lab::{LAB_TOKEN, Lab, LabConfig};

const BIN: &str = env!("CARGO_BIN_EXE_wsdoctor");

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

struct Home {
    dir: PathBuf,
}

impl Home {
    fn new(name: &str) -> Home {
        let dir =
            std::env::temp_dir().join(format!("wsdoctor-profiles-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Home { dir }
    }

    async fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, "", &[]).await
    }

    async fn run_with(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(&self.dir)
            .env("WSDOCTOR_CONFIG_DIR", self.dir.join("config"))
            .env("NO_COLOR", "1")
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("wsdoctor runs");
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).await.unwrap();
        drop(input);
        let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
            .await
            .expect("wsdoctor ends in time")
            .unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn every_file(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            every_file(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Fails, naming the file, if any file under `dir` holds `secret`.
fn assert_no_file_holds(dir: &Path, secret: &str) -> usize {
    let mut files = Vec::new();
    every_file(dir, &mut files);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{} holds the secret",
            file.display()
        );
    }
    files.len()
}

/// The keyring these tests need; without it they would prove nothing, so they say how to get one.
fn require_keyring(run: &Run) {
    assert!(
        !run.stderr.contains("No OS keyring is available"),
        "these tests need a Secret Service: run them as `scripts/with-keyring cargo test` (make test does)\n{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_profile_with_a_keyring_secret_passes_the_labs_token_check_and_no_file_holds_the_secret()
{
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let home = Home::new("scan");
    let line = format!(
        "wscat -c {} -H 'Authorization: Bearer {LAB_TOKEN}' -H 'X-Team: qa'",
        lab.url("/auth")
    );
    let imported = home
        .run(&[
            "profiles",
            "import",
            "--command",
            &line,
            "--name",
            "lab auth",
        ])
        .await;
    require_keyring(&imported);
    assert_eq!(imported.code, Some(0), "{}", imported.stderr);
    assert!(
        imported
            .stdout
            .contains("saved 1 secret(s) in the OS keyring")
    );

    for output in ["report.json", "report.md", "report.html"] {
        let check = home
            .run(&["check", "--profile", "lab auth", "-o", output])
            .await;
        assert_eq!(check.code, Some(0), "{output}: {}", check.stderr);
        assert_contains!(check.stderr, "Healthy");
    }
    let report = std::fs::read_to_string(home.dir.join("report.md")).unwrap();
    assert!(
        report.contains("Authorization: Bearer [REDACTED]"),
        "{report}"
    );

    let connect = home
        .run_with(
            &["connect", "--profile", "lab auth", "--json", "--wait", "1"],
            "hello\n",
            &[],
        )
        .await;
    assert_eq!(connect.code, Some(0), "{}", connect.stderr);
    assert!(connect.stdout.contains("hello"));
    let export = home.run(&["profiles", "export", "-o", "team.json"]).await;
    assert_eq!(export.code, Some(0), "{}", export.stderr);
    let shared = std::fs::read_to_string(home.dir.join("team.json")).unwrap();
    assert!(
        shared.contains("header Authorization"),
        "needs secret is listed: {shared}"
    );
    // Importing the team's file updates the profile: its previous version becomes a backup (recording a
    // run's verdict does not make one) and its local verdicts stay (exports carry none).
    let reimported = home.run(&["profiles", "import", "team.json"]).await;
    assert_eq!(reimported.code, Some(0), "{}", reimported.stderr);
    let backups = std::fs::read_dir(home.dir.join("config/profiles"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .to_string_lossy()
                .ends_with(".json.bak")
        })
        .count();
    assert_eq!(backups, 1, "the update kept the previous version");
    let list = home.run(&["profiles", "list"]).await;
    assert_contains!(list.stdout, "last: healthy");

    for run in [&imported, &connect, &export, &reimported, &list] {
        assert!(!run.stdout.contains(LAB_TOKEN) && !run.stderr.contains(LAB_TOKEN));
    }
    // Profiles, their backups, the lock, the reports and the export: none holds the token.
    let scanned = assert_no_file_holds(&home.dir, LAB_TOKEN);
    assert!(scanned >= 7, "scanned {scanned} files");

    // Another server on the command line does not get the profile's token.
    let elsewhere = home
        .run(&["check", "--profile", "lab auth", "ws://127.0.0.2:9/auth"])
        .await;
    assert_eq!(elsewhere.code, Some(2), "{}", elsewhere.stderr);
    assert_contains!(elsewhere.stderr, "not at ws://127.0.0.1:");
    assert_contains!(elsewhere.stderr, "sends its secrets");

    let deleted = home.run(&["profiles", "delete", "lab auth"]).await;
    assert_eq!(deleted.code, Some(0), "{}", deleted.stderr);
    let after = home.run(&["profiles", "show", "lab auth"]).await;
    assert_eq!(after.code, Some(2));
}

#[tokio::test]
async fn an_imported_profile_names_the_secret_it_needs_until_one_is_set_from_stdin() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let home = Home::new("needs");
    let shared = serde_json::json!({
        "format": "wsdoctor-profiles",
        "profiles": [{
            "name": "shared",
            "target": {
                "url": "{{base}}/auth",
                "headers": [{"name": "Authorization", "secret": true}]
            },
            "variables": [{"name": "base"}],
            "environments": [
                {"name": "local", "values": {"base": lab.url("").trim_end_matches('/')}},
                {"name": "nowhere", "values": {"base": "ws://127.0.0.1:9"}}
            ],
            "needsSecret": ["header Authorization"]
        }]
    });
    std::fs::write(home.dir.join("shared.json"), shared.to_string()).unwrap();
    let imported = home.run(&["profiles", "import", "shared.json"]).await;
    assert_eq!(imported.code, Some(0), "{}", imported.stderr);
    assert!(
        imported
            .stdout
            .contains("needs secret: header Authorization"),
        "{}",
        imported.stdout
    );

    let check = home
        .run(&["check", "--profile", "shared", "--env", "local"])
        .await;
    require_keyring(&check);
    assert_eq!(check.code, Some(1));
    assert!(
        check
            .stderr
            .contains("needs its secret header Authorization"),
        "{}",
        check.stderr
    );
    let set = home
        .run_with(
            &["profiles", "secret", "shared", "--header", "Authorization"],
            &format!("Bearer {LAB_TOKEN}\n"),
            &[],
        )
        .await;
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let check = home
        .run(&["check", "--profile", "shared", "--env", "local"])
        .await;
    assert_eq!(check.code, Some(0), "{}{}", check.stdout, check.stderr);
    let unknown = home
        .run(&["check", "--profile", "shared", "--env", "prod"])
        .await;
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown
            .stderr
            .contains("has no environment `prod` (it has: local, nowhere)")
    );
    let show = home.run(&["profiles", "show", "shared"]).await;
    assert_contains!(show.stdout, "secret header Authorization: set");
    assert_no_file_holds(&home.dir, LAB_TOKEN);
    home.run(&["profiles", "delete", "shared"]).await;
}

// The crash hook exists only with the `test-seams` feature (`make test` runs this test with it).
#[cfg(feature = "test-seams")]
#[tokio::test]
async fn a_writer_killed_between_write_and_rename_leaves_the_profile_set_intact() {
    let home = Home::new("crash");
    let version = |notes: &str| {
        serde_json::json!([
            {"id": "p-fixed", "name": "kept", "notes": notes, "target": {"url": "ws://127.0.0.1:9/"}},
            {"id": "p-other", "name": "other", "target": {"url": "ws://127.0.0.1:9/x"}}
        ])
        .to_string()
    };
    std::fs::write(home.dir.join("v1.json"), version("first")).unwrap();
    std::fs::write(home.dir.join("v2.json"), version("second")).unwrap();
    assert_eq!(
        home.run(&["profiles", "import", "v1.json"]).await.code,
        Some(0)
    );

    // The second import dies after writing the new p-fixed.json's temporary copy, before the rename.
    let crashed = home
        .run_with(
            &["profiles", "import", "v2.json"],
            "",
            &[("WSDOCTOR_TEST_CRASH_BEFORE_RENAME", "p-fixed.json")],
        )
        .await;
    assert_eq!(crashed.code, None, "killed by a signal: {}", crashed.stderr);

    let show = home.run(&["profiles", "show", "kept", "--json"]).await;
    assert_eq!(show.code, Some(0), "{}", show.stderr);
    let profile: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(profile["notes"], "first", "the old version is whole");
    let list = home.run(&["profiles", "list", "--json"]).await;
    assert_eq!(list.stdout.lines().count(), 2, "{}", list.stdout);
    assert!(
        list.stderr.is_empty(),
        "nothing was damaged: {}",
        list.stderr
    );

    // A writer that finishes replaces it, keeping the first version as the backup.
    assert_eq!(
        home.run(&["profiles", "import", "v2.json"]).await.code,
        Some(0)
    );
    let show = home.run(&["profiles", "show", "kept", "--json"]).await;
    assert!(show.stdout.contains("\"notes\": \"second\""));
    let backup =
        std::fs::read_to_string(home.dir.join("config/profiles/p-fixed.json.bak")).unwrap();
    assert!(backup.contains("first"));
}

#[tokio::test]
async fn without_a_keyring_the_secret_is_refused_plainly_and_never_written() {
    let home = Home::new("nokeyring");
    // A session bus address that leads nowhere: the Secret Service cannot be reached.
    let no_bus = [
        (
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/wsdoctor-bus",
        ),
        ("DISPLAY", ""),
    ];
    let imported = home
        .run_with(
            &[
                "profiles",
                "import",
                "--command",
                "wscat -c ws://127.0.0.1:9/ws -H 'Authorization: Bearer nokeyring-s3cret'",
                "--name",
                "offline",
            ],
            "",
            &no_bus,
        )
        .await;
    assert_eq!(imported.code, Some(1), "{}", imported.stderr);
    assert_contains!(imported.stderr, "saved without its secrets");
    assert_contains!(imported.stderr, "No OS keyring is available");
    let show = home
        .run_with(&["profiles", "show", "offline"], "", &no_bus)
        .await;
    assert_contains!(
        show.stdout,
        "secret header Authorization: unknown (no keyring)"
    );
    let check = home
        .run_with(&["check", "--profile", "offline"], "", &no_bus)
        .await;
    assert_eq!(check.code, Some(1));
    assert_contains!(check.stderr, "No OS keyring is available");
    assert_no_file_holds(&home.dir, "nokeyring-s3cret");
}

/// A profiles or HAR file past the import cap, or one that is not a regular file, is refused plainly,
/// before it is read (a 200 MB HAR was read whole: 1.6 GB of memory).
#[tokio::test]
async fn an_oversized_or_special_import_file_is_refused_before_it_is_read() {
    let home = Home::new("oversized");
    let huge = home.dir.join("huge.har");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(200 << 20)
        .unwrap();
    for (args, says) in [
        (
            vec!["profiles", "import", "huge.har"],
            "is larger than 32 MB",
        ),
        (
            vec!["profiles", "import", "--har", "huge.har"],
            "is larger than 32 MB",
        ),
        (
            vec!["profiles", "import", "/dev/zero"],
            "is not a regular file",
        ),
    ] {
        let run = home.run(&args).await;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
}
