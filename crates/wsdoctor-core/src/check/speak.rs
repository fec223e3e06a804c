//! What the check speaks once the server is reached and the connection secured: the framework chosen
//! (Socket.IO's own items; SockJS's `/info`, then its raw endpoint; GraphQL, STOMP and MQTT over the
//! upgrade),
//! or the plain upgrade and the open-connection probes, with a framework recognised from the URL given
//! its own first message.

use super::frameworks::{self, Framing};
use super::{CheckOptions, items, session, skip_after, upgrade};
use crate::framework::Protocol;
use crate::framework::recognised::Recognised;
use crate::net::{Route, Stream, Target};
use crate::report::Recorder;
use crate::target::RunPlan;

/// Records the items after TLS over `stream`, the connection the check reached and secured.
pub(super) async fn record(
    rec: &mut Recorder,
    options: &CheckOptions,
    run: &RunPlan,
    target: Target,
    route: &Route,
    stream: Stream,
) {
    let (protocol, why) = (run.protocol, &run.why);
    if protocol == Protocol::Socketio {
        frameworks::socketio::record(rec, options, &target, route, stream, why).await;
        return;
    }
    // SockJS: its /info on this connection, then on a fresh one its raw WebSocket endpoint, or the
    // session endpoint a SockJS client uses when STOMP goes inside.
    let inside_sockjs = run.inside_sockjs;
    let (target, stream) = if protocol == Protocol::Sockjs || inside_sockjs {
        let Some(raw) =
            frameworks::sockjs::record(rec, options, &target, stream, why, inside_sockjs).await
        else {
            return;
        };
        match route.open(crate::net::route::Trust::Any).await {
            Ok(stream) => (raw, stream),
            Err(error) => {
                skip_after(
                    rec,
                    items::SOCKJS_INFO,
                    &format!("reconnecting failed: {error}"),
                );
                return;
            }
        }
    } else {
        (target, stream)
    };
    // GraphQL and MQTT offer their subprotocol when the user's client offers none, as every GraphQL
    // and MQTT client does. STOMP offers what the user's client offers (maybe none): a broker that
    // requires a `v1x.stomp` one is found.
    let offering;
    let own_subprotocol = match protocol {
        Protocol::GraphqlWs => Some(crate::framework::GRAPHQL_SUBPROTOCOLS[0]),
        Protocol::Mqtt => Some(crate::framework::mqtt::packet::SUBPROTOCOL),
        _ => None,
    };
    let options = match own_subprotocol {
        Some(subprotocol) if options.subprotocols.is_empty() => {
            offering = CheckOptions {
                subprotocols: vec![subprotocol.to_string()],
                ..options.clone()
            };
            &offering
        }
        _ => options,
    };
    let Some(upgraded) = upgrade::record(rec, options, protocol, &target, route, stream).await
    else {
        return;
    };
    if protocol == Protocol::Mqtt {
        frameworks::mqtt::speak(rec, options, why, upgraded).await;
        return;
    }
    let upgrade::Upgraded {
        stream,
        leftover,
        compression,
        ..
    } = upgraded;
    if matches!(protocol, Protocol::GraphqlWs | Protocol::Stomp) {
        let framing = if inside_sockjs {
            Framing::SockJs
        } else {
            Framing::Plain
        };
        frameworks::record_over_socket(rec, options, protocol, why, stream, leftover, framing)
            .await;
        return;
    }
    // A framework recognised from the URL gets its own first message, unless the user wrote one.
    let recognised = (options.protocol == Protocol::Auto)
        .then(|| Recognised::from_url(&target.url))
        .flatten();
    let framework_message = recognised
        .as_ref()
        .filter(|_| options.message == CheckOptions::default().message)
        .and_then(|(framework, _)| framework.first_message(&target.url));
    let plan = session::Plan {
        message: framework_message.unwrap_or_else(|| options.message.clone()),
        recognised,
        reply_timeout: options.reply_timeout,
        close_timeout: options.close_timeout,
        probe_size: options.probe_size,
        idle: options.idle,
        compression,
    };
    session::run(rec, stream, leftover, &plan).await;
}
