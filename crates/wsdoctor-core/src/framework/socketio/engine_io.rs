//! Engine.IO and Socket.IO packets, as much of them as a check needs: the open packet of a polling
//! handshake, a namespace CONNECT and its answer, and the requests that carry them, in Engine.IO 4
//! (Socket.IO 3 and 4) and in Engine.IO 3 (Socket.IO 2 clients, which a URL with `EIO=3` stands for).
//! Pure functions over text: what the server sent is parsed, never trusted (no unwrap, no byte slicing
//! of peer data).

use serde_json::Value;
use url::Url;

/// The Engine.IO protocol version a check speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// Socket.IO 2: length-prefixed polling payloads, the client pings, the main namespace is joined
    /// by the server, a namespace's auth goes in its query.
    V3,
    /// Socket.IO 3 and 4: the server pings, every namespace is joined with a CONNECT and its payload.
    V4,
}

impl Version {
    /// Engine.IO 3 when the URL asks for it (`EIO=3`, as a Socket.IO 2 client's requests do), else 4.
    pub(crate) fn of_url(url: &Url) -> Version {
        if url.query_pairs().any(|(k, v)| k == "EIO" && v == "3") {
            Version::V3
        } else {
            Version::V4
        }
    }

    pub(crate) fn number(self) -> &'static str {
        match self {
            Version::V3 => "3",
            Version::V4 => "4",
        }
    }
}

/// The client's answer to an Engine.IO ping from the server (`2`, with its payload): the pong (`3`, with
/// the same payload). Only Engine.IO 4 servers ping; in Engine.IO 3 the client pings and the server
/// answers, so nothing is answered.
pub(crate) fn pong_for(text: &str, version: Version) -> Option<String> {
    let payload = text.strip_prefix('2')?;
    (version == Version::V4).then(|| format!("3{payload}"))
}

/// How often an Engine.IO 3 client pings: the open packet's `pingInterval`, never more often than every
/// 100 ms (a server that says 0 would otherwise be pinged without a pause).
pub(crate) fn client_ping_every(ping_interval_ms: u64) -> std::time::Duration {
    std::time::Duration::from_millis(ping_interval_ms.max(100))
}

/// The catalog cause a namespace's CONNECT_ERROR names: the server has no such namespace, or its
/// middleware refused the join (whatever message it gave).
pub(crate) fn connect_error_cause(message: &str) -> &'static str {
    if message.eq_ignore_ascii_case("Invalid namespace") {
        "socketio.namespace_invalid"
    } else {
        "socketio.connect_rejected"
    }
}

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
/// message (status 101), in `version`.
pub(crate) fn read_open(status: u16, body: &str, version: Version) -> OpenAnswer {
    let body = body.trim();
    if let Some(error) = engine_error(body) {
        return error;
    }
    if status != 200 && status != 101 {
        return OpenAnswer::NotEngineIo;
    }
    let first = if status == 101 {
        body.to_string()
    } else {
        packets(body, version)
            .into_iter()
            .next()
            .unwrap_or_default()
    };
    if let Some(json) = first.strip_prefix('0')
        && let Ok(open) = serde_json::from_str::<Value>(json)
        && let Some(sid) = open.get("sid").and_then(Value::as_str)
    {
        let number = |name: &str| open.get(name).and_then(Value::as_u64).unwrap_or(0);
        return OpenAnswer::Open(Open {
            sid: sid.to_string(),
            upgrades: crate::framework::strings(&open, "upgrades"),
            ping_interval_ms: number("pingInterval"),
            ping_timeout_ms: number("pingTimeout"),
        });
    }
    if version == Version::V4
        && packets(body, Version::V3)
            .first()
            .is_some_and(|p| p.starts_with("0{"))
    {
        return OpenAnswer::Version3;
    }
    OpenAnswer::NotEngineIo
}

/// The packets of a polling payload: separated by a record separator in Engine.IO 4, each prefixed with
/// its length and a colon in Engine.IO 3 (`96:0{…}2:40`; the length counts UTF-16 units, as JavaScript
/// strings do). A v3 payload that does not add up yields the packets read so far.
pub(crate) fn packets(body: &str, version: Version) -> Vec<String> {
    if version == Version::V4 {
        return body.split(SEPARATOR).map(str::to_string).collect();
    }
    let mut found = Vec::new();
    let mut rest = body;
    while let Some((length, tail)) = rest.split_once(':') {
        let Ok(mut units) = length.parse::<usize>() else {
            break;
        };
        let mut end = 0;
        for (at, c) in tail.char_indices() {
            if units == 0 {
                break;
            }
            units = units.saturating_sub(c.len_utf16());
            end = at + c.len_utf8();
        }
        if units > 0 {
            break;
        }
        let (packet, after) = tail.split_at(end);
        found.push(packet.to_string());
        rest = after;
    }
    found
}

