//! What a user asks a framework session to do (an emit, a STOMP frame, a GraphQL operation or its stop),
//! as the app's buttons send it and as a script line says it: [`Action::parse`] reads the CLI's script
//! language, the REPL's, and what the app saves in a profile. Input a session could not send is refused
//! here, before anything is sent, with why.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Dialect;
use crate::{Error, Result};

/// What a user asks a framework session to do: a button of the app, a line of a script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Action {
    /// Socket.IO: emit `event` with `args` (JSON values one after another; `{"$base64": "…"}` is a binary
    /// attachment), asking for an acknowledgement when `ack`.
    #[serde(rename_all = "camelCase")]
    Emit {
        event: String,
        args: String,
        ack: bool,
    },
    /// STOMP: SUBSCRIBE to a destination (`ack`: auto, client or client-individual).
    #[serde(rename_all = "camelCase")]
    Subscribe {
        destination: String,
        ack: Option<String>,
        headers: Vec<(String, String)>,
    },
    /// STOMP: UNSUBSCRIBE from a destination (or a subscription id).
    #[serde(rename_all = "camelCase")]
    Unsubscribe { destination: String },
    /// STOMP: SEND a body to a destination, with headers.
    #[serde(rename_all = "camelCase")]
    Send {
        destination: String,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// STOMP: ACK or NACK the message whose `ack` header (1.2) or `message-id` (1.0, 1.1) is `id`.
    #[serde(rename_all = "camelCase")]
    Ack { id: String, nack: bool },
    /// GraphQL: start an operation (a subscription, a query or a mutation).
    #[serde(rename_all = "camelCase")]
    Operation {
        query: String,
        variables: Option<String>,
        operation_name: Option<String>,
    },
    /// GraphQL: stop an operation.
    #[serde(rename_all = "camelCase")]
    Stop { id: String },
    /// MQTT: SUBSCRIBE to a topic filter (`+` and `#` wildcards) at a QoS (0, 1 or 2).
    #[serde(rename_all = "camelCase")]
    SubscribeTopic { topic: String, qos: u8 },
    /// MQTT: UNSUBSCRIBE from a topic filter.
    #[serde(rename_all = "camelCase")]
    UnsubscribeTopic { topic: String },
    /// MQTT: PUBLISH a payload to a topic, at QoS 0 or 1 (the broker's PUBACK is awaited), retained or not.
    #[serde(rename_all = "camelCase")]
    Publish {
        topic: String,
        payload: String,
        qos: u8,
        retain: bool,
    },
}

