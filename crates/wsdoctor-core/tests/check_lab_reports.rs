//! The check's run and its report against the built-in lab: what a rendered report carries (and never
//! carries: secrets), progress for every planned check, a broken run's accounting, one section alone, any
//! worker thread.

mod support;

use support::{codes, options, run};

use std::time::Duration;

use wsdoctor_core::check::{CheckEvent, CheckOptions, run_check};
use wsdoctor_core::lab::{Lab, LabConfig};
use wsdoctor_core::report::{self, Report};

const TEST_LIMIT: Duration = Duration::from_secs(30);

async fn lab() -> Lab {
    Lab::start(LabConfig::default()).await.expect("lab starts")
}

async fn check(options: CheckOptions) -> Report {
    run(&options, TEST_LIMIT).await
}

#[tokio::test]
async fn secrets_never_reach_a_rendered_report() {
    let lab = lab().await;
    let mut options = options(format!(
        "{}?room=1&access_token=query-secret-42",
        lab.url("/auth")
    ));
    options.headers = vec![
        ("Authorization".into(), "Bearer header-secret-42".into()),
        ("X-Tenant".into(), "tenant-secret-42".into()),
    ];
    options.secret_headers = vec!["x-tenant".into()];
    let report = check(options).await;
    // The three given, and the token the lab's 401 body quotes in an `Authorization: Bearer` line.
    assert_eq!(report.redactions, 4, "{:?}", report.redacted);
    for rendered in [
        report.to_json(),
        report::markdown(&report),
        report::html(&report),
    ] {
        for secret in [
            "query-secret-42",
            "header-secret-42",
            "tenant-secret-42",
            "lab-token",
        ] {
            assert!(!rendered.contains(secret), "{secret} leaked");
        }
        assert!(rendered.contains("[REDACTED]"));
    }
}

#[tokio::test]
async fn renderers_carry_the_verdict_causes_checks_and_handshake() {
    let lab = lab().await;
    let report = check(options(lab.url("/close-1011"))).await;
    let md = report::markdown(&report);
    assert!(md.starts_with("# WS Doctor report\n\n**Broken: The server closed with an error code (close.server_error)**"));
    assert!(
        md.contains("## Causes")
            && md.contains("## Checks")
            && md.contains("| Section | Check | Status |")
    );
    assert!(md.contains("## Raw handshake") && md.contains("```http\nGET /close-1011 HTTP/1.1"));
    assert!(md.contains("**Next steps:**"));

    let html = report::html(&report);
    assert!(html.starts_with("<!doctype html>"));
    assert!(
        !html.contains("<script") && !html.contains("<link") && !html.contains("src="),
        "self-contained"
    );
    assert!(html.contains("close.server_error"));

    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["verdict"], "broken");
    assert_eq!(json["tool"]["name"], "wsdoctor");
    assert_eq!(json["diagnoses"][0]["code"], "close.server_error");
    assert_eq!(json["diagnoses"][0]["severity"], "error");
    assert!(
        json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["durationMs"].is_u64())
    );
}

#[tokio::test]
async fn progress_is_reported_for_every_check() {
    let lab = lab().await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let report = run_check(&options(lab.url("/echo")), Some(tx))
        .await
        .unwrap();
    let mut running = 0;
    let mut finished = 0;
    let mut planned = Vec::new();
    while let Ok(event) = rx.try_recv() {
        match event {
            CheckEvent::Planned { checks } => planned = checks,
            CheckEvent::Running { .. } => running += 1,
            CheckEvent::Finished { .. } => finished += 1,
            CheckEvent::Diagnosed { .. } => {}
        }
    }
    assert_eq!(finished, report.checks.len());
    assert_eq!(running, report.checks.len());
    let planned: Vec<String> = planned.into_iter().map(|p| p.id).collect();
    let ran: Vec<String> = report.checks.iter().map(|c| c.id.clone()).collect();
    assert_eq!(planned, ran, "the plan announced up front is what ran");
}

#[tokio::test]
async fn a_broken_run_still_accounts_for_every_planned_check() {
    let lab = lab().await;
    let options = options(lab.url("/http"));
    let planned: Vec<String> = wsdoctor_core::check::plan(&options)
        .into_iter()
        .map(|p| p.id)
        .collect();
    let report = run_check(&options, None).await.unwrap();
    let ran: Vec<String> = report.checks.iter().map(|c| c.id.clone()).collect();
    assert_eq!(planned, ran);

    // Through a proxy whose name does not resolve, and one that refuses the connection: the proxy item
    // is planned, and accounted for as skipped.
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    for proxy in [
        "http://proxy.invalid:3128".to_string(),
        format!("http://{refused}"),
    ] {
        let mut proxied = self::options(lab.url("/echo"));
        proxied.proxy = Some(proxy.clone());
        let options = proxied;
        let planned: Vec<String> = wsdoctor_core::check::plan(&options)
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert!(planned.contains(&"proxy".to_string()), "{planned:?}");
        let report = run_check(&options, None).await.unwrap();
        let ran: Vec<String> = report.checks.iter().map(|c| c.id.clone()).collect();
        assert_eq!(planned, ran, "{proxy}");
    }
}

#[tokio::test]
async fn a_section_can_be_run_alone() {
    let lab = lab().await;
    let mut options = options(lab.url("/close-1011"));
    options.sections = Some(vec![wsdoctor_core::report::Section::DebuggingDetails]);
    let report = check(options).await;
    assert!(
        report
            .checks
            .iter()
            .all(|c| c.section == wsdoctor_core::report::Section::DebuggingDetails)
    );
    assert_eq!(codes(&report), ["close.server_error"]);
}

/// Front ends run checks on a multi-threaded runtime (`tokio::spawn`): the future must be `Send`.
#[test]
fn a_check_can_run_on_any_worker_thread() {
    fn assert_send<T: Send>(_: &T) {}
    let options = CheckOptions::default();
    assert_send(&run_check(&options, None));
}
