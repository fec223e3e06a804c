//! The layers before the upgrade, each an item of the checklist: the URL (`url.rs`), the page that opens
//! the socket and its Content-Security-Policy (`page_policy.rs`), the cookies a browser would attach
//! (`cookies.rs`), an expired token in the request (`token_expiry.rs`), DNS, TCP and the proxy
//! (`network.rs`), and TLS (`tls.rs`).

pub(in crate::check) mod cookies;
pub(in crate::check) mod network;
pub(in crate::check) mod page_policy;
pub(in crate::check) mod tls;
pub(in crate::check) mod token_expiry;
pub(in crate::check) mod url;
