//! `docs/diagnoses.md`, rendered from the catalog.

use super::{CATALOG, EXPLAINS};

/// `docs/diagnoses.md`, rendered from the catalog.
pub fn markdown() -> String {
    let mut text = String::from(
        "# Diagnoses\n\n\
         Every cause WS Doctor can name, with its stable code. Codes are an API: tools may match on them, and a\n\
         code is never renamed or reused. Severity: **error** breaks the connection; **warning** works here but\n\
         breaks for some clients or soon; **info** is worth knowing.\n\n\
         Generated from `crates/wsdoctor-core/src/catalog/` (`make docs`); a test fails when they differ.\n\n\
         | code | severity | title |\n|---|---|---|\n",
    );
    for entry in CATALOG.iter() {
        text.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            entry.code,
            entry.code.replace('.', ""),
            entry.severity.word(),
            entry.title
        ));
    }
    text.push_str(
        "\n## What explains what\n\n\
         A cause found at a deeper layer explains a symptom seen on the wire: when both are named, the cause \
         is ranked first and the symptom is marked as its consequence.\n\n\
         | cause | explains | because |\n|---|---|---|\n",
    );
    for relation in EXPLAINS {
        text.push_str(&format!(
            "| [`{}`](#{}) | [`{}`](#{}) | {} |\n",
            relation.cause,
            relation.cause.replace('.', ""),
            relation.symptom,
            relation.symptom.replace('.', ""),
            relation.because
        ));
    }
    for entry in CATALOG.iter() {
        text.push_str(&format!(
            "\n## `{}`\n\n**{}** ({})\n\n{}\n\n**Fix:** {}\n",
            entry.code,
            entry.title,
            entry.severity.word(),
            entry.explanation,
            entry.fix
        ));
        if let Some(snippet) = entry.snippet {
            text.push_str(&format!(
                "\n```{}\n{}\n```\n",
                snippet.language, snippet.text
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CATALOG;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for entry in CATALOG.iter() {
            assert!(seen.insert(entry.code), "{} appears twice", entry.code);
            let (layer, name) = entry.code.split_once('.').expect("layer.name");
            assert!(!layer.is_empty() && !name.is_empty());
            assert!(
                entry
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'),
                "{}",
                entry.code
            );
            assert!(entry.explanation.ends_with('.'), "{}", entry.code);
        }
    }

    #[test]
    fn docs_match_the_catalog() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/diagnoses.md");
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, markdown()).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == markdown(),
            "docs/diagnoses.md is stale: run `make docs` and commit it"
        );
    }
}
