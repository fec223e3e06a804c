//! `wsdoctor check --format sarif`: the static findings of a real nginx config and frontend and Electron
//! projects as SARIF, each at its file and line, checked by Microsoft's SARIF validator (the
//! `@microsoft/sarif-multitool` npm package `make test` installs in tests/servers).

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_wsdoctor");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn wsdoctor(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(repo())
        .output()
        .expect("wsdoctor runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The validator's errors and warnings on `log` (its output: `FILE(LINE,COL): error|warning CODE: …`).
fn validate(log: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("wsdoctor-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wsdoctor.sarif");
    std::fs::write(&file, log).unwrap();
    let tool = repo().join("tests/servers/node_modules/.bin/sarif-multitool");
    assert!(
        tool.exists(),
        "no SARIF validator at {} (run make deps-test)",
        tool.display()
    );
    let output = Command::new("timeout")
        .arg("120")
        .arg(&tool)
        .args(["validate", "--log", "ForceOverwrite", "-o"])
        .arg(dir.join("validation.sarif"))
        .arg(&file)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .expect("the SARIF validator runs");
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "the validator failed:\n{said}");
    said.lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .map(str::to_string)
        .collect()
}

#[test]
fn static_findings_are_valid_sarif_at_their_file_and_line() {
    let (code, stdout, stderr) = wsdoctor(&[
        "check",
        "--proxy-config",
        "tests/fixtures/nginx/bad",
        "--project",
        "tests/fixtures/projects/frontend-bad",
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let log: serde_json::Value = serde_json::from_str(&stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();

    // The nginx location without upgrade headers, at the line of its `location` block.
    let nginx = results
        .iter()
        .find(|r| r["ruleId"] == "config.nginx_no_upgrade")
        .unwrap_or_else(|| panic!("no nginx finding in {stdout}"));
    let at = &nginx["locations"][0]["physicalLocation"];
    assert_eq!(
        at["artifactLocation"]["uri"],
        "tests/fixtures/nginx/bad/nginx.conf"
    );
    let line = at["region"]["startLine"].as_u64().unwrap() as usize;
    let config =
        std::fs::read_to_string(repo().join("tests/fixtures/nginx/bad/nginx.conf")).unwrap();
    assert!(
        config
            .lines()
            .nth(line - 1)
            .unwrap()
            .trim_start()
            .starts_with("location"),
        "line {line} is not a location block"
    );
    assert_eq!(nginx["level"], "error");

    // The frontend's hard-coded dev URL, relative to the project (whose folder is the base URI).
    let frontend = results
        .iter()
        .find(|r| r["ruleId"] == "frontend.hardcoded_url")
        .unwrap_or_else(|| panic!("no frontend finding in {stdout}"));
    let at = &frontend["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], "src/chat.js");
    assert_eq!(at["artifactLocation"]["uriBaseId"], "PROJECTROOT");
    assert_eq!(at["region"]["startLine"], 2);
    let base = run["originalUriBaseIds"]["PROJECTROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with("/tests/fixtures/projects/frontend-bad/"),
        "{base}"
    );

    // Each result's rule is described, with the fix as its help; no live-probe cause is listed.
    for result in results {
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }
    assert!(results.iter().all(|r| {
        let id = r["ruleId"].as_str().unwrap();
        id.starts_with("config.") || id.starts_with("frontend.")
    }));

    let problems = validate(&stdout);
    assert!(
        problems.is_empty(),
        "the SARIF validator objects:\n{}",
        problems.join("\n")
    );
}

#[test]
fn electron_findings_and_an_output_file_named_sarif() {
    let dir = std::env::temp_dir().join(format!("wsdoctor-sarif-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scan.sarif");
    let (code, _, stderr) = wsdoctor(&[
        "check",
        "--project",
        "tests/fixtures/projects/electron-bad",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).expect("SARIF is JSON");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let sandbox = results
        .iter()
        .find(|r| r["ruleId"] == "electron.sandbox_off")
        .expect("the sandbox finding");
    let at = &sandbox["locations"][0]["physicalLocation"];
    let source = std::fs::read_to_string(
        repo()
            .join("tests/fixtures/projects/electron-bad")
            .join(at["artifactLocation"]["uri"].as_str().unwrap()),
    )
    .unwrap();
    let line = at["region"]["startLine"].as_u64().unwrap() as usize;
    assert!(
        source.lines().nth(line - 1).unwrap().contains("sandbox"),
        "line {line}"
    );

    // A clean project gives a valid log with no result.
    let (code, stdout, _) = wsdoctor(&[
        "check",
        "--project",
        "tests/fixtures/projects/electron-good",
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 0);
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
    let _ = std::fs::remove_dir_all(dir);
}
