//! What a WebSocket close code means, in words for a ticket.
//!
//! Codes come from RFC 6455 section 7.4 and the IANA "WebSocket Close Code Number Registry"; 4000-4999 are
//! left to applications, so only their range is explained.

/// A one-line explanation of a close code.
pub fn meaning(code: u16) -> String {
    let text = match code {
        1000 => "Normal closure: the connection did what it was for",
        1001 => "Going away: the server is shutting down or the page is navigating away",
        1002 => "Protocol error: a peer broke the WebSocket protocol",
        1003 => "Unsupported data: a peer received a type of data it cannot accept",
        1004 => "Reserved code (1004) sent on the wire: a peer is misbehaving",
        1005 => "No status received: the close frame carried no code",
        1006 => {
            "Abnormal closure: the connection dropped without a close frame (crash, proxy cut-off or network loss)"
        }
        1007 => "Invalid payload: a text message was not valid UTF-8 or data was inconsistent",
        1008 => {
            "Policy violation: the server refused something by policy (often authentication or origin)"
        }
        1009 => "Message too big: a message exceeded the receiver's size limit",
        1010 => {
            "Mandatory extension: the client required an extension the server did not negotiate"
        }
        1011 => {
            "Internal error: the server hit an unexpected condition while handling the connection"
        }
        1012 => "Service restart: the server is restarting; reconnect later",
        1013 => "Try again later: the server is overloaded or temporarily unavailable",
        1014 => "Bad gateway: a proxy received an invalid answer from the upstream server",
        1015 => "TLS handshake failure (reported locally, never sent on the wire)",
        1016..=2999 => "Reserved for future versions of the WebSocket protocol",
        3000..=3999 => "Registered code for libraries and frameworks (see the IANA registry)",
        4000..=4999 => "Application-defined code: its meaning is up to the server's own code",
        _ => "Not a valid close code (valid codes are 1000-4999)",
    };
    format!("{code}: {text}")
}

#[cfg(test)]
mod tests {
    use super::meaning;

    #[test]
    fn explains_standard_and_application_codes() {
        assert!(meaning(1011).contains("Internal error"));
        assert!(meaning(1006).contains("without a close frame"));
        assert!(meaning(4001).contains("Application-defined"));
        assert!(meaning(999).contains("Not a valid close code"));
    }
}