impl Action {
    /// A script line in `dialect`'s words, or `None` when the line starts with none of them.
    pub fn parse(dialect: Dialect, line: &str) -> Option<Result<Action>> {
        let line = line.trim();
        let (word, rest) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(w, r)| (w, r.trim()));
        let needs = |what: &str| {
            Err(Error::InvalidInput(format!(
                "`{word}` needs {what} ({})",
                dialect.commands()
            )))
        };
        Some(match (dialect, word) {
            (Dialect::Socketio, "emit" | "emit-ack") => {
                let (event, args) = rest
                    .split_once(char::is_whitespace)
                    .map_or((rest, ""), |(e, a)| (e, a.trim()));
                if event.is_empty() {
                    needs("an event name")
                } else {
                    Ok(Action::Emit {
                        event: event.to_string(),
                        args: args.to_string(),
                        ack: word == "emit-ack",
                    })
                }
            }
            (Dialect::Stomp, "subscribe") => {
                let mut words = rest.split_whitespace();
                match (words.next(), words.next()) {
                    (None, _) => needs("a destination"),
                    (Some(destination), ack) => Ok(Action::Subscribe {
                        destination: destination.to_string(),
                        ack: ack.map(str::to_string),
                        headers: Vec::new(),
                    }),
                }
            }
            (Dialect::Stomp, "unsubscribe") if rest.is_empty() => needs("a destination"),
            (Dialect::Stomp, "unsubscribe") => Ok(Action::Unsubscribe {
                destination: rest.to_string(),
            }),
            (Dialect::Stomp, "send") => {
                send_line(rest).map_or_else(|| needs("a destination and a body"), Ok)
            }
            (Dialect::Stomp, "ack" | "nack") if rest.is_empty() => needs("the message's ack id"),
            (Dialect::Stomp, "ack" | "nack") => Ok(Action::Ack {
                id: rest.to_string(),
                nack: word == "nack",
            }),
            (Dialect::GraphqlWs, "subscribe") if rest.is_empty() => needs("a query"),
            (Dialect::GraphqlWs, "subscribe") => Ok(graphql_line(rest)),
            (Dialect::GraphqlWs, "stop") if rest.is_empty() => needs("an operation id"),
            (Dialect::GraphqlWs, "stop") => Ok(Action::Stop {
                id: rest.to_string(),
            }),
            (Dialect::Mqtt, "subscribe") => {
                let mut words = rest.split_whitespace();
                match (words.next(), words.next().map(str::parse::<u8>)) {
                    (None, _) => needs("a topic"),
                    (Some(_), Some(Err(_))) => needs("a QoS of 0, 1 or 2 after the topic"),
                    (Some(topic), qos) => Ok(Action::SubscribeTopic {
                        topic: topic.to_string(),
                        qos: qos.and_then(|q| q.ok()).unwrap_or(0),
                    }),
                }
            }
            (Dialect::Mqtt, "unsubscribe") if rest.is_empty() => needs("a topic"),
            (Dialect::Mqtt, "unsubscribe") => Ok(Action::UnsubscribeTopic {
                topic: rest.to_string(),
            }),
            (Dialect::Mqtt, "publish") => {
                publish_line(rest).map_or_else(|| needs("a topic and a payload"), Ok)
            }
            _ => return None,
        })
    }

    /// Every text the action carries, for `{{variable}}` filling.
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        let mut texts = Vec::new();
        match self {
            Action::Emit { event, args, .. } => texts.extend([event, args]),
            Action::Subscribe {
                destination,
                headers,
                ..
            } => {
                texts.push(destination);
                texts.extend(headers.iter_mut().map(|(_, v)| v));
            }
            Action::Unsubscribe { destination } => texts.push(destination),
            Action::Send {
                destination,
                headers,
                body,
            } => {
                texts.extend([destination, body]);
                texts.extend(headers.iter_mut().map(|(_, v)| v));
            }
            Action::Ack { id, .. } | Action::Stop { id } => texts.push(id),
            Action::Operation {
                query, variables, ..
            } => {
                texts.push(query);
                texts.extend(variables.as_mut());
            }
            Action::SubscribeTopic { topic, .. } | Action::UnsubscribeTopic { topic } => {
                texts.push(topic)
            }
            Action::Publish { topic, payload, .. } => texts.extend([topic, payload]),
        }
        texts
    }

    /// Refuses, before anything is sent, input the session could not send: arguments that are not JSON
    /// values, variables that are not an object, an unknown ack mode, a header without a name. (The
    /// speakers check again; this is for the caller to hear why at once.)
    pub fn validate(&self) -> Result<()> {
        let invalid = |why: String| Err(Error::InvalidInput(why));
        match self {
            Action::Emit { event, args, .. } => {
                if event.trim().is_empty() {
                    return invalid("give the event's name".into());
                }
                for value in
                    serde_json::Deserializer::from_str(args).into_iter::<serde_json::Value>()
                {
                    if let Err(e) = value {
                        return invalid(format!(
                            "the arguments are not JSON values: {e} (column {})",
                            e.column()
                        ));
                    }
                }
            }
            Action::Subscribe {
                destination,
                ack,
                headers,
            } => {
                if destination.trim().is_empty() {
                    return invalid("give the destination".into());
                }
                if let Some(ack) = ack
                    && !matches!(ack.as_str(), "auto" | "client" | "client-individual")
                {
                    return invalid(format!(
                        "`{ack}` is not an ack mode (auto, client, client-individual)"
                    ));
                }
                if headers.iter().any(|(n, _)| n.trim().is_empty()) {
                    return invalid("a header needs a name".into());
                }
            }
            Action::Send {
                destination,
                headers,
                ..
            } => {
                if destination.trim().is_empty() {
                    return invalid("give the destination".into());
                }
                if headers.iter().any(|(n, _)| n.trim().is_empty()) {
                    return invalid("a header needs a name".into());
                }
            }
            Action::Unsubscribe { destination: id }
            | Action::Ack { id, .. }
            | Action::Stop { id } => {
                if id.trim().is_empty() {
                    return invalid("give the id (or destination) it is for".into());
                }
            }
            Action::Operation {
                query, variables, ..
            } => {
                if query.trim().is_empty() {
                    return invalid("give the operation's query".into());
                }
                if let Some(text) = variables.as_deref().filter(|v| !v.trim().is_empty()) {
                    match serde_json::from_str::<serde_json::Value>(text) {
                        Ok(value) if value.is_object() => {}
                        Ok(_) => return invalid("the variables must be a JSON object".into()),
                        Err(e) => return invalid(format!("the variables are not JSON: {e}")),
                    }
                }
            }
            Action::SubscribeTopic { topic, qos } => {
                if topic.trim().is_empty() {
                    return invalid("give the topic".into());
                }
                if *qos > 2 {
                    return invalid(format!("QoS {qos} does not exist: 0, 1 or 2"));
                }
            }
            Action::UnsubscribeTopic { topic } => {
                if topic.trim().is_empty() {
                    return invalid("give the topic".into());
                }
            }
            Action::Publish { topic, qos, .. } => {
                if topic.trim().is_empty() {
                    return invalid("give the topic".into());
                }
                if topic.contains(['+', '#']) {
                    return invalid("a PUBLISH topic has no wildcards (+, #)".into());
                }
                if *qos > 1 {
                    return invalid("publish at QoS 0 or 1".into());
                }
            }
        }
        Ok(())
    }

    /// The dialect the action belongs to.
    pub fn dialect(&self) -> Dialect {
        match self {
            Action::Emit { .. } => Dialect::Socketio,
            Action::Subscribe { .. }
            | Action::Unsubscribe { .. }
            | Action::Send { .. }
            | Action::Ack { .. } => Dialect::Stomp,
            Action::Operation { .. } | Action::Stop { .. } => Dialect::GraphqlWs,
            Action::SubscribeTopic { .. }
            | Action::UnsubscribeTopic { .. }
            | Action::Publish { .. } => Dialect::Mqtt,
        }
    }
}

