//! The GraphQL over WebSocket client machine: `connection_init` with the auth payload, then operations
//! (subscriptions, queries, mutations) by id, their `next`/`error`/`complete` (the legacy protocol's
//! `data`/`error`/`complete`) grouped under that id, and a stop for each. Which protocol is spoken follows
//! the subprotocol the server chose: `graphql-ws` is the legacy one (subscriptions-transport-ws), anything
//! else graphql-transport-ws. Operations asked for before `connection_ack` wait for it (a bounded queue),
//! as the official clients make them wait.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::close;
use crate::framework::action::Action;
use crate::framework::exchange::{Decoded, Frame, NoteLevel, Output, Terms, join_timed_out};
use crate::{Error, Result};

/// Operations that may wait for `connection_ack`.
const MAX_QUEUED: usize = 100;
/// Operations remembered by id (for their names), at most.
const MAX_OPERATIONS: usize = 10_000;

pub(crate) struct GraphqlClient {
    legacy: bool,
    payload: Value,
    acknowledged: bool,
    join_by: Option<Instant>,
    join_timeout: Duration,
    next_id: u64,
    /// Operation id → what it is called in the entries (its operation name, or its first words).
    operations: BTreeMap<String, String>,
    queued: Vec<Output>,
}

impl GraphqlClient {
    pub(crate) fn new(terms: &Terms, legacy: bool, now: Instant) -> GraphqlClient {
        GraphqlClient {
            legacy,
            payload: terms.auth.clone().unwrap_or_else(|| json!({})),
            acknowledged: false,
            join_by: Some(now + terms.join_timeout),
            join_timeout: terms.join_timeout,
            next_id: 0,
            operations: BTreeMap::new(),
            queued: Vec::new(),
        }
    }

    pub(crate) fn opening(&mut self, _now: Instant) -> Vec<Output> {
        let init = json!({"type": "connection_init", "payload": self.payload});
        let mut decoded = Decoded::new("connection_init");
        decoded.body = Some(self.payload.to_string());
        decoded.note = Some(format!(
            "{} protocol{}",
            if self.legacy {
                "the legacy graphql-ws (subscriptions-transport-ws)"
            } else {
                "the graphql-transport-ws"
            },
            if self.payload.as_object().is_some_and(|o| !o.is_empty()) {
                ", with the auth payload"
            } else {
                ""
            }
        ));
        vec![Output::Send(Frame::Text(init.to_string()), decoded)]
    }

