//! A response body sent with `Transfer-Encoding: chunked` (uvicorn, Node's http without a length):
//! decoded so that what follows reads the body the server meant (an Engine.IO open packet, an error
//! message), and recognised as complete so that reading it stops at its end instead of waiting out the
//! deadline. Peer data: sizes are checked, nothing is sliced past what arrived, a cut body decodes as far
//! as it goes.

/// Whether `raw` holds the whole chunked body: the last, empty chunk and the blank line after it.
pub(in crate::check) fn is_complete(raw: &[u8]) -> bool {
    let mut rest = raw;
    loop {
        let Some((size, after)) = chunk_size(rest) else {
            return false;
        };
        if size == 0 {
            return after.windows(2).any(|w| w == b"\r\n");
        }
        match after.get(size..).and_then(|r| r.strip_prefix(b"\r\n")) {
            Some(next) => rest = next,
            None => return false,
        }
    }
}

/// The body's bytes, chunk after chunk, as far as they arrived and made sense.
pub(in crate::check) fn decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((size, after)) = chunk_size(rest) {
        if size == 0 {
            break;
        }
        let available = size.min(after.len());
        out.extend_from_slice(&after[..available]);
        match after.get(size..).and_then(|r| r.strip_prefix(b"\r\n")) {
            Some(next) => rest = next,
            None => break,
        }
    }
    out
}

/// A chunk's size line (`1a;ext=x\r\n`): the size, and what follows the line.
fn chunk_size(raw: &[u8]) -> Option<(usize, &[u8])> {
    let end = raw.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(raw.get(..end)?).ok()?;
    let digits = line.split(';').next()?.trim();
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let size = usize::from_str_radix(digits, 16).ok()?;
    Some((size, raw.get(end + 2..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_body_is_decoded_and_known_complete() {
        let raw = b"5\r\nhello\r\n7;x=1\r\n, world\r\n0\r\n\r\n";
        assert_eq!(decode(raw), b"hello, world");
        assert!(is_complete(raw));
        assert!(!is_complete(&raw[..raw.len() - 2]));
        assert!(!is_complete(b"5\r\nhel"));
        assert_eq!(decode(b"5\r\nhel"), b"hel");
    }

    #[test]
    fn nonsense_decodes_to_nothing_without_panicking() {
        for raw in [
            &b""[..],
            b"zz\r\nabc",
            b"ffffffffff\r\nabc",
            b"\r\n\r\n",
            b"3\r\nabcX",
        ] {
            let _ = decode(raw);
            assert!(!is_complete(raw) || raw.is_empty());
        }
        assert_eq!(decode(b"3\r\nabcX"), b"abc");
    }
}