/// A polling payload of `packets`, in `version`.
pub(crate) fn payload(packets: &[&str], version: Version) -> String {
    match version {
        Version::V4 => packets.join(&SEPARATOR.to_string()),
        Version::V3 => packets
            .iter()
            .map(|p| format!("{}:{p}", p.encode_utf16().count()))
            .collect(),
    }
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
    // Node's engine.io sends the code as a number, engineioxide (Rust) as a string.
    let code = match error.get("code")? {
        Value::String(text) => text.trim().parse::<i64>().ok()?,
        other => other.as_i64()?,
    };
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
pub(crate) fn query(version: Version, transport: &str, sid: Option<&str>) -> String {
    let mut query = format!("EIO={}&transport={transport}", version.number());
    if let Some(sid) = sid {
        query.push_str("&sid=");
        query.push_str(&url::form_urlencoded::byte_serialize(sid.as_bytes()).collect::<String>());
    }
    query
}

/// A polling request, whole: GET to read, POST with `body` to send. `origin` is sent as a browser on that
/// page would, so the answer's CORS headers can be judged.
pub(crate) fn polling_request(
    version: Version,
    path: &str,
    host_header: &str,
    sid: Option<&str>,
    body: Option<&str>,
    origin: Option<&str>,
) -> String {
    let method = if body.is_some() { "POST" } else { "GET" };
    let mut request = format!(
        "{method} {path}?{} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: wsdoctor/{}\r\nAccept: */*\r\nConnection: close\r\n",
        query(version, "polling", sid),
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

/// The Engine.IO message that asks to join `namespace`, with the `auth` payload (JSON) if any. In
/// Engine.IO 3 there is none for the main namespace (the server joins it), and the payload's fields go in
/// the namespace's query, as Socket.IO 2 clients send their `query` option.
pub(crate) fn connect_packet(
    namespace: &str,
    auth: Option<&str>,
    version: Version,
) -> Option<String> {
    if version == Version::V3 {
        if namespace == "/" {
            return None;
        }
        let fields = auth
            .and_then(|a| serde_json::from_str::<serde_json::Map<String, Value>>(a).ok())
            .unwrap_or_default();
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &fields {
            match value {
                Value::String(text) => query.append_pair(name, text),
                other => query.append_pair(name, &other.to_string()),
            };
        }
        let query = query.finish();
        return Some(if query.is_empty() {
            format!("40{namespace},")
        } else {
            format!("40{namespace}?{query},")
        });
    }
    let mut packet = String::from("40");
    if namespace != "/" {
        packet.push_str(namespace);
        packet.push(',');
    }
    if let Some(auth) = auth {
        packet.push_str(auth);
    }
    Some(packet)
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

/// Finds the answer to the CONNECT of `namespace` among the packets of a payload (a WebSocket message is
/// one packet, which either reading finds whole).
pub(crate) fn read_connect(
    payload: &str,
    namespace: &str,
    version: Version,
) -> Option<ConnectAnswer> {
    let mut packets = packets(payload, version);
    if packets.is_empty() {
        packets.push(payload.to_string());
    }
    packets.into_iter().find_map(|packet| {
        let (kind, rest) = if let Some(rest) = packet.strip_prefix("40") {
            ('0', rest)
        } else if let Some(rest) = packet.strip_prefix("44") {
            ('4', rest)
        } else {
            return None;
        };
        let json = if namespace == "/" {
            if rest.starts_with('/') {
                return None;
            }
            rest
        } else {
            // The answer names the namespace (with the query it was joined with, in Engine.IO 3),
            // then a comma before its data; `/admin2` is another namespace's.
            let after = rest.strip_prefix(namespace)?;
            if after.is_empty() {
                after
            } else if let Some(json) = after.strip_prefix(',') {
                json
            } else if after.starts_with('?') {
                after.split_once(',').map_or("", |(_, json)| json)
            } else {
                return None;
            }
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
                // Engine.IO 3 servers send the middleware's message as a bare JSON string.
                message: value
                    .get("message")
                    .or(Some(&value))
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
            Version::V4,
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
            read_open(200, r#"26:0{"sid":"x","upgrades":[]}2:40"#, Version::V4),
            OpenAnswer::Version3
        );
        assert_eq!(
            read_open(
                400,
                r#"{"code":5,"message":"Unsupported protocol version"}"#,
                Version::V3
            ),
            OpenAnswer::Refused {
                code: 5,
                message: "Unsupported protocol version".into()
            }
        );
        assert_eq!(
            read_open(400, r#"{"code":"3","message":"Bad request"}"#, Version::V4),
            OpenAnswer::Refused {
                code: 3,
                message: "Bad request".into()
            }
        );
        assert_eq!(
            read_open(
                400,
                "28\r\n{\"code\":0,\"message\":\"Transport unknown\"}\r\n0",
                Version::V4
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
            assert_eq!(
                read_open(status, body, Version::V4),
                OpenAnswer::NotEngineIo,
                "{body}"
            );
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
        let v4 = Version::V4;
        assert_eq!(connect_packet("/", None, v4).unwrap(), "40");
        assert_eq!(
            connect_packet("/admin", Some(r#"{"token":"t"}"#), v4).unwrap(),
            r#"40/admin,{"token":"t"}"#
        );
        assert_eq!(
            read_connect("2\u{1e}40{\"sid\":\"s1\"}", "/", v4),
            Some(ConnectAnswer::Connected { sid: "s1".into() })
        );
        assert_eq!(
            read_connect(r#"44/admin,{"message":"not authorized"}"#, "/admin", v4),
            Some(ConnectAnswer::Refused {
                message: "not authorized".into()
            })
        );
        assert_eq!(read_connect(r#"40/other,{"sid":"s"}"#, "/admin", v4), None);
        assert_eq!(read_connect(r#"40/admin2,"#, "/admin", v4), None);
        assert_eq!(read_connect(r#"40/admin,"#, "/", v4), None);
        assert_eq!(read_connect("6", "/", v4), None);
    }

    #[test]
    fn engine_io_3_payloads_are_length_prefixed_and_namespaces_joined_by_query() {
        let v3 = Version::V3;
        // The main namespace is the server's to join; another carries the auth fields in its query.
        assert_eq!(connect_packet("/", Some(r#"{"token":"t"}"#), v3), None);
        assert_eq!(
            connect_packet("/admin", Some(r#"{"token":"a b","n":1}"#), v3).unwrap(),
            "40/admin?n=1&token=a+b,"
        );
        assert_eq!(connect_packet("/admin", None, v3).unwrap(), "40/admin,");
        // Lengths count UTF-16 units, as JavaScript does.
        let body = payload(&["0{\"sid\":\"é😀\"}", "40"], v3);
        assert_eq!(body, "14:0{\"sid\":\"é😀\"}2:40");
        assert_eq!(packets(&body, v3), vec!["0{\"sid\":\"é😀\"}", "40"]);
        assert_eq!(packets("5:abc", v3), Vec::<String>::new());
        assert_eq!(packets("x:abc", v3), Vec::<String>::new());
        let open = read_open(
            200,
            r#"58:0{"sid":"x","upgrades":["websocket"],"pingInterval":25000}2:40"#,
            v3,
        );
        assert!(
            matches!(open, OpenAnswer::Open(Open { ref sid, .. }) if sid == "x"),
            "{open:?}"
        );
        assert_eq!(
            read_connect("2:40", "/", v3),
            Some(ConnectAnswer::Connected { sid: String::new() })
        );
        assert_eq!(
            read_connect(r#"25:44/admin,"not authorized""#, "/admin", v3),
            Some(ConnectAnswer::Refused {
                message: "not authorized".into()
            })
        );
        assert_eq!(
            read_connect("19:40/admin?token=a+b,", "/admin", v3),
            Some(ConnectAnswer::Connected { sid: String::new() })
        );
    }

    #[test]
    fn requests_carry_the_session_and_the_body() {
        let post = polling_request(
            Version::V4,
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
        let get = polling_request(Version::V3, "/socket.io/", "h:1", None, None, None);
        assert!(
            get.starts_with("GET /socket.io/?EIO=3&transport=polling HTTP/1.1")
                && get.ends_with("\r\n\r\n")
        );
    }
}
