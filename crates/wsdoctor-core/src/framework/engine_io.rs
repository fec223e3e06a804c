//! Engine.IO 4 and Socket.IO 5 packets, as much of them as a check needs: the open packet of a polling
//! handshake, a namespace CONNECT and its answer, the WebSocket transport's probe, and the requests that
//! carry them. Pure functions over text: what the server sent is parsed, never trusted (no unwrap, no
//! byte slicing of peer data).

use serde_json::Value;
use url::Url;

/// The Engine.IO protocol version a check speaks (Socket.IO 3 and 4 servers).
pub(crate) const EIO: &str = "4";

/// The Engine.IO packet separator in a polling payload (record separator).
const SEPARATOR: char = '\u{1e}';

/// The session a polling handshake opened.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Open {
    pub sid: String,
    /// Transports the client may upgrade to (`websocket`); empty when the server allows polling only.
    pub upgrades: Vec<String>,
    pub ping_interval_ms: u64,
    pub ping_timeout_ms: u64,
}

/// What the server answered to the Engine.IO handshake.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OpenAnswer {
    Open(Open),
    /// A length-prefixed Engine.IO 3 payload (`96:0{…}`): a Socket.IO 2 server.
    Version3,
    /// Engine.IO's own refusal: `{"code": N, "message": "…"}` (0 transport unknown, 1 session ID unknown,
    /// 3 bad request, 5 unsupported protocol version).
    Refused {
        code: i64,
        message: String,
    },
    /// Anything else: no Engine.IO server answered.
    NotEngineIo,
}

/// Reads an answer to the polling handshake (`status` and body), or to the WebSocket transport's first
/// message (status 101).
pub(crate) fn read_open(status: u16, body: &str) -> OpenAnswer {
    let body = body.trim();
    if let Some(error) = engine_error(body) {
        return error;
    }
    if status != 200 && status != 101 {
        return OpenAnswer::NotEngineIo;
    }
    let first = body.split(SEPARATOR).next().unwrap_or("");
    if let Some(json) = first.strip_prefix('0')
        && let Ok(open) = serde_json::from_str::<Value>(json)
        && let Some(sid) = open.get("sid").and_then(Value::as_str)
    {
        let number = |name: &str| open.get(name).and_then(Value::as_u64).unwrap_or(0);
        return OpenAnswer::Open(Open {
            sid: sid.to_string(),
            upgrades: super::strings(&open, "upgrades"),
            ping_interval_ms: number("pingInterval"),
            ping_timeout_ms: number("pingTimeout"),
        });
    }
    let (length, rest) = body.split_once(':').unwrap_or(("", ""));
    if !length.is_empty() && length.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with("0{") {
        return OpenAnswer::Version3;
    }
    OpenAnswer::NotEngineIo
}

/// Engine.IO's JSON error body, if that is what `body` is (also inside a chunked body, which the error
/// answers of some Engine.IO versions are: `28\r\n{…}\r\n0`).
fn engine_error(body: &str) -> Option<OpenAnswer> {
    let json = match (body.find('{'), body.rfind('}')) {
        (Some(start), Some(end)) => body.get(start..=end)?,
        _ => return None,
    };
    let Ok(Value::Object(error)) = serde_json::from_str::<Value>(json) else {
        return None;
    };
    let code = error.get("code").and_then(Value::as_i64)?;
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Some(OpenAnswer::Refused { code, message })
}

/// The Engine.IO path a user gave (the client's `path` option), made as the client makes it: with a
/// leading and a trailing slash.
pub(crate) fn normal_path(path: &str) -> Result<String, String> {
    let path = path.trim();
    if path.is_empty()
        || path
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
    {
        return Err(format!(
            "`{path}` is not a path: give the server's `path` option, such as /my-app/socket.io"
        ));
    }
    let mut normal = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    if !normal.ends_with('/') {
        normal.push('/');
    }
    Ok(normal)
}

