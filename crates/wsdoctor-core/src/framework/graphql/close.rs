//! What a close code means to GraphQL over WebSocket (graphql-transport-ws's 44xx codes, and the 1002 a
//! legacy server answers the current protocol with), and which catalog cause it names. The check's item
//! and the console's entries read a close from here, so they cannot name it differently.

/// What a close code of graphql-transport-ws means, if it is one of them.
pub(crate) fn meaning(code: u16) -> Option<&'static str> {
    Some(match code {
        4400 => {
            "4400 Bad request: the server could not read a message (often the other protocol's message)"
        }
        4401 => "4401 Unauthorized: an operation was sent before the connection was acknowledged",
        4403 => "4403 Forbidden: the server's onConnect refused the connection_init payload",
        4406 => {
            "4406 Subprotocol not acceptable: the client and the server speak different GraphQL WebSocket protocols"
        }
        4408 => "4408 Connection initialisation timeout: no connection_init arrived in time",
        4409 => "4409 Subscriber already exists: an operation id was reused",
        4429 => "4429 Too many initialisation requests: connection_init was sent more than once",
        4500 => "4500 Internal server error",
        4504 => "4504 Gateway timeout",
        _ => return None,
    })
}

/// What a 1002 means to a client speaking graphql-transport-ws.
pub(crate) const LEGACY_SERVER: &str = "1002 to graphql-transport-ws messages: the server may speak the legacy protocol (offer only the subprotocol graphql-ws)";

/// The catalog cause a close with `code` names, when the protocol reads it: one of graphql-transport-ws's
/// codes, or a 1002 when the legacy protocol is not in play (subscriptions-transport-ws, the legacy
/// protocol's server, closes 1002 on a client whose subprotocol is not its `graphql-ws`).
pub(crate) fn cause(code: u16, legacy: bool) -> Option<&'static str> {
    match code {
        1002 if !legacy => Some("graphql.protocol_mismatch"),
        4400 | 4406 => Some("graphql.protocol_mismatch"),
        4401 | 4403 => Some("graphql.connection_rejected"),
        4408 => Some("graphql.init_timeout"),
        _ if meaning(code).is_some() => Some("graphql.connection_closed"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_name_their_cause_and_a_1002_depends_on_the_protocol() {
        assert_eq!(cause(4403, false), Some("graphql.connection_rejected"));
        assert_eq!(cause(4406, true), Some("graphql.protocol_mismatch"));
        assert_eq!(cause(4408, false), Some("graphql.init_timeout"));
        assert_eq!(cause(4500, false), Some("graphql.connection_closed"));
        assert_eq!(cause(1002, false), Some("graphql.protocol_mismatch"));
        assert_eq!(cause(1002, true), None);
        assert_eq!(cause(1000, false), None);
        assert!(meaning(4401).is_some_and(|m| m.starts_with("4401")));
    }
}
