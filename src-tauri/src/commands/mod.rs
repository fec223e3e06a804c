//! The app's commands, one module per domain. Each is a thin call into `wsdoctor-core`.

pub mod app;
pub mod connect;
pub mod lab;
