//! The Framework item of a plain WebSocket target: what the server's first text message and the URL say
//! of a framework behind it. An Engine.IO open packet means a plain client met a Socket.IO server (a
//! finding); Phoenix, ActionCable and SignalR, recognised from the URL or the first message, are named
//! with what their own first exchange showed and what a plain check cannot see.

use std::time::Duration;

use crate::framework::recognised::{Answer, Recognised};
use crate::report::{CheckStatus, Evidence, Recorder};

use crate::check::items;

/// Records the item from the server's first text message and the framework the URL pointed at.
pub(in crate::check) fn record(
    rec: &mut Recorder,
    first_text: Option<&str>,
    from_url: Option<(Recognised, String)>,
    waited: Duration,
) {
    let step = rec.begin(&items::FRAMEWORK);
    if let Some(text) = first_text.filter(|t| t.starts_with("0{") && t.contains("\"sid\"")) {
        rec.diagnose(
            "socketio.detected",
            vec![Evidence::new("First frame from the server", text)],
        );
        return rec.finish(
            step,
            CheckStatus::Warn,
            "The server sent an Engine.IO open packet: it speaks Socket.IO.",
        );
    }
    let Some((framework, why)) =
        from_url.or_else(|| first_text.and_then(Recognised::from_first_text))
    else {
        return rec.finish(
            step,
            CheckStatus::Pass,
            "No framework recognised in the URL or the first message: a plain WebSocket server.",
        );
    };
    let name = framework.name();
    let texts: Vec<String> = first_text.map(str::to_string).into_iter().collect();
    let answer = framework.judge(&texts);
    let mut evidence = vec![Evidence::new("Recognised", format!("{name}: {why}"))];
    if let Some(text) = first_text {
        evidence.push(Evidence::new("First message from the server", text));
    }
    let (status, summary) = match &answer {
        Answer::Spoken(how) => (
            CheckStatus::Info,
            format!("{name}: {how}. Channels, subscriptions and hub methods were not checked."),
        ),
        Answer::Refused(said) => {
            evidence.push(Evidence::new("Refused", said.clone()));
            (
                CheckStatus::Fail,
                format!("{name} refused the client: {said}."),
            )
        }
        Answer::Silent => (
            CheckStatus::Info,
            format!(
                "{name}: no answer of the framework's within {} ms; only the WebSocket layers were checked.",
                waited.as_millis()
            ),
        ),
    };
    let code = match answer {
        Answer::Refused(_) => framework.refusal_code(),
        _ => framework.code(),
    };
    rec.diagnose(code, evidence.clone());
    let mut step = step;
    step.evidence.extend(evidence);
    rec.finish(step, status, summary);
}
