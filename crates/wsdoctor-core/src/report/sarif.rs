//! The report's static findings as SARIF 2.1.0, the format code-scanning views (GitHub, GitLab, Azure
//! DevOps, IDEs) read: one result per place a cause was read in a proxy configuration or the frontend and
//! Electron code, at its file and line. What live probes saw has no line in a file and is left to the
//! other formats (JUnit for a CI gate).
//!
//! Paths of a scanned project are given relative to it (`uriBaseId` `PROJECTROOT`, the folder as an
//! absolute `file://` URI), so a code-scanning view maps them onto the repository; a configuration read
//! elsewhere (`/etc/nginx/…`) keeps its absolute URI.

use std::path::Path;

use serde_json::{Value, json};
use url::Url;

use super::{Diagnosis, Report, SourceLocation};
use crate::catalog::Severity;

/// The SARIF version written and the schema it follows.
const VERSION: &str = "2.1.0";
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base the relative paths of a scanned project hang from.
const PROJECT_ROOT: &str = "PROJECTROOT";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(diagnosis: &Diagnosis) -> Value {
    let mut help = diagnosis.fix.clone();
    if let Some(snippet) = &diagnosis.snippet {
        help.push_str("\n\n");
        help.push_str(snippet);
    }
    json!({
        "id": diagnosis.code,
        "shortDescription": { "text": diagnosis.title },
        "fullDescription": { "text": diagnosis.explanation },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(diagnosis.severity) },
        "properties": { "tags": [diagnosis.section.title()] },
    })
}

/// The artifact location of `location`: relative to the project base when it has a root, else an
/// absolute `file://` URI, else the path as given.
fn artifact(location: &SourceLocation) -> Value {
    if let Some(root) = &location.root
        && let (Ok(base), Ok(full)) = (
            Url::from_directory_path(root),
            Url::from_file_path(Path::new(root).join(&location.file)),
        )
        && let Some(relative) = base.make_relative(&full)
    {
        return json!({ "uri": relative, "uriBaseId": PROJECT_ROOT });
    }
    match Url::from_file_path(&location.file) {
        Ok(url) => json!({ "uri": url.as_str() }),
        Err(()) => json!({ "uri": location.file.replace('\\', "/") }),
    }
}

/// The report's static findings as a SARIF log (scrubbed like every other renderer's output).
pub fn sarif(report: &Report) -> String {
    let report = &report.scrubbed();
    let located: Vec<&Diagnosis> = report
        .diagnoses
        .iter()
        .filter(|d| !d.locations.is_empty())
        .collect();
    let mut results = Vec::new();
    for (index, diagnosis) in located.iter().enumerate() {
        for location in &diagnosis.locations {
            results.push(json!({
                "ruleId": diagnosis.code,
                "ruleIndex": index,
                "level": level(diagnosis.severity),
                // The fix, with its snippet, is the rule's help: a view shows it beside the line.
                "message": { "text": format!("{} ({}).", diagnosis.title, diagnosis.code) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact(location),
                        "region": { "startLine": location.line.max(1) },
                    }
                }],
            }));
        }
    }
    let mut run = json!({
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                // Where the tool is documented: the workspace's `repository` (Cargo.toml).
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": located.iter().map(|d| rule(d)).collect::<Vec<_>>(),
            }
        },
        "invocations": [{ "executionSuccessful": true, "startTimeUtc": report.started_at }],
        "results": results,
    });
    let root = located
        .iter()
        .flat_map(|d| &d.locations)
        .find_map(|l| l.root.as_deref())
        .and_then(|root| Url::from_directory_path(root).ok());
    if let Some(root) = root {
        run["originalUriBaseIds"] = json!({ PROJECT_ROOT: { "uri": root.as_str() } });
    }
    let log = json!({ "$schema": SCHEMA, "version": VERSION, "runs": [run] });
    serde_json::to_string_pretty(&log).expect("a SARIF log always serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_file_is_relative_to_its_root_and_a_config_absolute() {
        let in_project = SourceLocation {
            root: Some("/home/me/web app".into()),
            ..SourceLocation::new("src/sock et.js", 12)
        };
        assert_eq!(
            artifact(&in_project),
            json!({ "uri": "src/sock%20et.js", "uriBaseId": "PROJECTROOT" })
        );
        let config = SourceLocation::new("/etc/nginx/sites-enabled/app", 3);
        assert_eq!(
            artifact(&config),
            json!({ "uri": "file:///etc/nginx/sites-enabled/app" })
        );
        let relative = SourceLocation::new("conf/nginx.conf", 3);
        assert_eq!(artifact(&relative), json!({ "uri": "conf/nginx.conf" }));
    }
}