    pub(crate) fn heard(&mut self, frame: &Frame, _now: Instant) -> (Option<Decoded>, Vec<Output>) {
        let Frame::Text(text) = frame else {
            let mut decoded = Decoded::new("unknown");
            decoded.note = Some(
                "GraphQL over WebSocket is text; a binary frame is none of its messages".into(),
            );
            return (Some(decoded), Vec::new());
        };
        let message: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let Some(kind) = message.get("type").and_then(Value::as_str) else {
            let mut decoded = Decoded::new("unknown");
            decoded.note = Some("not a GraphQL over WebSocket message (no `type`)".into());
            return (Some(decoded), Vec::new());
        };
        let id = message
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string);
        let payload = message.get("payload").filter(|p| !p.is_null());
        let mut decoded = Decoded::new(kind);
        decoded.name = id.as_ref().map(|id| {
            self.operations
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.clone())
        });
        decoded.id = id.clone();
        decoded.body = payload.map(Value::to_string);
        let mut steps = Vec::new();
        match kind {
            "connection_ack" => {
                self.acknowledged = true;
                self.join_by = None;
                decoded.note = Some("the server accepted connection_init".into());
                steps.append(&mut self.queued);
            }
            "ping" => {
                decoded.heartbeat = true;
                steps.push(Output::Send(
                    Frame::Text(json!({"type": "pong"}).to_string()),
                    Decoded::heartbeat("pong"),
                ));
            }
            "pong" | "ka" => decoded.heartbeat = true,
            "error" => {
                let said = format!(
                    "operation {} failed: {}",
                    decoded.name.as_deref().unwrap_or("?"),
                    crate::report::capped(&first_message(payload), 512)
                );
                decoded = decoded.caused_by("graphql.operation_error", &said);
            }
            "complete" => {
                if let Some(id) = &id {
                    self.operations.remove(id);
                }
                decoded.note = Some("the operation finished".into());
            }
            "connection_error" => {
                self.join_by = None;
                let said = format!(
                    "the server refused connection_init: {}",
                    crate::report::capped(&first_message(payload), 512)
                );
                decoded = decoded.caused_by("graphql.connection_rejected", &said);
                decoded.refusal = true;
            }
            _ => {}
        }
        (Some(decoded), steps)
    }

    pub(crate) fn act(&mut self, action: Action, _now: Instant) -> Result<Vec<Output>> {
        let step = match action {
            Action::Operation {
                query,
                variables,
                operation_name,
            } => {
                if query.trim().is_empty() {
                    return Err(Error::InvalidInput("give the operation's query".into()));
                }
                let variables = match variables
                    .as_deref()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                {
                    None => None,
                    Some(text) => {
                        let value: Value = serde_json::from_str(text).map_err(|e| {
                            Error::InvalidInput(format!("the variables are not JSON: {e}"))
                        })?;
                        if !value.is_object() {
                            return Err(Error::InvalidInput(
                                "the variables must be a JSON object".into(),
                            ));
                        }
                        Some(value)
                    }
                };
                self.next_id += 1;
                let id = self.next_id.to_string();
                let name = operation_name
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| described(&query));
                if self.operations.len() >= MAX_OPERATIONS {
                    self.operations.pop_first();
                }
                self.operations.insert(id.clone(), name.clone());
                let mut payload = json!({"query": query});
                if let Some(variables) = &variables {
                    payload["variables"] = variables.clone();
                }
                if let Some(operation) = operation_name.filter(|n| !n.trim().is_empty()) {
                    payload["operationName"] = Value::String(operation);
                }
                let kind = if self.legacy { "start" } else { "subscribe" };
                let message = json!({"id": id, "type": kind, "payload": payload});
                let mut decoded = Decoded::new(kind);
                decoded.id = Some(id.clone());
                decoded.name = Some(name);
                decoded.body = Some(payload.to_string());
                decoded.note = Some(format!("operation id {id}; stop it with `stop {id}`"));
                Output::Send(Frame::Text(message.to_string()), decoded)
            }
            Action::Stop { id } => {
                let kind = if self.legacy { "stop" } else { "complete" };
                let mut decoded = Decoded::new(kind);
                decoded.name = self.operations.remove(&id).or(Some(id.clone()));
                decoded.id = Some(id.clone());
                Output::Send(
                    Frame::Text(json!({"id": id, "type": kind}).to_string()),
                    decoded,
                )
            }
            _ => return Err(Error::InvalidInput("not a GraphQL action".into())),
        };
        if self.acknowledged {
            return Ok(vec![step]);
        }
        if self.queued.len() >= MAX_QUEUED {
            return Err(Error::InvalidInput(format!(
                "not sent: {MAX_QUEUED} operations already wait for connection_ack"
            )));
        }
        self.queued.push(step);
        Ok(vec![Output::Note(
            NoteLevel::Info,
            "queued: it goes out once the server acknowledges connection_init".into(),
            Decoded::new("queued"),
        )])
    }

    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.join_by
    }

    pub(crate) fn tick(&mut self, now: Instant) -> Vec<Output> {
        if self.join_by.is_none_or(|at| at > now) {
            return Vec::new();
        }
        self.join_by = None;
        let said = format!(
            "no connection_ack within {:.1} s",
            self.join_timeout.as_secs_f32()
        );
        join_timed_out(Decoded::new("init_timeout"), "graphql.init_timeout", said)
    }

    /// graphql-transport-ws's close codes, named as `close.rs` names them; a 1002 to a client speaking
    /// the current protocol is a legacy server's answer to messages it cannot read.
    pub(crate) fn closed(&self, code: u16) -> Option<Decoded> {
        let cause = close::cause(code, self.legacy)?;
        let meaning = close::meaning(code).unwrap_or(close::LEGACY_SERVER);
        let mut decoded = Decoded::new("close").caused_by(cause, meaning);
        decoded.refusal = !self.acknowledged || matches!(code, 4401 | 4403);
        Some(decoded)
    }
}

/// The first error message of a payload (an `errors` array, one error, or a message).
fn first_message(payload: Option<&Value>) -> String {
    let Some(payload) = payload else {
        return "(no payload)".into();
    };
    let first = payload
        .as_array()
        .and_then(|a| a.first())
        .or_else(|| {
            payload
                .get("errors")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
        })
        .unwrap_or(payload);
    first
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| payload.to_string())
}