/// `publish [-q 0|1] [-r] TOPIC PAYLOAD` (the payload is the rest of the line, as typed).
fn publish_line(rest: &str) -> Option<Action> {
    let (mut qos, mut retain, mut rest) = (0, false, rest.trim_start());
    loop {
        if let Some(after) = rest.strip_prefix("-r ") {
            retain = true;
            rest = after.trim_start();
        } else if let Some(after) = rest.strip_prefix("-q ") {
            let (level, after) = after.trim_start().split_once(char::is_whitespace)?;
            qos = level.parse().ok()?;
            rest = after.trim_start();
        } else {
            break;
        }
    }
    let (topic, payload) = rest.split_once(char::is_whitespace)?;
    Some(Action::Publish {
        topic: topic.to_string(),
        payload: payload.trim_start().to_string(),
        qos,
        retain,
    })
}

/// `send DEST [-H name:value ...] BODY`.
fn send_line(rest: &str) -> Option<Action> {
    let (destination, mut rest) = rest.split_once(char::is_whitespace)?;
    let mut headers = Vec::new();
    loop {
        rest = rest.trim_start();
        let Some(after) = rest.strip_prefix("-H ") else {
            break;
        };
        let after = after.trim_start();
        let (header, remaining) = after.split_once(char::is_whitespace).unwrap_or((after, ""));
        let (name, value) = header.split_once(':')?;
        headers.push((name.to_string(), value.to_string()));
        rest = remaining;
    }
    Some(Action::Send {
        destination: destination.to_string(),
        headers,
        body: rest.to_string(),
    })
}

