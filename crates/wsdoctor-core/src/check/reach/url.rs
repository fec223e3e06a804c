//! The first checklist item: the URL itself. A URL that cannot be reached as a WebSocket ends the check
//! here; an `http(s)://` one is taken as `ws(s)://` and said so; a `ws://` socket opened from an
//! `https://` page is the mixed content browsers block.

use crate::check::{CheckOptions, items, skip_after};
use crate::net::Target;
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence};
use crate::target::RunPlan;

/// Records the URL item; `None` when the URL is not usable (the items after it are skipped).
pub(in crate::check) fn record(
    rec: &mut Recorder,
    options: &CheckOptions,
    run: &RunPlan,
) -> Option<Target> {
    let step = rec.begin(&items::URL);
    let target = match run.target.as_ref()? {
        Ok(target) => target.clone(),
        Err(error) => {
            let message = error.to_string();
            rec.diagnose(
                "url.invalid",
                vec![Evidence::new("URL", options.url.clone())],
            );
            rec.finish(step, CheckStatus::Fail, message);
            skip_after(rec, items::URL, "the URL is not valid");
            return None;
        }
    };
    let mut status = CheckStatus::Pass;
    let mut notes = String::new();
    let given_scheme = options
        .url
        .trim()
        .split("://")
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    // Socket.IO's io() and SockJS take http(s) URLs: that is no mistake there.
    let takes_http = match run.protocol {
        crate::framework::Protocol::Socketio => Some("as Socket.IO's io() takes it"),
        crate::framework::Protocol::Sockjs => Some("as new SockJS() takes it"),
        _ if run.inside_sockjs => Some("as new SockJS() takes it: STOMP goes inside SockJS"),
        _ => None,
    };
    let http_given = given_scheme == "http" || given_scheme == "https";
    if let (true, Some(how)) = (http_given, takes_http) {
        notes.push_str(&format!(" {given_scheme}://, {how}."));
    } else if http_given {
        rec.diagnose(
            "url.http_scheme",
            vec![Evidence::new(
                "URL",
                format!("{} was tried as {}", options.url, target.url),
            )],
        );
        status = CheckStatus::Info;
        notes.push_str(&format!(
            " {given_scheme}:// was taken as {}://.",
            target.url.scheme()
        ));
    }
    if let Some(page) = &options.page_url
        && page.trim().to_ascii_lowercase().starts_with("https://")
        && !target.secure
    {
        rec.diagnose(
            "url.mixed_content",
            vec![Evidence::new(
                "Page and socket",
                format!("page {page} opens {}", target.url),
            )],
        );
        status = CheckStatus::Fail;
        notes.push_str(" Browsers block ws:// from an https:// page.");
    }
    rec.finish(
        step,
        status,
        format!(
            "{} (host {}, port {}, path {}).{notes}",
            target.url,
            target.host,
            target.port,
            target.url.path()
        ),
    );
    Some(target)
}