/// Where the Engine.IO endpoint is and which namespace to join, from the URL as an app gives it to
/// `io()`: `http://host/admin` is namespace `/admin` on the default path `/socket.io/` (or on `custom`,
/// the client's `path` option); a URL whose path already names the Engine.IO path joins the main
/// namespace `/` there.
pub(crate) fn endpoint(url: &Url, custom: Option<&str>) -> (String, String) {
    let path = url.path();
    let namespace_of = |path: &str| {
        let namespace = path.trim_end_matches('/');
        if namespace.is_empty() {
            "/".to_string()
        } else {
            namespace.to_string()
        }
    };
    if let Some(custom) = custom {
        let namespace = if path.trim_end_matches('/') == custom.trim_end_matches('/') {
            "/".to_string()
        } else {
            namespace_of(path)
        };
        return (custom.to_string(), namespace);
    }
    match path.to_ascii_lowercase().find("/socket.io") {
        Some(at) => {
            let base = path.get(..at + "/socket.io".len()).unwrap_or("/socket.io");
            (format!("{base}/"), "/".to_string())
        }
        None => ("/socket.io/".to_string(), namespace_of(path)),
    }
}

/// The query of an Engine.IO request on `transport`, in session `sid` when there is one.
pub(crate) fn query(transport: &str, sid: Option<&str>) -> String {
    let mut query = format!("EIO={EIO}&transport={transport}");
    if let Some(sid) = sid {
        query.push_str("&sid=");
        query.push_str(&url::form_urlencoded::byte_serialize(sid.as_bytes()).collect::<String>());
    }
    query
}

