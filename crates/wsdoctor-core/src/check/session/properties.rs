//! Property tests: whatever frames (or bytes) a server sends after the upgrade, the session ends
//! within its deadlines with every item recorded, and never panics, with permessage-deflate agreed or
//! not (the stream goes through its adapter either way, as in a check).

use std::time::Duration;

use crate::check::session::{Plan, run};
use crate::check::upgrade::permessage_deflate::Agreed;
use crate::check::upgrade::server_frames::{self, Compression};
use crate::redact::Redactor;
use crate::report::Recorder;
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn run_against(
    server_bytes: Vec<u8>,
    leftover: Vec<u8>,
    close_after: bool,
    compressed: bool,
) -> Recorder {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let (client, mut server) = tokio::io::duplex(256 * 1024);
        tokio::spawn(async move {
            let _ = server.write_all(&server_bytes).await;
            if !close_after {
                // Stay open, reading (and ignoring) what comes, until the client goes.
                let mut sink = [0u8; 4096];
                while server.read(&mut sink).await.unwrap_or(0) > 0 {}
            }
        });
        let mut rec = Recorder::new(Redactor::new(&[]), None);
        let agreed = compressed.then(Agreed::default);
        let (client, watch) = server_frames::wrap(Box::new(client), leftover, agreed.as_ref());
        let plan = Plan {
            compression: Compression {
                offered: true,
                agreed,
                watch,
            },
            message: "wsdoctor check".into(),
            reply_timeout: Duration::from_millis(40),
            close_timeout: Duration::from_millis(40),
            probe_size: Some(300),
            idle: Some(Duration::from_millis(20)),
            recognised: None,
        };
        let started = std::time::Instant::now();
        tokio::time::timeout(
            Duration::from_secs(10),
            run(&mut rec, client, Vec::new(), &plan),
        )
        .await
        .expect("the session ends within its deadlines");
        assert!(started.elapsed() < Duration::from_secs(5));
        rec
    })
}

/// One server frame: FIN/RSV bits and opcode as given, an optional mask, any payload.
fn frame() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<u8>(),
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(first, masked, payload)| {
            let mut bytes = vec![first];
            let mask_bit = if masked { 0x80 } else { 0 };
            match payload.len() {
                n if n < 126 => bytes.push(mask_bit | n as u8),
                n => {
                    bytes.push(mask_bit | 126);
                    bytes.extend_from_slice(&(n as u16).to_be_bytes());
                }
            }
            if masked {
                bytes.extend_from_slice(&[1, 2, 3, 4]);
            }
            bytes.extend_from_slice(&payload);
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_frames_end_the_session_with_every_item_recorded(
        frames in proptest::collection::vec(frame(), 0..12),
        split in 0usize..64,
        close_after in any::<bool>(),
        compressed in any::<bool>(),
    ) {
        let bytes: Vec<u8> = frames.concat();
        let cut = split.min(bytes.len());
        let (leftover, rest) = bytes.split_at(cut);
        let rec = run_against(rest.to_vec(), leftover.to_vec(), close_after, compressed);
        let ids: Vec<&str> = rec.checks.iter().map(|c| c.id.as_str()).collect();
        for id in ["message", "ping", "framework", "message_size", "idle", "close"] {
            prop_assert!(ids.contains(&id), "{} missing from {:?}", id, ids);
        }
        for check in &rec.checks {
            for evidence in &check.evidence {
                prop_assert!(evidence.content.len() <= crate::report::MAX_EVIDENCE_BYTES + 40);
            }
        }
    }

    #[test]
    fn any_bytes_end_the_session(
        bytes in proptest::collection::vec(any::<u8>(), 0..4_000),
        close_after in any::<bool>(),
        compressed in any::<bool>(),
    ) {
        let rec = run_against(bytes, Vec::new(), close_after, compressed);
        prop_assert!(rec.checks.iter().any(|c| c.id == "close"));
    }
}
