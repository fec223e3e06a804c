//! Files the CLI writes go through the core's atomic writer: whole or not at all.

pub use wsdoctor_core::atomic_file::write_atomically;
