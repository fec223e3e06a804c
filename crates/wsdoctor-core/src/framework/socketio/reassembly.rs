//! A binary Socket.IO event or ack arrives as its packet, then one binary frame per attachment; this
//! holds the packet until the last attachment comes, then fills the placeholders in. Bounded: a packet
//! may announce at most [`MAX_ATTACHMENTS`], and hold at most [`MAX_ATTACHMENT_BYTES`], so a server that
//! announces and never sends, or sends without end, cannot grow a session's memory.

use serde_json::Value;

use super::packet::fill_placeholders;
use crate::framework::exchange::Decoded;

/// Attachments one binary packet may announce.
const MAX_ATTACHMENTS: usize = 256;
/// Bytes of attachments held for one packet while the rest arrive.
const MAX_ATTACHMENT_BYTES: usize = 64 << 20;

/// A binary event or ack whose attachments are still arriving.
struct Partial {
    decoded: Decoded,
    args: Value,
    expected: usize,
    attachments: Vec<Vec<u8>>,
}

/// The packet waiting for its attachments, if one is.
#[derive(Default)]
pub(super) struct Reassembly(Option<Partial>);

impl Reassembly {
    /// An event or ack whose packet announced `attachments`: whole when none, else the first part,
    /// held until they come.
    pub(super) fn start(
        &mut self,
        mut decoded: Decoded,
        args: Value,
        attachments: usize,
    ) -> Decoded {
        if attachments == 0 {
            decoded.body = Some(args.to_string());
            return decoded;
        }
        let mut first = decoded.clone();
        first.kind = format!("{}-part", decoded.kind);
        first.note = Some(format!(
            "{}{attachments} binary attachment(s) follow",
            decoded
                .note
                .as_ref()
                .map(|n| format!("{n}; "))
                .unwrap_or_default()
        ));
        self.0 = Some(Partial {
            decoded,
            args,
            expected: attachments.min(MAX_ATTACHMENTS),
            attachments: Vec::new(),
        });
        first
    }

    /// One attachment (its Engine.IO prefix taken off): a part while more are awaited, the whole event
    /// or ack with the last one.
    pub(super) fn heard(&mut self, bytes: &[u8]) -> Decoded {
        let Some(partial) = self.0.as_mut() else {
            let mut decoded = Decoded::new("unknown");
            decoded.note = Some("a binary frame that no binary event announced".into());
            return decoded;
        };
        let held: usize = partial.attachments.iter().map(Vec::len).sum();
        if held + bytes.len() > MAX_ATTACHMENT_BYTES {
            self.0 = None;
            let mut decoded = Decoded::new("unknown");
            decoded.note = Some(format!(
                "the attachments of one packet pass {} MB: the packet is given up",
                MAX_ATTACHMENT_BYTES >> 20
            ));
            return decoded;
        }
        partial.attachments.push(bytes.to_vec());
        if partial.attachments.len() < partial.expected {
            let mut decoded = Decoded::new(&format!("{}-part", partial.decoded.kind));
            decoded.name = partial.decoded.name.clone();
            decoded.id = partial.decoded.id.clone();
            decoded.note = Some(format!(
                "attachment {} of {}",
                partial.attachments.len(),
                partial.expected
            ));
            return decoded;
        }
        let Some(Partial {
            mut decoded,
            mut args,
            attachments,
            ..
        }) = self.0.take()
        else {
            return Decoded::new("unknown");
        };
        fill_placeholders(&mut args, &attachments);
        decoded.body = Some(args.to_string());
        decoded
    }
}
