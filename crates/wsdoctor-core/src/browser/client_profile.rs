//! The client a user has: the upgrade request each real client sends, header for header, so that a
//! server, WAF or bot filter that treats clients differently (by User-Agent, by the extension offer, by
//! `Connection: keep-alive, Upgrade`) answers the check as it answers that client. The default is
//! Chrome's: "it works with wscat but not in Chrome" is the ticket this tool exists for.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The permessage-deflate offer every browser makes (RFC 7692), as Chrome writes it.
pub(crate) const DEFLATE_OFFER: &str = "permessage-deflate; client_max_window_bits";

/// Which client's upgrade request a check sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ClientProfile {
    /// Chrome (and Edge, and other Chromium browsers).
    #[default]
    Chrome,
    Firefox,
    Safari,
    /// Node's `ws` (socket.io-client, graphql-ws and most Node clients use it).
    Node,
    /// Python's `websockets`.
    Python,
    /// WS Doctor's own minimal request: no extension, no browser headers.
    Raw,
}

impl ClientProfile {
    pub const ALL: [ClientProfile; 6] = [
        ClientProfile::Chrome,
        ClientProfile::Firefox,
        ClientProfile::Safari,
        ClientProfile::Node,
        ClientProfile::Python,
        ClientProfile::Raw,
    ];

    /// As the CLI and the report name it.
    pub fn name(self) -> &'static str {
        match self {
            ClientProfile::Chrome => "chrome",
            ClientProfile::Firefox => "firefox",
            ClientProfile::Safari => "safari",
            ClientProfile::Node => "node",
            ClientProfile::Python => "python",
            ClientProfile::Raw => "raw",
        }
    }

    /// One line for the report.
    pub fn describe(self) -> &'static str {
        match self {
            ClientProfile::Chrome => {
                "Chrome 131 (a browser: its headers, permessage-deflate offered)"
            }
            ClientProfile::Firefox => {
                "Firefox 133 (a browser: its headers, permessage-deflate offered)"
            }
            ClientProfile::Safari => {
                "Safari 18 (a browser: its headers, permessage-deflate offered)"
            }
            ClientProfile::Node => "Node ws 8 (no User-Agent, permessage-deflate offered)",
            ClientProfile::Python => {
                "Python websockets 14 (its User-Agent, permessage-deflate offered)"
            }
            ClientProfile::Raw => "raw (WS Doctor's own minimal request, no extension)",
        }
    }

    pub fn is_browser(self) -> bool {
        matches!(
            self,
            ClientProfile::Chrome | ClientProfile::Firefox | ClientProfile::Safari
        )
    }

    /// The `Connection` header's value.
    pub fn connection(self) -> &'static str {
        match self {
            ClientProfile::Firefox => "keep-alive, Upgrade",
            _ => "Upgrade",
        }
    }

    /// The permessage-deflate offer, as this client words it (when compression is offered at all).
    pub fn extension_offer(self) -> Option<&'static str> {
        match self {
            ClientProfile::Firefox => Some("permessage-deflate"),
            ClientProfile::Raw => None,
            _ => Some(DEFLATE_OFFER),
        }
    }

    /// The headers this client adds to every upgrade request, besides Host, Upgrade, Connection, the
    /// key, the version, Origin, subprotocols and extensions.
    pub fn headers(self) -> Vec<(&'static str, String)> {
        let browser_common = |ua: &str, language: &str, encoding: &str| {
            vec![
                ("Pragma", "no-cache".to_string()),
                ("Cache-Control", "no-cache".to_string()),
                ("User-Agent", ua.to_string()),
                ("Accept-Encoding", encoding.to_string()),
                ("Accept-Language", language.to_string()),
            ]
        };
        match self {
            ClientProfile::Chrome => browser_common(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "en-US,en;q=0.9",
                "gzip, deflate, br, zstd",
            ),
            ClientProfile::Firefox => {
                let mut headers = browser_common(
                    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                    "en-US,en;q=0.5",
                    "gzip, deflate, br, zstd",
                );
                headers.push(("Accept", "*/*".into()));
                headers.push(("Sec-Fetch-Dest", "empty".into()));
                headers.push(("Sec-Fetch-Mode", "websocket".into()));
                headers
            }
            ClientProfile::Safari => browser_common(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "en-US,en;q=0.9",
                "gzip, deflate",
            ),
            ClientProfile::Node => Vec::new(),
            ClientProfile::Python => {
                vec![("User-Agent", "Python/3.11 websockets/14.1".to_string())]
            }
            ClientProfile::Raw => {
                vec![("User-Agent", format!("wsdoctor/{}", crate::VERSION))]
            }
        }
    }
}

impl std::str::FromStr for ClientProfile {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        ClientProfile::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                format!(
                    "`{text}` is not a client: one of {}",
                    ClientProfile::ALL.map(|c| c.name()).join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_is_told_apart_and_named_back() {
        for client in ClientProfile::ALL {
            assert_eq!(client.name().parse::<ClientProfile>(), Ok(client));
        }
        assert!("netscape".parse::<ClientProfile>().is_err());
        let ua = |c: ClientProfile| {
            c.headers()
                .into_iter()
                .find(|(n, _)| *n == "User-Agent")
                .map(|(_, v)| v)
        };
        assert!(ua(ClientProfile::Chrome).unwrap().contains("Chrome/"));
        assert_eq!(ua(ClientProfile::Node), None, "ws sends no User-Agent");
        assert_eq!(ClientProfile::Raw.extension_offer(), None);
        assert_eq!(ClientProfile::Firefox.connection(), "keep-alive, Upgrade");
    }
}
