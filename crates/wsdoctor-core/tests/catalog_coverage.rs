//! Every catalog code is shown firing in some test against a real server: this test fails when a code is
//! added to the catalog without one (a code's test names it as a string literal in its assertion).

use std::path::Path;

use wsdoctor_core::catalog::CATALOG;

#[test]
fn every_code_has_a_test_that_names_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut sources = String::new();
    for dir in ["crates/wsdoctor-core/tests", "crates/wsdoctor-cli/tests"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("catalog_coverage.rs")
            {
                sources.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let untested: Vec<&str> = CATALOG
        .iter()
        .map(|entry| entry.code)
        .filter(|code| !sources.contains(&format!("\"{code}\"")))
        .collect();
    assert!(
        untested.is_empty(),
        "codes with no test that shows them firing: {untested:?}"
    );
}