/// `subscribe QUERY [VARIABLES-JSON]`: the query runs to the end of the line; a trailing JSON object that
/// parses is taken as the variables.
fn graphql_line(rest: &str) -> Action {
    let split = rest
        .char_indices()
        .rev()
        .filter(|&(_, c)| c == '{')
        .find_map(|(at, _)| {
            let (query, tail) = (rest.get(..at)?, rest.get(at..)?);
            let value: serde_json::Value = serde_json::from_str(tail).ok()?;
            // The query's own selection set ends with `}`: what follows must be an object after it.
            (value.is_object() && query.trim_end().ends_with('}'))
                .then(|| (query.trim_end().to_string(), tail.to_string()))
        });
    let (query, variables) = match split {
        Some((query, variables)) => (query, Some(variables)),
        None => (rest.to_string(), None),
    };
    Action::Operation {
        query,
        variables,
        operation_name: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(dialect: Dialect, line: &str) -> Action {
        Action::parse(dialect, line).unwrap().unwrap()
    }

    #[test]
    fn script_lines_are_read_in_each_dialects_words() {
        assert_eq!(
            parsed(Dialect::Socketio, r#"emit-ack chat {"text": "hi"} 2"#),
            Action::Emit {
                event: "chat".into(),
                args: r#"{"text": "hi"} 2"#.into(),
                ack: true
            }
        );
        assert!(Action::parse(Dialect::Socketio, "hello").is_none());
        assert!(Action::parse(Dialect::Socketio, "emit").unwrap().is_err());
        assert_eq!(
            parsed(
                Dialect::Stomp,
                "send /queue/a -H content-type:application/json -H x:1 {\"a\": 1}"
            ),
            Action::Send {
                destination: "/queue/a".into(),
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("x".into(), "1".into())
                ],
                body: "{\"a\": 1}".into()
            }
        );
        assert!(
            Action::parse(Dialect::Stomp, "send /queue/a")
                .unwrap()
                .is_err()
        );
        assert_eq!(
            parsed(Dialect::Stomp, "subscribe /topic/t client"),
            Action::Subscribe {
                destination: "/topic/t".into(),
                ack: Some("client".into()),
                headers: vec![]
            }
        );
        assert_eq!(
            parsed(
                Dialect::GraphqlWs,
                r#"subscribe subscription T($n: Int) { tick(n: $n) } {"n": 3}"#
            ),
            Action::Operation {
                query: "subscription T($n: Int) { tick(n: $n) }".into(),
                variables: Some(r#"{"n": 3}"#.into()),
                operation_name: None
            }
        );
        // A query whose last braces are its own selection is all query.
        assert_eq!(
            parsed(Dialect::GraphqlWs, "subscribe { tick { n } }"),
            Action::Operation {
                query: "{ tick { n } }".into(),
                variables: None,
                operation_name: None
            }
        );
        assert_eq!(
            parsed(Dialect::GraphqlWs, "stop 3"),
            Action::Stop { id: "3".into() }
        );
        assert!(Action::parse(Dialect::Websocket, "emit x").is_none());
    }

    #[test]
    fn invalid_actions_are_refused_before_anything_is_sent() {
        let emit = |args: &str| Action::Emit {
            event: "e".into(),
            args: args.into(),
            ack: false,
        };
        assert!(emit(r#"1 "two" {"three": [3]}"#).validate().is_ok());
        assert!(
            emit("{oops")
                .validate()
                .unwrap_err()
                .to_string()
                .contains("not JSON values")
        );
        let operation = |variables: &str| Action::Operation {
            query: "{ a }".into(),
            variables: Some(variables.into()),
            operation_name: None,
        };
        assert!(operation("[1]").validate().is_err());
        assert!(operation(" ").validate().is_ok());
        let subscribe = Action::Subscribe {
            destination: "/q".into(),
            ack: Some("sometimes".into()),
            headers: vec![],
        };
        assert!(subscribe.validate().is_err());
    }
}
