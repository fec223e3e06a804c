//! permessage-deflate (RFC 7692), as every browser negotiates it. The check offers what Chrome offers,
//! validates the server's answer as a browser does (a browser fails the connection on any parameter it
//! did not offer or cannot read), and inflates a compressed message when compression was agreed
//! (tungstenite has none; `server_frames.rs` hands each inflated message on as one plain frame). The
//! client sends uncompressed messages, which the extension allows.
//!
//! Memory is bounded: a message inflates to at most [`MAX_MESSAGE_BYTES`] (a deflate bomb stops there).

use flate2::{Decompress, FlushDecompress, Status};

/// What Chrome, Firefox and Safari send.
pub(crate) use crate::browser::client_profile::DEFLATE_OFFER as OFFER;
/// The largest message held or inflated.
pub(crate) const MAX_MESSAGE_BYTES: usize = 64 << 20;
/// The tail RFC 7692 §7.2.2 has the receiver append before inflating.
const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// The parameters a server agreed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Agreed {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    pub client_max_window_bits: Option<u8>,
}

impl Agreed {
    /// As the report shows it.
    pub fn describe(&self) -> String {
        let mut parts = vec!["permessage-deflate".to_string()];
        if self.server_no_context_takeover {
            parts.push("server_no_context_takeover".into());
        }
        if self.client_no_context_takeover {
            parts.push("client_no_context_takeover".into());
        }
        if let Some(bits) = self.server_max_window_bits {
            parts.push(format!("server_max_window_bits={bits}"));
        }
        if let Some(bits) = self.client_max_window_bits {
            parts.push(format!("client_max_window_bits={bits}"));
        }
        parts.join("; ")
    }
}

/// Reads the server's `Sec-WebSocket-Extensions` against the offer made (none, or permessage-deflate
/// with or without `client_max_window_bits`): the agreed compression, none, or why a browser would fail
/// the connection.
pub(crate) fn answer(header: Option<&str>, offer: Option<&str>) -> Result<Option<Agreed>, String> {
    let offered = offer.is_some();
    let offered_client_bits = offer.is_some_and(|o| o.contains("client_max_window_bits"));
    let Some(header) = header.filter(|h| !h.trim().is_empty()) else {
        return Ok(None);
    };
    let mut agreed: Option<Agreed> = None;
    for element in header.split(',') {
        let mut parts = element.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        if !name.eq_ignore_ascii_case("permessage-deflate") || !offered {
            return Err(format!(
                "the server enabled `{name}`, which was not offered"
            ));
        }
        if agreed.is_some() {
            return Err("the server named permessage-deflate twice".into());
        }
        let mut this = Agreed::default();
        let mut seen: Vec<String> = Vec::new();
        for parameter in parts.filter(|p| !p.is_empty()) {
            let (key, value) = match parameter.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim().trim_matches('"'))),
                None => (parameter, None),
            };
            let key = key.to_ascii_lowercase();
            if seen.contains(&key) {
                return Err(format!("the parameter `{key}` is given twice"));
            }
            seen.push(key.clone());
            let bits = |value: Option<&str>| -> Result<u8, String> {
                let text = value.ok_or_else(|| format!("`{key}` has no value"))?;
                match text.parse::<u8>() {
                    Ok(bits @ 8..=15) if text.len() <= 2 && !text.starts_with('0') => Ok(bits),
                    _ => Err(format!("`{key}={text}` is out of range (8 to 15)")),
                }
            };
            match key.as_str() {
                "server_no_context_takeover" | "client_no_context_takeover" if value.is_some() => {
                    return Err(format!("`{key}` takes no value"));
                }
                "server_no_context_takeover" => this.server_no_context_takeover = true,
                "client_no_context_takeover" => this.client_no_context_takeover = true,
                "server_max_window_bits" => this.server_max_window_bits = Some(bits(value)?),
                // RFC 7692 §7.1.2.2: only when the client offered it.
                "client_max_window_bits" if !offered_client_bits => {
                    return Err("`client_max_window_bits` was answered but not offered".to_string());
                }
                "client_max_window_bits" => this.client_max_window_bits = Some(bits(value)?),
                other => return Err(format!("the parameter `{other}` is unknown")),
            }
        }
        agreed = Some(this);
    }
    Ok(agreed)
}

/// Inflates the server's compressed messages one at a time, keeping the window between them unless the
/// server said it does not (`server_no_context_takeover`).
pub(crate) struct Inflater {
    decompress: Decompress,
    reset_each: bool,
}

impl Inflater {
    pub fn new(agreed: &Agreed) -> Self {
        Self {
            decompress: Decompress::new(false),
            reset_each: agreed.server_no_context_takeover,
        }
    }

    /// One message: its compressed payload (all its frames', without the tail), inflated, or why not.
    pub fn inflate(&mut self, mut payload: Vec<u8>) -> Result<Vec<u8>, String> {
        if self.reset_each {
            self.decompress.reset(false);
        }
        payload.extend_from_slice(&TAIL);
        let input = payload.as_slice();
        let inflater = &mut self.decompress;
        let mut out = Vec::with_capacity((input.len() * 4).min(MAX_MESSAGE_BYTES));
        let start_in = inflater.total_in();
        loop {
            let consumed = (inflater.total_in() - start_in) as usize;
            if out.len() == out.capacity() {
                if out.len() >= MAX_MESSAGE_BYTES {
                    return Err(format!(
                        "a compressed message inflates past {} MB",
                        MAX_MESSAGE_BYTES >> 20
                    ));
                }
                out.reserve_exact((out.len().max(4096)).min(MAX_MESSAGE_BYTES - out.len()));
            }
            let (before_in, before_out) = (inflater.total_in(), inflater.total_out());
            let status = inflater
                .decompress_vec(&input[consumed..], &mut out, FlushDecompress::Sync)
                .map_err(|e| format!("a compressed message does not inflate: {e}"))?;
            if out.len() > MAX_MESSAGE_BYTES {
                return Err(format!(
                    "a compressed message inflates past {} MB",
                    MAX_MESSAGE_BYTES >> 20
                ));
            }
            let consumed = (inflater.total_in() - start_in) as usize;
            if (consumed >= input.len() && out.len() < out.capacity())
                || status == Status::StreamEnd
            {
                return Ok(out);
            }
            if inflater.total_in() == before_in
                && inflater.total_out() == before_out
                && out.len() < out.capacity()
            {
                return Err("a compressed message does not inflate: it is truncated".into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_as_rfc_7692_says() {
        assert_eq!(answer(None, Some(OFFER)), Ok(None));
        let agreed = answer(
            Some("permessage-deflate; client_max_window_bits=15; server_no_context_takeover"),
            Some(OFFER),
        )
        .unwrap()
        .unwrap();
        assert!(agreed.server_no_context_takeover);
        assert_eq!(agreed.client_max_window_bits, Some(15));
        for bad in [
            "permessage-deflate; server_max_window_bits=7",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; server_max_window_bits=010",
            "permessage-deflate; mystery=1",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "permessage-deflate, permessage-deflate",
            "x-webkit-deflate-frame",
        ] {
            assert!(answer(Some(bad), Some(OFFER)).is_err(), "{bad}");
        }
        assert!(answer(Some("permessage-deflate"), None).is_err());
        // Firefox offers no client_max_window_bits: an answer naming it fails the connection there.
        assert!(
            answer(
                Some("permessage-deflate; client_max_window_bits=15"),
                Some("permessage-deflate")
            )
            .is_err()
        );
        assert!(answer(Some("permessage-deflate"), Some("permessage-deflate")).is_ok());
    }
}
