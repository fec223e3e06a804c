//! The browser's view of a target, shared by the check, the console and the reproduce commands: which
//! client a run speaks as (`client_profile.rs`: its User-Agent, headers and compression offer), the
//! cookies its jar would attach (`cookie_jar.rs`, with the rules browsers apply), and the site rules those
//! follow (`site.rs`).

pub mod client_profile;
pub(crate) mod cookie_jar;
pub(crate) mod site;

pub use client_profile::ClientProfile;
