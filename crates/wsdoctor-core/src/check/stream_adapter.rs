//! What the two stream adapters under tungstenite share (`frame_watch.rs` watches the server's frames,
//! `permessage_deflate.rs` inflates its compressed messages): each reads the server's bytes before
//! tungstenite does, and passes what tungstenite writes to its `inner` stream unchanged.

/// Implements `AsyncWrite` for an adapter with an `inner` stream: every write, flush and shutdown goes
/// straight to it.
macro_rules! writes_pass_through {
    ($adapter:ty) => {
        impl tokio::io::AsyncWrite for $adapter {
            fn poll_write(
                mut self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
            }

            fn poll_flush(
                mut self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut self.inner).poll_flush(cx)
            }

            fn poll_shutdown(
                mut self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
            }
        }
    };
}

pub(super) use writes_pass_through;
