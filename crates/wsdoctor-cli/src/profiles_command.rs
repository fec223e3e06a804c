//! `wsdoctor profiles ...`: the saved profiles the app shows, from a terminal. Secret values are only ever
//! written (from stdin, so they stay out of shell history); list and show say "set" or "not set".

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use wsdoctor_core::profile::import::{self, Imported};
use wsdoctor_core::profile::{
    Profile, ProfileStore, SecretSlot, SecretState, Sensitive, Vault, purge_secrets, save_secrets,
    transfer,
};
use wsdoctor_core::{Error, Result};

use crate::output::write_atomically;

#[derive(Debug, clap::Args)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    command: ProfilesCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ProfilesCommand {
    /// List saved profiles: name, URL, environments, missing secrets, last verdict.
    List {
        /// One JSON object per profile instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one profile (secrets as "set" or "not set", never their values).
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Import profiles from a shared file, or one from a pasted curl/wscat/websocat command or a HAR file.
    Import {
        /// A profiles file (an export, `-` for stdin). A profile with an id already saved is updated.
        #[arg(required_unless_present_any = ["command", "har"])]
        file: Option<PathBuf>,
        /// A curl, wscat or websocat command line, as pasted from a ticket.
        #[arg(long, value_name = "LINE", conflicts_with_all = ["file", "har"])]
        command: Option<String>,
        /// A HAR file holding the WebSocket request (DevTools → Network → Save all as HAR).
        #[arg(long, value_name = "FILE", conflicts_with = "file")]
        har: Option<PathBuf>,
        /// The new profile's name (default: the URL's host).
        #[arg(long)]
        name: Option<String>,
    },
    /// Export profiles (all when none is named) as JSON without their secrets.
    Export {
        names: Vec<String>,
        /// Write to this file (whole or not at all) instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Delete a profile and its secrets in the keyring.
    Delete { name: String },
    /// Set (from stdin) or clear one of a profile's secrets in the OS keyring.
    Secret {
        name: String,
        /// A header marked secret.
        #[arg(long, value_name = "NAME", group = "slot")]
        header: Option<String>,
        /// A secret variable (with --env).
        #[arg(long, value_name = "NAME", group = "slot", requires = "env")]
        var: Option<String>,
        /// The proxy's `user:password`.
        #[arg(long, group = "slot")]
        proxy: bool,
        /// The client key's passphrase.
        #[arg(long, group = "slot")]
        key_passphrase: bool,
        /// The auth payload (a JSON object, as Socket.IO's `auth`).
        #[arg(long, group = "slot")]
        auth: bool,
        /// The environment of --var.
        #[arg(long, value_name = "NAME")]
        env: Option<String>,
        /// Remove the secret instead of setting it.
        #[arg(long)]
        clear: bool,
    },
}

pub fn run(args: ProfilesArgs) -> Result<ExitCode> {
    let store = ProfileStore::open_default()?;
    match args.command {
        ProfilesCommand::List { json } => list(&store, json),
        ProfilesCommand::Show { name, json } => show(&store, &name, json),
        ProfilesCommand::Import {
            file,
            command,
            har,
            name,
        } => import_into(&store, file, command, har, name.unwrap_or_default()),
        ProfilesCommand::Export { names, output } => export(&store, &names, output),
        ProfilesCommand::Delete { name } => {
            let profile = store.find(&name)?;
            store.delete(&profile.id)?;
            let purged = purge_secrets(&Vault::os(), &profile);
            println!("deleted profile `{}`", profile.name);
            if let Err(error) = purged {
                eprintln!("wsdoctor: its secrets could not be removed from the keyring: {error}");
            }
            Ok(ExitCode::SUCCESS)
        }
        ProfilesCommand::Secret {
            name,
            header,
            var,
            proxy,
            key_passphrase,
            auth,
            env,
            clear,
        } => {
            let profile = store.find(&name)?;
            let slot = match (header, var) {
                (Some(name), _) => SecretSlot::Header { name },
                (_, Some(name)) => SecretSlot::Variable {
                    environment: env.unwrap_or_default(),
                    name,
                },
                _ if proxy => SecretSlot::ProxyCredentials,
                _ if key_passphrase => SecretSlot::KeyPassphrase,
                _ if auth => SecretSlot::Auth,
                _ => {
                    return Err(Error::InvalidInput(
                        "say which secret: --header NAME, --var NAME --env ENV, --proxy, \
                         --key-passphrase or --auth"
                            .into(),
                    ));
                }
            };
            if !profile.secret_slots().contains(&slot) {
                return Err(Error::NotFound(format!(
                    "profile `{}` has no secret {} (it has: {})",
                    profile.name,
                    slot.label(),
                    labels(&profile)
                )));
            }
            let vault = Vault::os();
            let key = slot.key(&profile.id);
            if clear {
                vault.clear(&key)?;
                println!("cleared the {} of `{}`", slot.label(), profile.name);
            } else {
                let value = read_secret(&slot)?;
                vault.set(&key, &value, false)?;
                println!(
                    "saved the {} of `{}` in the keyring",
                    slot.label(),
                    profile.name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn labels(profile: &Profile) -> String {
    let labels: Vec<String> = profile
        .secret_slots()
        .iter()
        .map(SecretSlot::label)
        .collect();
    if labels.is_empty() {
        "none".into()
    } else {
        labels.join(", ")
    }
}

/// One secret from stdin: a line typed at a prompt, or everything piped in (one trailing newline removed).
fn read_secret(slot: &SecretSlot) -> Result<Sensitive<String>> {
    let stdin = std::io::stdin();
    let mut text = String::new();
    if stdin.is_terminal() {
        eprint!(
            "value of the {} (input is shown; pipe it in to keep it off screen): ",
            slot.label()
        );
        let _ = std::io::stderr().flush();
        stdin.read_line(&mut text)
    } else {
        stdin.lock().read_to_string(&mut text)
    }
    .map_err(|e| Error::Io {
        context: "cannot read the secret from stdin".into(),
        source: e,
    })?;
    let value = text.strip_suffix('\n').unwrap_or(&text);
    let value = value.strip_suffix('\r').unwrap_or(value);
    if value.is_empty() {
        return Err(Error::InvalidInput(
            "no value on stdin (use --clear to remove a secret)".into(),
        ));
    }
    Ok(Sensitive::new(value.to_string()))
}

/// A line per secret: its label and whether it is set.
fn secret_states(vault: &Vault, profile: &Profile) -> Vec<(String, SecretState)> {
    profile
        .secret_slots()
        .iter()
        .map(|slot| (slot.label(), vault.state(&slot.key(&profile.id))))
        .collect()
}

fn state_word(state: SecretState) -> &'static str {
    match state {
        SecretState::Saved => "set",
        SecretState::Session => "set for this session",
        SecretState::NotSet => "not set",
        SecretState::Unknown => "unknown (no keyring)",
    }
}

fn list(store: &ProfileStore, json: bool) -> Result<ExitCode> {
    let loaded = store.load()?;
    for problem in &loaded.problems {
        eprintln!("wsdoctor: {problem}");
    }
    let vault = Vault::os();
    let mut out = std::io::stdout().lock();
    let write = |out: &mut std::io::StdoutLock<'_>, line: String| {
        writeln!(out, "{line}").map_err(|e| Error::Io {
            context: "cannot write to stdout".into(),
            source: e,
        })
    };
    if !json && loaded.profiles.is_empty() {
        eprintln!(
            "no saved profiles in {} (import one: wsdoctor profiles import --command '...')",
            store.dir().display()
        );
    }
    for profile in &loaded.profiles {
        let states = secret_states(&vault, profile);
        let missing = states
            .iter()
            .filter(|(_, s)| matches!(s, SecretState::NotSet))
            .count();
        let last = profile.last_runs.first();
        if json {
            let line = serde_json::json!({
                "id": profile.id,
                "name": profile.name,
                "url": profile.target.request.url,
                "tags": profile.tags,
                "environments": profile.environments.iter().map(|e| &e.name).collect::<Vec<_>>(),
                "secretsMissing": missing,
                "lastVerdict": last.map(|r| r.verdict.word()),
            });
            write(&mut out, line.to_string())?;
        } else {
            let envs: Vec<&str> = profile
                .environments
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            write(
                &mut out,
                format!(
                    "{:<24} {:<40} {}{}{}{}",
                    profile.name,
                    profile.target.request.url,
                    if envs.is_empty() {
                        String::new()
                    } else {
                        format!("[{}] ", envs.join(", "))
                    },
                    if profile.tags.is_empty() {
                        String::new()
                    } else {
                        format!("#{} ", profile.tags.join(" #"))
                    },
                    if missing > 0 {
                        format!("({missing} secret(s) not set) ")
                    } else {
                        String::new()
                    },
                    last.map(|r| format!("last: {}", r.verdict.word()))
                        .unwrap_or_default(),
                ),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(store: &ProfileStore, name: &str, json: bool) -> Result<ExitCode> {
    let profile = store.find(name)?;
    let vault = Vault::os();
    let states = secret_states(&vault, &profile);
    if json {
        let mut value = serde_json::to_value(&profile)
            .map_err(|e| Error::InvalidInput(format!("cannot encode the profile: {e}")))?;
        value["secrets"] = states
            .iter()
            .map(|(label, state)| serde_json::json!({"secret": label, "state": state_word(*state)}))
            .collect();
        println!("{value:#}");
        return Ok(ExitCode::SUCCESS);
    }
    let t = &profile.target;
    println!("{} ({})", profile.name, profile.id);
    if !profile.notes.is_empty() {
        println!("  notes: {}", profile.notes);
    }
    if !profile.tags.is_empty() {
        println!("  tags: {}", profile.tags.join(", "));
    }
    println!("  url: {}", t.request.url);
    for (label, value) in [
        ("origin", &t.request.origin),
        ("page url", &t.request.page_url),
        ("ca file", &t.request.ca_file),
        ("proxy", &t.request.proxy),
        ("direct", &t.request.direct),
    ] {
        if let Some(value) = value {
            println!("  {label}: {value}");
        }
    }
    if t.request.insecure {
        println!("  insecure: certificate errors are passed over");
    }
    for header in &t.request.headers {
        let value = if header.secret {
            "(secret)"
        } else {
            header.value.as_str()
        };
        println!("  header {}: {value}", header.name);
    }
    if !t.request.subprotocols.is_empty() {
        println!("  subprotocols: {}", t.request.subprotocols.join(", "));
    }
    for env in &profile.environments {
        let active = profile.active_environment.as_deref() == Some(env.name.as_str());
        let values: Vec<String> = profile
            .variables
            .iter()
            .map(|v| match env.values.get(&v.name) {
                _ if v.secret => format!("{}=(secret)", v.name),
                Some(value) => format!("{}={value}", v.name),
                None => format!("{}=(no value)", v.name),
            })
            .collect();
        println!(
            "  environment {}{}: {}",
            env.name,
            if active { " (active)" } else { "" },
            values.join(" ")
        );
    }
    for (label, state) in &states {
        println!("  secret {label}: {}", state_word(*state));
    }
    for run in &profile.last_runs {
        println!("  run: {} — {}", run.verdict.word(), run.summary);
    }
    Ok(ExitCode::SUCCESS)
}

fn read_input(path: &std::path::Path) -> Result<String> {
    let max = wsdoctor_core::input_file::MAX_IMPORT_BYTES;
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(max + 1)
            .read_to_string(&mut text)
            .map_err(|e| Error::Io {
                context: "cannot read stdin".into(),
                source: e,
            })?;
        if text.len() as u64 > max {
            return Err(Error::InvalidInput(format!(
                "stdin holds more than {} (the most WS Doctor imports)",
                wsdoctor_core::input_file::size_words(max)
            )));
        }
        return Ok(text);
    }
    wsdoctor_core::input_file::read_text_capped(path, max, "file to import")
        .map_err(Error::InvalidInput)
}

fn import_into(
    store: &ProfileStore,
    file: Option<PathBuf>,
    command: Option<String>,
    har: Option<PathBuf>,
    name: String,
) -> Result<ExitCode> {
    let imported: Imported = match (command, har, file) {
        (Some(line), _, _) => import::from_command(&line, &name)?,
        (_, Some(har), _) => import::from_har(&read_input(&har)?, &name)?,
        (_, _, Some(file)) => {
            let vault = Vault::os();
            for profile in transfer::import(&read_input(&file)?)? {
                let (saved, dropped) = store.save_imported(&profile, &vault)?;
                if let Some(dropped) = dropped {
                    eprintln!("`{}`: {dropped}", saved.name);
                }
                let needs = labels(&saved);
                println!(
                    "imported `{}`{}",
                    saved.name,
                    if saved.secret_slots().is_empty() {
                        String::new()
                    } else {
                        format!(" (needs secret: {needs}; set with `wsdoctor profiles secret`)")
                    }
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        (None, None, None) => {
            return Err(Error::InvalidInput(
                "give a file, --command or --har".into(),
            ));
        }
    };
    let saved = store.save(&imported.profile)?;
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    println!("imported `{}` ({})", saved.name, saved.target.request.url);
    if let Err(error) = save_secrets(&Vault::os(), &saved, &imported.secrets, false) {
        eprintln!(
            "wsdoctor: the profile was saved without its secrets ({}): {error}",
            labels(&saved)
        );
        return Ok(ExitCode::from(1));
    }
    if !imported.secrets.is_empty() {
        println!(
            "saved {} secret(s) in the OS keyring",
            imported.secrets.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn export(store: &ProfileStore, names: &[String], output: Option<PathBuf>) -> Result<ExitCode> {
    let profiles = if names.is_empty() {
        store.load()?.profiles
    } else {
        names.iter().map(|n| store.find(n)).collect::<Result<_>>()?
    };
    let text = transfer::export(&profiles)?;
    match output {
        Some(path) => {
            write_atomically(&path, text.as_bytes())?;
            eprintln!(
                "exported {} profile(s) to {}",
                profiles.len(),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
