//! The redaction pass against every shape a secret takes where a report, a log or an entry may quote it.

use super::*;

#[test]
fn hides_secret_headers_and_keeps_the_scheme() {
    let r = Redactor::new(&["X-Tenant-Key".into()]);
    assert_eq!(
        r.header_value("Authorization", "Bearer abc.def"),
        "Bearer [REDACTED]"
    );
    assert_eq!(r.header_value("cookie", "sid=42; theme=dark"), REDACTED);
    assert_eq!(r.header_value("x-tenant-key", "t-9999"), REDACTED);
    assert_eq!(r.header_value("Accept", "text/plain"), "text/plain");
    assert_eq!(
        r.header_value("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        "dGhlIHNhbXBsZSBub25jZQ=="
    );
    assert_eq!(
        r.text("the server echoed abc.def back"),
        "the server echoed [REDACTED] back"
    );
    assert_eq!(r.count(), 3);
}

#[test]
fn hides_tokens_in_query_strings_and_credentials_in_urls() {
    let r = Redactor::new(&[]);
    let url =
        r.url("wss://user:hunter22@example.test/ws?room=7&access_token=s3cr3t&Signature=zz99");
    assert!(
        !url.contains("hunter22")
            && !url.contains("s3cr3t")
            && !url.contains("zz99")
            && !url.contains("user"),
        "{url}"
    );
    assert!(url.contains("room=7"), "{url}");
    assert_eq!(r.count(), 4);
    assert_eq!(
        r.url("wss://example.test/ws?room=7"),
        "wss://example.test/ws?room=7"
    );
}

#[test]
fn names_are_judged_by_their_words() {
    for secret in [
        "client_secret",
        "code",
        "sid",
        "signature",
        "sig",
        "key",
        "apikey",
        "apiKey",
        "X-Amz-Signature",
        "X-Amz-Credential",
        "sessionId",
        "DB_PASSWORD",
        "REDIS_URL",
        "x-goog-api-key",
    ] {
        assert!(is_secret_name(secret), "{secret} is a secret name");
    }
    for public in [
        "room",
        "EIO",
        "transport",
        "keyword",
        "monkey",
        "encoding",
        "Sec-WebSocket-Key",
        "NODE_ENV",
        "PORT",
        "HOME_URL",
    ] {
        assert!(!is_secret_name(public), "{public} is not a secret name");
    }
}

#[test]
fn encoded_and_decoded_forms_are_both_hidden() {
    let r = Redactor::new(&[]);
    let shown = r.url("wss://h/ws?token=ab%2Bcd/ef%3D%3D&sig=x+y");
    assert!(!shown.contains("ab%2Bcd"), "{shown}");
    for quoted in [
        "echo: ab+cd/ef==",
        "echo: ab%2Bcd%2Fef%3D%3D",
        "echo: ab%2bcd%2fef%3d%3d",
        "sig was x y",
    ] {
        let text = r.text(quoted);
        assert!(text.contains(REDACTED), "{quoted} → {text}");
    }
}

#[test]
fn secrets_quoted_in_text_are_found_by_their_names() {
    let r = Redactor::new(&[]);
    let text = r.text(
            "GET /ws?token=t0k&room=1 HTTP/1.1\n\
             connecting to redis://:p4ss@cache:6379/0 and wss://h/ws?apikey=k3y.\n\
             API_KEY=abcdef\nexport DB_PASSWORD='pw pw'\n{\"client_secret\": \"cs-123\", \"room\": \"7\"}\n\
             authorization: Bearer eyJabc\nclose code=1006 NODE_ENV=production",
        );
    for secret in ["t0k", "p4ss", "k3y", "abcdef", "pw pw", "cs-123", "eyJabc"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    for kept in [
        "room=1",
        "\"room\": \"7\"",
        "code=1006",
        "NODE_ENV=production",
        "cache:6379",
    ] {
        assert!(text.contains(kept), "{kept} missing from {text}");
    }
}

#[test]
fn a_second_pass_changes_nothing() {
    let r = Redactor::new(&[]);
    let once = r.text(
            "ws://u:p4ss@h/a?room=1&access_token=abc123 (host h).\nAuthorization: Bearer xyz789\ntoken: abc123",
        );
    let fresh = Redactor::new(&[]);
    assert_eq!(fresh.text(&once), once);
    assert_eq!(r.text(&once), once);
    assert_eq!(fresh.count(), 0, "{:?}", fresh.labels());
}

#[test]
fn short_secrets_are_hidden_where_they_stand_alone() {
    let r = Redactor::new(&[]);
    r.remember("x9", "header X-Pin");
    assert_eq!(r.text("pin x9 sent"), format!("pin {REDACTED} sent"));
    assert_eq!(r.text("ax9b stays"), "ax9b stays");
}

#[test]
fn subprotocol_tokens_are_hidden() {
    let r = Redactor::new(&[]);
    let shown = r.header_value(
        "Sec-WebSocket-Protocol",
        "base64url.bearer.authorization.k8s.io.ZXlKaGJHY2lPaUpT, v4.channel.k8s.io",
    );
    assert_eq!(
        shown,
        format!("base64url.bearer.authorization.k8s.io.{REDACTED}, v4.channel.k8s.io")
    );
    assert_eq!(
        r.subprotocol("graphql-transport-ws"),
        "graphql-transport-ws"
    );
    assert_eq!(
        r.subprotocol("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"),
        REDACTED
    );
    assert!(!r.text("sent ZXlKaGJHY2lPaUpT").contains("ZXlKaGJHY2lPaUpT"));
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    fn form(value: &str) -> String {
        url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// A remembered secret never survives in any text, raw or encoded, wherever it stands.
        #[test]
        fn a_remembered_secret_never_survives(
            secret in "[A-Za-z0-9+/=_.~-]{4,40}",
            before in "[ -Z^-~]{0,60}",
            after in "[ -Z^-~]{0,60}",
        ) {
            let r = Redactor::new(&[]);
            r.remember(&secret, "test");
            for planted in [secret.clone(), form(&secret)] {
                let out = r.text(&format!("{before}{planted}{after}"));
                prop_assert!(!out.contains(&planted), "{} in {}", planted, out);
            }
        }

        /// A token-named query value in a URL quoted anywhere in text is hidden, whatever it holds.
        #[test]
        fn a_token_in_a_quoted_url_never_survives(
            token in "[A-Za-z][A-Za-z0-9+/=]{0,39}",
            name in prop::sample::select(vec![
                "token", "access_token", "client_secret", "sig", "X-Amz-Signature", "apikey", "code",
                "sid", "refreshToken", "api-key",
            ]),
            prefix in "[ -Z^-~]{0,30}",
        ) {
            let pair = format!("{name}={}", form(&token));
            let text = format!("{prefix} connecting to wss://h.example/ws?room=1&{pair} now");
            let out = Redactor::new(&[]).text(&text);
            prop_assert!(!out.contains(&pair), "{} in {}", pair, out);
            prop_assert!(out.contains("room=1"), "{}", out);
        }
    }
}