/// A polling request, whole: GET to read, POST with `body` to send. `origin` is sent as a browser on that
/// page would, so the answer's CORS headers can be judged.
pub(crate) fn polling_request(
    path: &str,
    host_header: &str,
    sid: Option<&str>,
    body: Option<&str>,
    origin: Option<&str>,
) -> String {
    let method = if body.is_some() { "POST" } else { "GET" };
    let mut request = format!(
        "{method} {path}?{} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: wsdoctor/{}\r\nAccept: */*\r\nConnection: close\r\n",
        query("polling", sid),
        crate::VERSION
    );
    if let Some(origin) = origin {
        request.push_str(&format!("Origin: {origin}\r\n"));
    }
    match body {
        Some(body) => request.push_str(&format!(
            "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )),
        None => request.push_str("\r\n"),
    }
    request
}

/// The Engine.IO message that asks to join `namespace`, with the `auth` payload (JSON) if any.
pub(crate) fn connect_packet(namespace: &str, auth: Option<&str>) -> String {
    let mut packet = String::from("40");
    if namespace != "/" {
        packet.push_str(namespace);
        packet.push(',');
    }
    if let Some(auth) = auth {
        packet.push_str(auth);
    }
    packet
}

/// The server's answer to a namespace CONNECT.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ConnectAnswer {
    Connected {
        sid: String,
    },
    /// CONNECT_ERROR: the middleware's or the server's message (`Invalid namespace`).
    Refused {
        message: String,
    },
}

/// Finds the answer to the CONNECT of `namespace` among the packets of a payload.
pub(crate) fn read_connect(payload: &str, namespace: &str) -> Option<ConnectAnswer> {
    payload.split(SEPARATOR).find_map(|packet| {
        let (kind, rest) = if let Some(rest) = packet.strip_prefix("40") {
            ('0', rest)
        } else if let Some(rest) = packet.strip_prefix("44") {
            ('4', rest)
        } else {
            return None;
        };
        let json = if namespace == "/" {
            rest
        } else {
            rest.strip_prefix(namespace)?.strip_prefix(',')?
        };
        let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
        Some(match kind {
            '0' => ConnectAnswer::Connected {
                sid: value
                    .get("sid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            },
            _ => ConnectAnswer::Refused {
                message: value
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| json.to_string()),
            },
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_packets_old_servers_and_refusals_are_told_apart() {
        let open = read_open(
            200,
            r#"0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#,
        );
        assert_eq!(
            open,
            OpenAnswer::Open(Open {
                sid: "abc".into(),
                upgrades: vec!["websocket".into()],
                ping_interval_ms: 25000,
                ping_timeout_ms: 20000,
            })
        );
        assert_eq!(
            read_open(200, r#"96:0{"sid":"x","upgrades":[]}2:40"#),
            OpenAnswer::Version3
        );
        assert_eq!(
            read_open(
                400,
                r#"{"code":5,"message":"Unsupported protocol version"}"#
            ),
            OpenAnswer::Refused {
                code: 5,
                message: "Unsupported protocol version".into()
            }
        );
        assert_eq!(
            read_open(
                400,
                "28\r\n{\"code\":0,\"message\":\"Transport unknown\"}\r\n0"
            ),
            OpenAnswer::Refused {
                code: 0,
                message: "Transport unknown".into()
            }
        );
        for (status, body) in [
            (404, "not found"),
            (200, "<html>"),
            (200, "0{not json"),
            (200, "0{\"x\":1}"),
        ] {
            assert_eq!(read_open(status, body), OpenAnswer::NotEngineIo, "{body}");
        }
    }

    #[test]
    fn the_url_names_the_path_and_the_namespace_as_io_reads_it() {
        let of = |u: &str| endpoint(&Url::parse(u).unwrap(), None);
        assert_eq!(of("ws://h/"), ("/socket.io/".into(), "/".into()));
        assert_eq!(
            of("http://h/admin"),
            ("/socket.io/".into(), "/admin".into())
        );
        assert_eq!(
            of("ws://h/socket.io/?EIO=4"),
            ("/socket.io/".into(), "/".into())
        );
        assert_eq!(
            of("ws://h/app/socket.io"),
            ("/app/socket.io/".into(), "/".into())
        );
        // The client's `path` option: the URL's path is the namespace, unless it is that path.
        let custom = |u: &str| endpoint(&Url::parse(u).unwrap(), Some("/rt/"));
        assert_eq!(custom("ws://h/admin"), ("/rt/".into(), "/admin".into()));
        assert_eq!(custom("ws://h/rt?EIO=4"), ("/rt/".into(), "/".into()));
        assert_eq!(normal_path("rt").unwrap(), "/rt/");
        assert_eq!(normal_path("/a/socket.io/").unwrap(), "/a/socket.io/");
        for bad in ["", "/a b", "/a?x=1", "/a#b"] {
            assert!(normal_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn connect_answers_are_found_for_their_namespace() {
        assert_eq!(connect_packet("/", None), "40");
        assert_eq!(
            connect_packet("/admin", Some(r#"{"token":"t"}"#)),
            r#"40/admin,{"token":"t"}"#
        );
        assert_eq!(
            read_connect("2\u{1e}40{\"sid\":\"s1\"}", "/"),
            Some(ConnectAnswer::Connected { sid: "s1".into() })
        );
        assert_eq!(
            read_connect(r#"44/admin,{"message":"not authorized"}"#, "/admin"),
            Some(ConnectAnswer::Refused {
                message: "not authorized".into()
            })
        );
        assert_eq!(read_connect(r#"40/other,{"sid":"s"}"#, "/admin"), None);
        assert_eq!(read_connect("6", "/"), None);
    }

    #[test]
    fn requests_carry_the_session_and_the_body() {
        let post = polling_request(
            "/socket.io/",
            "h:1",
            Some("a b"),
            Some("40"),
            Some("https://app"),
        );
        assert!(
            post.starts_with("POST /socket.io/?EIO=4&transport=polling&sid=a+b HTTP/1.1\r\n"),
            "{post}"
        );
        assert!(
            post.contains("Origin: https://app\r\n")
                && post.ends_with("Content-Length: 2\r\n\r\n40")
        );
        let get = polling_request("/socket.io/", "h:1", None, None, None);
        assert!(
            get.starts_with("GET /socket.io/?EIO=4&transport=polling HTTP/1.1")
                && get.ends_with("\r\n\r\n")
        );
    }
}
