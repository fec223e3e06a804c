//! A value that must never be shown: a secret from the keyring, a passphrase, proxy credentials. It is
//! the other half of redaction: what the redactor scrubs from text, this type keeps from becoming text.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};
use zeroize::Zeroize;

/// A secret value. Its `Debug` says `<redacted>` and serialising it fails, so it cannot reach a log, a
/// report, a file or the IPC bridge by accident; [`Sensitive::expose`] is the one way to read it. Its memory
/// is wiped when it is dropped (copies made to go on the wire are not).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The value itself, for the one place that must send it (a header on the wire, the keyring).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize> Serialize for Sensitive<T> {
    fn serialize<S: Serializer>(&self, _: S) -> std::result::Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "a secret value is never serialised",
        ))
    }
}
