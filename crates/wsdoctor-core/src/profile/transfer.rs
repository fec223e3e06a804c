//! Profiles as files to share: a team's set in git, one profile sent to a colleague. An export holds no
//! secret: each secret field is listed under `needsSecret`, for whoever imports it to fill in.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::migrate::migrate;
use super::model::Profile;
use crate::{Error, Result};

/// The `format` an export declares.
pub const EXPORT_FORMAT: &str = "wsdoctor-profiles";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportFile {
    format: String,
    profiles: Vec<Value>,
}

/// The JSON of an export of `profiles`: their settings without secret values or run history.
pub fn export(profiles: &[Profile]) -> Result<String> {
    let mut out = Vec::new();
    for profile in profiles {
        let mut profile = profile.clone();
        profile.scrub();
        profile.last_runs.clear();
        let needs: Vec<String> = profile.secret_slots().iter().map(|s| s.label()).collect();
        let mut value = serde_json::to_value(&profile)
            .map_err(|e| Error::InvalidInput(format!("cannot encode `{}`: {e}", profile.name)))?;
        if let Some(object) = value.as_object_mut() {
            object.insert("needsSecret".into(), Value::from(needs));
        }
        out.push(value);
    }
    let file = ExportFile {
        format: EXPORT_FORMAT.into(),
        profiles: out,
    };
    serde_json::to_string_pretty(&file)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| Error::InvalidInput(format!("cannot encode the export: {e}")))
}

/// Profiles from a shared file: an export, a single profile, or an array of profiles (older schemas are
/// migrated). Secret fields come back empty, to be set by the importer.
pub fn import(text: &str) -> Result<Vec<Profile>> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Error::InvalidInput(format!("not a profiles file (not JSON: {e})")))?;
    let items = match value {
        Value::Object(ref o) if o.get("format").and_then(Value::as_str) == Some(EXPORT_FORMAT) => o
            .get("profiles")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        Value::Array(items) => items,
        Value::Object(_) => vec![value],
        _ => return Err(Error::InvalidInput("not a profiles file".into())),
    };
    let mut profiles = Vec::new();
    for (i, mut item) in items.into_iter().enumerate() {
        if let Some(o) = item.as_object_mut() {
            o.remove("needsSecret");
            o.entry("id").or_insert_with(|| Value::from(""));
        }
        let mut profile: Profile = migrate(item)
            .and_then(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
            .map_err(|e| Error::InvalidInput(format!("profile {} of the file: {e}", i + 1)))?;
        if profile.name.trim().is_empty() {
            return Err(Error::InvalidInput(format!(
                "profile {} of the file has no name",
                i + 1
            )));
        }
        profile.scrub();
        profiles.push(profile);
    }
    if profiles.is_empty() {
        return Err(Error::InvalidInput("the file holds no profile".into()));
    }
    Ok(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::model::ProfileTarget;
    use crate::target::{HeaderInput, TargetRequest};

    #[test]
    fn an_export_lists_what_needs_a_secret_and_reads_back() {
        let profile = Profile {
            id: "p-1".into(),
            name: "prod".into(),
            target: ProfileTarget {
                request: TargetRequest {
                    url: "wss://x/".into(),
                    headers: vec![HeaderInput {
                        name: "Authorization".into(),
                        // A value typed into a secret field never reaches the export.
                        value: "Bearer leaked".into(),
                        secret: true,
                    }],
                    ..TargetRequest::default()
                },
                ..ProfileTarget::default()
            },
            ..Profile::default()
        };
        let text = export(std::slice::from_ref(&profile)).unwrap();
        assert!(!text.contains("leaked"), "{text}");
        assert!(
            text.contains("\"needsSecret\": [\n        \"header Authorization\""),
            "{text}"
        );
        let back = import(&text).unwrap();
        assert_eq!(back[0].name, "prod");
        assert_eq!(back[0].id, "p-1");
        assert!(back[0].target.request.headers[0].secret);
        assert!(import("[]").unwrap_err().to_string().contains("no profile"));
        assert!(import("[{\"id\": \"x\"}]").is_err());
    }
}
