//! Every file the README, the docs and the examples' READMEs refer to exists in the repository: a reader who
//! copies a command or follows a link never meets a missing file.
//!
//! A reference is a repository path written out (`examples/inventory/ruihe-activities.csv`, `scripts/fuzz.sh`,
//! `crates/tanji-ghg/data/sources/desnz.md`), or a relative Markdown link (`[labels.md](labels.md)`). Paths with
//! placeholders (`{code}`, `<file>`, `*`) and web links are not files and are skipped.

use std::path::{Path, PathBuf};

/// The folders at the root of the repository that a written-out path starts with.
const ROOTS: [&str; 6] = ["examples/", "docs/", "scripts/", "crates/", "e2e/", ".ci/"];

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The documents checked: README.md, docs/*.md and examples/**/README.md.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut documents = vec![root.join("README.md"), root.join("ARCHITECTURE.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "md") {
            documents.push(path);
        }
    }
    for entry in std::fs::read_dir(root.join("examples")).unwrap() {
        let readme = entry.unwrap().path().join("README.md");
        if readme.is_file() {
            documents.push(readme);
        }
    }
    documents.sort();
    documents
}

fn is_path_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '/' | '.' | '_' | '-' | '{' | '}' | '<' | '>' | '*')
}

/// Repository paths written out in `text`, with the 1-based line they are on.
fn written_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (line_idx, line) in text.lines().enumerate() {
        for root in ROOTS {
            let mut rest = line;
            while let Some(start) = rest.find(root) {
                // A path starts at the beginning of a word, not inside a longer one (`subdocs/`, a URL).
                let before = rest[..start].chars().next_back();
                let after = &rest[start..];
                let end = after.find(|ch: char| !is_path_char(ch)).unwrap_or(after.len());
                let candidate = after[..end].trim_end_matches(['.', '/']);
                rest = &after[root.len()..];
                if before.is_some_and(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '/' | '.' | '-' | '_' | ':')) {
                    continue;
                }
                if candidate.contains(['{', '<', '*']) || candidate.len() <= root.len() {
                    continue;
                }
                found.push((line_idx + 1, candidate.to_owned()));
            }
        }
    }
    found
}

/// Targets of relative Markdown links in `text`, with their line.
fn relative_links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (line_idx, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split('#').next().unwrap_or_default().trim();
            rest = &after[end..];
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") || target.starts_with('/') {
                continue;
            }
            found.push((line_idx + 1, target.to_owned()));
        }
    }
    found
}

#[test]
fn every_file_the_docs_refer_to_exists() {
    let root = repository();
    let mut missing = Vec::new();
    let mut checked = 0;
    for document in documents(&root) {
        let text = std::fs::read_to_string(&document).unwrap();
        let name = document.strip_prefix(&root).unwrap().display().to_string();
        for (line, path) in written_paths(&text) {
            checked += 1;
            if !root.join(&path).exists() {
                missing.push(format!("{name}:{line}: {path}"));
            }
        }
        for (line, target) in relative_links(&text) {
            checked += 1;
            if !document.parent().unwrap().join(&target).exists() {
                missing.push(format!("{name}:{line}: link to {target}"));
            }
        }
    }
    assert!(checked > 50, "the scan found only {checked} references: is it still reading the docs?");
    assert!(missing.is_empty(), "references to files the repository does not have:\n{}", missing.join("\n"));
}

#[test]
fn the_scanner_finds_paths_and_links_and_skips_placeholders() {
    let text = "Run `tanji inventory compute examples/inventory/ruihe-2025.toml`.\n\
                See [labels](labels.md#codes), [site](https://example.org/x.md) and examples/{file}.\n\
                Open /l/{code} or https://github.com/x/examples/y; scripts/fuzz.sh, then crates/tanji-ghg/data/.";
    assert_eq!(
        written_paths(text),
        [
            (1, "examples/inventory/ruihe-2025.toml".to_owned()),
            (3, "scripts/fuzz.sh".to_owned()),
            (3, "crates/tanji-ghg/data".to_owned())
        ]
    );
    assert_eq!(relative_links(text), [(2, "labels.md".to_owned())]);
}
