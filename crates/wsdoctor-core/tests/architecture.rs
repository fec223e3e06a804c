//! The shape `docs/architecture.md` promises, checked on the source itself so it cannot drift: modules
//! depend downwards only (no import cycle between the engine's modules, nor between the files of one
//! folder), and no Rust file in the workspace grows past 600 lines.
//!
//! The module graph is read from the text: every `crate::…`, `super::…` and `self::…` path outside
//! `#[cfg(test)]` code (tests may reach anywhere), each resolved to the deepest module the source tree
//! has. A reference from module A to module B is an edge between the two children of their deepest
//! common ancestor that lead to them (`check::frameworks::stomp` → `framework::stomp::frame` is
//! `check` → `framework`; `check::upgrade` → `check::handshake` is `upgrade` → `handshake` inside
//! `check`). A reference to a folder's own `mod.rs` items is no edge: a folder owns its children.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

/// The module path of a source file: `src/check/frameworks/stomp.rs` → `["check", "frameworks", "stomp"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("a file under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The source without its `#[cfg(test)]` items: from each such attribute to the end of the item it
/// marks (a `mod … { … }` block, or the next line for a `mod x;`).
fn without_tests(source: &str) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let open = after.find('{');
        let semicolon = after.find(';');
        match (open, semicolon) {
            (Some(open), Some(semi)) if semi < open => rest = &after[semi + 1..],
            (Some(open), _) => {
                let mut depth = 0usize;
                let mut end = after.len();
                for (i, c) in after[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &after[end..];
            }
            _ => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let path: String = path.split_whitespace().collect();
    let Some(open) = path.find('{') else {
        return vec![path];
    };
    let prefix = &path[..open];
    let inner = &path[open + 1..path.rfind('}').unwrap_or(path.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// The paths a file names: `use` trees expanded, and every other `crate::`/`super::`/`self::` path.
fn named_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let use_tree = regex::Regex::new(r"(?s)\buse\s+((?:crate|super|self)::[^;]*);").unwrap();
    for found in use_tree.captures_iter(code) {
        paths.extend(expand(&found[1]));
    }
    let without_uses = use_tree.replace_all(code, "");
    let inline =
        regex::Regex::new(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)").unwrap();
    paths.extend(
        inline
            .captures_iter(&without_uses)
            .map(|found| found[1].to_string()),
    );
    paths
}

/// The module a path named in module `from` reaches, as deep as the tree has modules.
fn resolve(path: &str, from: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<String> {
    let mut words = path.split("::").peekable();
    let mut at: Vec<String> = match words.peek().copied() {
        Some("crate") => {
            words.next();
            Vec::new()
        }
        _ => {
            // `self` is the file's own module (a `mod.rs` is its folder's), `super` its parent.
            let mut at = from.to_vec();
            while let Some(word) = words.peek().copied() {
                match word {
                    "self" => {}
                    "super" => {
                        at.pop();
                    }
                    _ => break,
                }
                words.next();
            }
            at
        }
    };
    for word in words {
        let mut deeper = at.clone();
        deeper.push(word.to_string());
        if modules.contains(&deeper) {
            at = deeper;
        } else {
            break;
        }
    }
    at
}

/// The edges between sibling modules, keyed by their common parent.
fn sibling_edges(src: &Path) -> BTreeMap<Vec<String>, BTreeSet<(String, String)>> {
    let files = rust_files(src);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(src, f)).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<(String, String)>> = BTreeMap::new();
    for file in &files {
        let from = module_of(src, file);
        let code = without_tests(&std::fs::read_to_string(file).unwrap());
        for path in named_paths(&code) {
            let to = resolve(&path, &from, &modules);
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common < from.len() && common < to.len() {
                edges
                    .entry(from[..common].to_vec())
                    .or_default()
                    .insert((from[common].clone(), to[common].clone()));
            }
        }
    }
    edges
}

/// The cycles among `edges` (each as the modules on it), by a depth-first search from every module.
fn cycles(edges: &BTreeSet<(String, String)>) -> Vec<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges {
        next.entry(a).or_default().push(b);
    }
    let mut found: BTreeSet<Vec<String>> = BTreeSet::new();
    fn walk<'a>(
        at: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        found: &mut BTreeSet<Vec<String>>,
    ) {
        if let Some(start) = path.iter().position(|m| *m == at) {
            let mut cycle: Vec<String> = path[start..].iter().map(|m| m.to_string()).collect();
            let smallest = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
            cycle.rotate_left(smallest);
            found.insert(cycle);
            return;
        }
        if path.len() > 12 {
            return;
        }
        path.push(at);
        for to in next.get(at).into_iter().flatten() {
            walk(to, next, path, found);
        }
        path.pop();
    }
    for start in next.keys() {
        walk(start, &next, &mut Vec::new(), &mut found);
    }
    found.into_iter().collect()
}

#[test]
fn modules_depend_downwards_only() {
    let mut problems = Vec::new();
    for src in [
        workspace().join("crates/wsdoctor-core/src"),
        workspace().join("crates/wsdoctor-cli/src"),
        workspace().join("src-tauri/src"),
    ] {
        for (parent, edges) in sibling_edges(&src) {
            for cycle in cycles(&edges) {
                let crate_dir = src.parent().and_then(Path::file_name).unwrap_or_default();
                let place = format!("{}: {}", crate_dir.to_string_lossy(), parent.join("::"));
                problems.push(format!("{place} {}", cycle.join(" → ")));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "import cycles (each module on a cycle imports the next, the last the first):\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_rust_file_is_longer_than_600_lines() {
    let root = workspace();
    let mut long = Vec::new();
    for dir in [
        "crates",
        "src-tauri/src",
        "src-tauri/tests",
        "src-tauri/build.rs",
    ] {
        for file in rust_files(&root.join(dir)) {
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            if lines > MAX_LINES {
                long.push(format!(
                    "{} ({lines} lines)",
                    file.strip_prefix(&root).unwrap_or(&file).display()
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines (split them by what they do):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_reader_of_the_source_finds_what_it_should() {
    assert_eq!(
        expand("crate::a::{b, c::{d, E}}"),
        ["crate::a::b", "crate::a::c::d", "crate::a::c::E"]
    );
    let code = "use super::{x, y::Z};\nfn f() { crate::q::r(); }\n#[cfg(test)]\nmod tests { use crate::t; }\n";
    let paths = named_paths(&without_tests(code));
    assert_eq!(paths, ["super::x", "super::y::Z", "crate::q::r"]);
    let edges: BTreeSet<(String, String)> = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(cycles(&edges), [vec!["a", "b", "c"]]);
}
