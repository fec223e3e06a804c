//! The STOMP item: after the upgrade, a CONNECT frame (accept-version 1.0–1.2, the virtual host, a
//! heart-beat, and the login and passcode from the auth payload) must be answered CONNECTED; an ERROR
//! frame is quoted (its `message` header and body) and named.

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::{CheckOptions, framework_socket};
use crate::net::Stream;
use crate::report::{CheckStatus, Evidence, Recorder, Step};

/// A STOMP frame's command and headers (the body follows the blank line).
struct Frame {
    command: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Frame {
    fn parse(text: &str) -> Option<Frame> {
        let text = text
            .trim_start_matches(['\n', '\r'])
            .trim_end_matches(['\0', '\n', '\r']);
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut lines = head.lines();
        let command = lines.next()?.trim().to_string();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Some(Frame {
            command,
            headers,
            body: body.trim_end_matches('\0').trim().to_string(),
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The CONNECT frame, with the login from the auth payload (`{"login", "passcode", "host"}`).
fn connect_frame(auth: Option<&Value>) -> String {
    let field = |name: &str| auth.and_then(|a| a.get(name)).and_then(Value::as_str);
    let mut frame = format!(
        "CONNECT\naccept-version:1.0,1.1,1.2\nhost:{}\nheart-beat:10000,10000\n",
        field("host").unwrap_or("/")
    );
    if let Some(login) = field("login") {
        frame.push_str(&format!("login:{login}\n"));
    }
    if let Some(passcode) = field("passcode") {
        frame.push_str(&format!("passcode:{passcode}\n"));
    }
    frame.push_str("\n\0");
    frame
}

/// Sends CONNECT and records the broker's answer.
pub(super) async fn speak(
    rec: &mut Recorder,
    options: &CheckOptions,
    mut step: Step,
    mut ws: WebSocketStream<Stream>,
) {
    let auth = framework_socket::auth(options);
    step.evidence.push(Evidence::new(
        "Sent",
        if auth.is_some() {
            "CONNECT (accept-version 1.0,1.1,1.2, heart-beat 10000,10000) with the login from the auth payload"
        } else {
            "CONNECT (accept-version 1.0,1.1,1.2, heart-beat 10000,10000), no login"
        },
    ));
    let deadline = tokio::time::Instant::now() + options.handshake_timeout;
    let sent = tokio::time::timeout_at(
        deadline,
        ws.send(Message::text(connect_frame(auth.as_ref()))),
    )
    .await;
    if !matches!(sent, Ok(Ok(()))) {
        rec.finish(step, CheckStatus::Fail, "CONNECT could not be sent.");
        return;
    }
    let answer = loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => match Frame::parse(text.as_str()) {
                // A heart-beat is a lone newline.
                None => {}
                Some(frame) => break Some(frame),
            },
            Ok(Some(Ok(Message::Binary(data)))) => {
                if let Some(frame) = Frame::parse(&String::from_utf8_lossy(&data)) {
                    break Some(frame);
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => break None,
        }
    };
    match answer {
        Some(frame) if frame.command == "CONNECTED" => {
            let shown = format!(
                "version {}, heart-beat {}{}",
                frame.header("version").unwrap_or("1.0"),
                frame.header("heart-beat").unwrap_or("0,0"),
                frame
                    .header("server")
                    .map(|s| format!(", server {s}"))
                    .unwrap_or_default()
            );
            step.evidence
                .push(Evidence::new("CONNECTED", shown.clone()));
            rec.finish(
                step,
                CheckStatus::Pass,
                format!("CONNECT was answered CONNECTED ({shown})."),
            );
            let _ = tokio::time::timeout(
                options.close_timeout,
                ws.send(Message::text("DISCONNECT\n\n\0")),
            )
            .await;
            let _ = tokio::time::timeout(options.close_timeout, ws.close(None)).await;
        }
        Some(frame) if frame.command == "ERROR" => {
            let said = format!(
                "{}{}",
                frame.header("message").unwrap_or("(no message header)"),
                if frame.body.is_empty() {
                    String::new()
                } else {
                    format!(": {}", frame.body)
                }
            );
            let evidence = vec![Evidence::new("ERROR", crate::report::capped(&said, 1024))];
            rec.diagnose("stomp.connect_rejected", evidence.clone());
            step.evidence.extend(evidence);
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("The broker refused CONNECT: {said}."),
            );
        }
        Some(frame) => rec.finish(
            step,
            CheckStatus::Fail,
            format!(
                "CONNECT was answered {} instead of CONNECTED.",
                frame.command
            ),
        ),
        None => rec.finish(
            step,
            CheckStatus::Fail,
            format!(
                "No answer to CONNECT within {} s.",
                options.handshake_timeout.as_secs_f32()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_and_the_login_comes_from_the_auth_payload() {
        let frame =
            Frame::parse("ERROR\nmessage:Bad CONNECT\ncontent-length:5\n\nNope!\n\0\n").unwrap();
        assert_eq!(
            (
                frame.command.as_str(),
                frame.header("message"),
                frame.body.as_str()
            ),
            ("ERROR", Some("Bad CONNECT"), "Nope!")
        );
        assert!(Frame::parse("\n").is_none());
        let auth = serde_json::json!({"login": "guest", "passcode": "pw", "host": "vh"});
        let connect = connect_frame(Some(&auth));
        assert!(
            connect.contains("host:vh\n")
                && connect.contains("login:guest\npasscode:pw\n")
                && connect.ends_with("\n\n\0")
        );
    }
}
