//! Keeps the structure ARCHITECTURE.md describes true: every source file starts with a `//!`
//! header saying what it is for, agent modules import only from lower layers (so there is
//! no import cycle), and files past the size limit are the ones ARCHITECTURE.md names.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The agent's top-level modules, lowest layer first. A module may import only from
/// modules of a lower layer; within a layer, modules do not import one another.
const LAYERS: &[&[&str]] = &[
    &[
        "blocking",
        "cache",
        "clock",
        "config",
        "lazy_broadcast",
        "procfs",
        "retry",
    ],
    &["cli", "limits", "secrets", "store"],
    &["pki", "operators"],
    &["membership", "logs", "raft", "acme"],
    &["services"],
    &["metrics"],
    &["events"],
    &["context"],
    &["api"],
    &["node"],
];

/// Longest a source file may be unless ARCHITECTURE.md names it with the reason.
const MAX_LINES: usize = 650;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for krate in ["agent", "shared", "gossip", "p2pctl", "tests"] {
        for dir in ["src", "tests", "examples", "benches"] {
            let d = workspace().join(krate).join(dir);
            if d.is_dir() {
                rust_files(&d, &mut files);
            }
        }
    }
    files.sort();
    files
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The agent module a file of `agent/src` belongs to (`None` for `lib.rs` and `main.rs`).
fn module_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(workspace().join("agent/src")).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// Top-level modules named by `crate::x` paths in code (comments skipped).
fn crate_imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                out.insert(name);
            }
            rest = after;
        }
    }
    out
}

#[test]
fn every_source_file_has_a_header() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not start with a `//!` comment saying what they are for:\n{}",
        missing.join("\n")
    );
}

#[test]
fn agent_modules_import_only_from_lower_layers() {
    let mut violations = Vec::new();
    let mut files = Vec::new();
    rust_files(&workspace().join("agent/src"), &mut files);
    for file in files {
        let Some(module) = module_of(&file) else {
            continue;
        };
        let Some(own) = layer_of(&module) else {
            violations.push(format!(
                "{}: module `{module}` is in no layer of tidy.rs (add it there and to ARCHITECTURE.md)",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for used in crate_imports(&text) {
            if used == module || used == "VERSION" {
                continue;
            }
            match layer_of(&used) {
                Some(l) if l < own => {}
                _ => violations.push(format!(
                    "{}: `{module}` (layer {own}) imports `{used}` (layer {})",
                    file.display(),
                    layer_of(&used).map_or("none".to_string(), |l| l.to_string())
                )),
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layer rule broken (ARCHITECTURE.md, \"Layers\"):\n{}",
        violations.join("\n")
    );
}

#[test]
fn long_files_are_explained() {
    let architecture = std::fs::read_to_string(workspace().join("ARCHITECTURE.md")).unwrap();
    let root = workspace();
    let mut unexplained = Vec::new();
    for file in sources() {
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        let rel = file.strip_prefix(&root).unwrap().display().to_string();
        if lines > MAX_LINES && !architecture.contains(&format!("`{rel}`")) {
            unexplained.push(format!("{rel}: {lines} lines"));
        }
    }
    assert!(
        unexplained.is_empty(),
        "files over {MAX_LINES} lines: split them, or say in ARCHITECTURE.md (\"Long files\") why not:\n{}",
        unexplained.join("\n")
    );
}

#[test]
fn import_scanner_sees_paths_and_skips_comments() {
    let text = "use crate::pki::ca::CertInfo;\n// crate::api is only mentioned\nlet x = crate::store::ts(1);\n";
    let got: Vec<String> = crate_imports(text).into_iter().collect();
    assert_eq!(got, vec!["pki".to_string(), "store".to_string()]);
}