/// What an operation is called when it has no name: its first words.
fn described(query: &str) -> String {
    let words: Vec<&str> = query.split_whitespace().take(4).collect();
    crate::report::capped(&words.join(" "), 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker(legacy: bool) -> GraphqlClient {
        GraphqlClient::new(
            &Terms {
                auth: Some(json!({"token": "gql-token"})),
                url: "ws://h/graphql".into(),
                namespace: "/".into(),
                join_timeout: Duration::from_secs(5),
                reply_timeout: Duration::from_secs(2),
            },
            legacy,
            Instant::now(),
        )
    }

    fn sent(steps: &[Output]) -> Vec<Value> {
        steps
            .iter()
            .filter_map(|s| match s {
                Output::Send(Frame::Text(t), _) => serde_json::from_str(t).ok(),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn operations_wait_for_the_ack_then_results_group_under_their_id() {
        let now = Instant::now();
        let mut s = speaker(false);
        assert_eq!(
            sent(&s.opening(now))[0],
            json!({"type": "connection_init", "payload": {"token": "gql-token"}})
        );
        let queued = s
            .act(
                Action::Operation {
                    query: "subscription { tick }".into(),
                    variables: Some(r#"{"n": 2}"#.into()),
                    operation_name: None,
                },
                now,
            )
            .unwrap();
        assert!(matches!(queued[0], Output::Note(..)));
        let (ack, steps) = s.heard(&Frame::Text(r#"{"type":"connection_ack"}"#.into()), now);
        assert_eq!(ack.unwrap().kind, "connection_ack");
        assert_eq!(
            sent(&steps)[0],
            json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { tick }", "variables": {"n": 2}}})
        );
        let (next, _) = s.heard(
            &Frame::Text(r#"{"id":"1","type":"next","payload":{"data":{"tick":1}}}"#.into()),
            now,
        );
        let next = next.unwrap();
        assert_eq!(
            (
                next.id.as_deref(),
                next.name.as_deref(),
                next.body.as_deref()
            ),
            (
                Some("1"),
                Some("subscription { tick }"),
                Some(r#"{"data":{"tick":1}}"#)
            )
        );
        let (ping, steps) = s.heard(&Frame::Text(r#"{"type":"ping"}"#.into()), now);
        assert!(ping.unwrap().heartbeat);
        assert_eq!(sent(&steps)[0], json!({"type": "pong"}));
        assert_eq!(
            sent(&s.act(Action::Stop { id: "1".into() }, now).unwrap())[0],
            json!({"id": "1", "type": "complete"})
        );
        let (error, _) = s.heard(&Frame::Text(r#"{"id":"2","type":"error","payload":[{"message":"Cannot query field \"nope\""}]}"#.into()), now);
        let error = error.unwrap();
        assert_eq!(error.cause.as_deref(), Some("graphql.operation_error"));
        assert!(error.note.unwrap().contains("Cannot query field"));
        assert!(
            s.act(
                Action::Operation {
                    query: "{ a }".into(),
                    variables: Some("[1]".into()),
                    operation_name: None
                },
                now
            )
            .is_err()
        );
    }

    #[test]
    fn the_legacy_protocol_uses_its_own_words_and_refusals_are_named() {
        let now = Instant::now();
        let mut s = speaker(true);
        s.heard(&Frame::Text(r#"{"type":"connection_ack"}"#.into()), now);
        let steps = s
            .act(
                Action::Operation {
                    query: "subscription T { tick }".into(),
                    variables: None,
                    operation_name: Some("T".into()),
                },
                now,
            )
            .unwrap();
        assert_eq!(sent(&steps)[0]["type"], "start");
        assert_eq!(
            sent(&s.act(Action::Stop { id: "1".into() }, now).unwrap())[0]["type"],
            "stop"
        );
        let (ka, _) = s.heard(&Frame::Text(r#"{"type":"ka"}"#.into()), now);
        assert!(ka.unwrap().heartbeat);

        let mut s = speaker(true);
        let (refused, _) = s.heard(
            &Frame::Text(r#"{"type":"connection_error","payload":{"message":"bad token"}}"#.into()),
            now,
        );
        let refused = refused.unwrap();
        assert!(refused.refusal && refused.note.unwrap().contains("bad token"));
        let closed = speaker(false).closed(4403).unwrap();
        assert_eq!(closed.cause.as_deref(), Some("graphql.connection_rejected"));
        assert!(speaker(false).closed(1000).is_none());
        let steps = speaker(false).tick(now + Duration::from_secs(6));
        assert!(
            matches!(&steps[0], Output::Note(_, _, d) if d.cause.as_deref() == Some("graphql.init_timeout"))
        );
        for junk in ["", "[]", "{\"type\": 3}", "null"] {
            let (d, _) = speaker(false).heard(&Frame::Text(junk.into()), now);
            assert_eq!(d.unwrap().kind, "unknown");
        }
    }
}
