//! `ui/src/bindings.ts` must be exactly what the Rust types generate. Run `make bindings` (which sets
//! `UPDATE_BINDINGS=1` for this test) after changing a type that crosses IPC.

use std::path::PathBuf;

#[test]
fn typescript_bindings_are_fresh() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(wsdoctor_app::bindings::BINDINGS_PATH);
    let generated = wsdoctor_app::bindings::typescript();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let tmp = path.with_extension("ts.tmp");
        std::fs::write(&tmp, &generated).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `make bindings` and commit the result",
        path.display()
    );
}
