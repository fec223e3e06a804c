//! SockJS, as far as a check needs it: where its `/info` is for a URL, what `/info` says (whether the
//! WebSocket transport is enabled, the allowed origins, whether a cookie is needed), and the raw
//! WebSocket endpoint (`<prefix>/websocket`) a plain WebSocket client can use.

pub(crate) mod framing;

use serde_json::Value;

/// What `<prefix>/info` says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Info {
    pub websocket: bool,
    pub origins: Vec<String>,
    pub cookie_needed: bool,
}

/// The SockJS prefix of a URL path: the path itself, or the path without a trailing `/websocket` (the raw
/// endpoint) or `/<server>/<session>/websocket` (a session's transport, as DevTools shows it).
pub(crate) fn prefix(path: &str) -> String {
    let path = path.trim_end_matches('/');
    if let Some(prefix) = session_prefix(path) {
        return prefix.to_string();
    }
    path.strip_suffix("/websocket").unwrap_or(path).to_string()
}

/// The prefix of a session transport's path, `<prefix>/<server>/<session>/websocket`, where the server id
/// is three digits and the session id has no dot.
fn session_prefix(path: &str) -> Option<&str> {
    let rest = path.trim_end_matches('/').strip_suffix("/websocket")?;
    let (rest, session) = rest.rsplit_once('/')?;
    let (prefix, server) = rest.rsplit_once('/')?;
    let server_ok = server.len() == 3 && server.bytes().all(|b| b.is_ascii_digit());
    let session_ok = !session.is_empty() && !session.contains('.');
    (server_ok && session_ok).then_some(prefix)
}

/// Why a URL path is SockJS's, if it is: a session's transport, or a `sockjs` segment (Spring's and the
/// examples' usual prefix).
pub(crate) fn recognised(path: &str) -> Option<&'static str> {
    if session_prefix(path).is_some() {
        Some(
            "the URL is a SockJS session's WebSocket transport (<prefix>/<server>/<session>/websocket)",
        )
    } else if path
        .split('/')
        .any(|segment| segment.eq_ignore_ascii_case("sockjs"))
    {
        Some("the URL path has a /sockjs segment")
    } else {
        None
    }
}

/// The path of a new session's WebSocket transport under `prefix`, as SockJS clients make it: a server
/// id of three digits and a session id of eight random characters.
pub(crate) fn session_path(prefix: &str) -> String {
    let session = super::random_alphanumerics(8);
    let server = super::random_alphanumerics(4)
        .bytes()
        .map(u32::from)
        .sum::<u32>()
        % 1000;
    format!("{prefix}/{server:03}/{session}/websocket")
}

/// Reads `/info`'s answer (a JSON object, possibly inside a chunked body); `None` if it is not SockJS's.
pub(crate) fn read_info(body: &str) -> Option<Info> {
    let json = body.get(body.find('{')?..=body.rfind('}')?)?;
    let info: Value = serde_json::from_str(json).ok()?;
    // `entropy` is SockJS's own field: it tells SockJS from any JSON with a `websocket` key.
    info.get("entropy")?;
    Some(Info {
        websocket: info.get("websocket")?.as_bool()?,
        origins: crate::framework::strings(&info, "origins"),
        cookie_needed: info
            .get("cookie_needed")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockjs_urls_are_recognised_and_their_prefix_found() {
        assert_eq!(prefix("/echo/123/ab3Xy9/websocket"), "/echo");
        assert_eq!(prefix("/echo/websocket"), "/echo");
        assert_eq!(prefix("/echo"), "/echo");
        assert!(recognised("/echo/123/ab3Xy9/websocket").is_some());
        assert!(recognised("/ws/sockjs").is_some());
        for plain in [
            "/echo/websocket",
            "/socket/websocket",
            "/a/12/b/websocket",
            "/chat",
        ] {
            assert!(recognised(plain).is_none(), "{plain}");
        }
        assert_eq!(prefix(&session_path("/stomp")), "/stomp");
    }

    #[test]
    fn a_session_path_has_a_server_and_a_session_id() {
        let path = session_path("/stomp");
        let parts: Vec<&str> = path.split('/').collect();
        assert_eq!(parts.len(), 5, "{path}");
        assert_eq!((parts[1], parts[4]), ("stomp", "websocket"));
        assert!(parts[2].len() == 3 && parts[2].bytes().all(|b| b.is_ascii_digit()));
        assert!(!parts[3].is_empty() && parts[3].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(session_path("/stomp"), path);
    }

    #[test]
    fn info_is_read_from_a_chunked_body_and_other_json_is_not_sockjs() {
        let body = "4f\r\n{\"websocket\":false,\"origins\":[\"*:*\"],\"cookie_needed\":true,\"entropy\":1}\r\n0";
        assert_eq!(
            read_info(body),
            Some(Info {
                websocket: false,
                origins: vec!["*:*".into()],
                cookie_needed: true
            })
        );
        assert_eq!(read_info("{\"websocket\":true}"), None);
        assert_eq!(read_info("not found"), None);
    }

    #[test]
    fn the_prefix_drops_the_raw_endpoint() {
        assert_eq!(prefix("/echo"), "/echo");
        assert_eq!(prefix("/echo/websocket"), "/echo");
        assert_eq!(prefix("/echo/"), "/echo");
    }
}
