//! The check of ARCHITECTURE.md's layers (`.ci/invariants --only layers`) on the real tree and on
//! copies of `socketio-fn-core/src` with one import added that goes up, one that goes sideways, and a
//! module that is in no layer: the check must pass on the first and fail, naming the culprit, on the
//! others.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs the layer check on `core_src`: (passed, what it printed).
fn check(core_src: &Path) -> (bool, String) {
    let out = Command::new("python3")
        .arg(workspace().join(".ci/invariants"))
        .args(["--only", "layers", "--core-src"])
        .arg(core_src)
        .output()
        .expect("python3 runs .ci/invariants");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of core's `src/` (in this test's own directory), changed by `change`.
fn changed_copy(name: &str, change: impl FnOnce(&Path)) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("invariants")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&workspace().join("socketio-fn-core/src"), &dir);
    change(&dir);
    dir
}

fn prepend(file: &Path, line: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::write(file, format!("{line}\n{text}")).unwrap();
}

#[test]
fn the_real_tree_keeps_its_layers() {
    let (passed, out) = check(&workspace().join("socketio-fn-core/src"));
    assert!(passed, "{out}");
    assert!(out.contains("invariants hold (layers)"), "{out}");
}

#[test]
fn an_upward_import_fails_naming_its_file_and_both_layers() {
    let dir = changed_copy("upward", |dir| {
        prepend(&dir.join("error/mod.rs"), "use crate::app::App;");
    });
    let (passed, out) = check(&dir);
    assert!(!passed, "{out}");
    assert!(
        out.contains("error/mod.rs:1: `error` (layer 2) imports `app` (layer 9)"),
        "{out}"
    );
}

#[test]
fn a_grouped_or_root_import_counts_too() {
    // `crate::{...}` groups and names re-exported at the root (`crate::App` is `app`'s).
    let dir = changed_copy("grouped", |dir| {
        prepend(
            &dir.join("registry.rs"),
            "use crate::{state::StateMap, webhook::Rejection};",
        );
        prepend(&dir.join("service/handle.rs"), "use crate::App;");
    });
    let (passed, out) = check(&dir);
    assert!(!passed, "{out}");
    assert!(
        out.contains("`registry` (layer 5) imports `webhook` (layer 7)"),
        "{out}"
    );
    assert!(
        out.contains("`service` (layer 3) imports `app` (layer 9)"),
        "{out}"
    );
    assert!(!out.contains("imports `state`"), "{out}");
}

#[test]
fn a_sideways_import_within_a_layer_fails() {
    let dir = changed_copy("sideways", |dir| {
        prepend(
            &dir.join("negotiation/mod.rs"),
            "use crate::registry::FunctionDescriptor;",
        );
    });
    let (passed, out) = check(&dir);
    assert!(!passed, "{out}");
    assert!(
        out.contains("`negotiation` (layer 5) imports `registry` (layer 5)"),
        "{out}"
    );
}

#[test]
fn a_module_in_no_layer_fails() {
    let dir = changed_copy("unplaced", |dir| {
        std::fs::write(dir.join("fresh.rs"), "//! A new module.\n").unwrap();
        prepend(&dir.join("lib.rs"), "pub mod fresh;");
    });
    let (passed, out) = check(&dir);
    assert!(!passed, "{out}");
    assert!(
        out.contains("core module `fresh` is not in ARCHITECTURE.md's layer table"),
        "{out}"
    );
}

#[test]
fn imports_in_comments_and_tests_do_not_count() {
    let dir = changed_copy("comments", |dir| {
        prepend(
            &dir.join("settings/mod.rs"),
            "// use crate::app::App;\n/// See [`crate::app::App`].",
        );
        let kind = dir.join("kind.rs");
        let text = std::fs::read_to_string(&kind).unwrap();
        std::fs::write(
            &kind,
            format!("{text}\n#[cfg(test)]\nmod tests {{\n    use crate::app::App;\n}}\n"),
        )
        .unwrap();
    });
    let (passed, out) = check(&dir);
    assert!(passed, "{out}");
}
