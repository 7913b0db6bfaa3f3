//! The repository's Markdown as a newcomer meets it: every relative link (and `#anchor`) leads
//! somewhere; the README stays a first page (at most 250 lines); every code block has a language and
//! is checked: Rust blocks compile as doc tests of this package (`src/lib.rs` includes each file that
//! has them), TOML and JSON blocks parse, the README's `Cargo.toml` is the template's and its test
//! command is the one CI runs. The README's client snippet runs against the chat example
//! (`examples/chat/tests/rooms.rs`, `tests/e2e/readme.test.mjs`).
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The Markdown files a reader of the repository sees: everything but build output, installed
/// packages and rustdoc pages (`socketio-fn/docs`, checked by `cargo doc -D warnings`).
fn markdown_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if entry.file_type().unwrap().is_symlink() {
                // A package's README linked to the root's: checked there.
                continue;
            }
            if path.is_dir() {
                let skipped = ["target", "node_modules", ".git"].contains(&name.as_str())
                    || path.ends_with("socketio-fn/docs");
                if !skipped {
                    walk(&path, out);
                }
            } else if name.ends_with(".md") || name.ends_with(".md.tmpl") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&workspace(), &mut out);
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace())
        .unwrap()
        .display()
        .to_string()
}

/// A fenced code block: its language (the first word of the info string) and its text.
struct Block {
    language: String,
    text: String,
    line: usize,
}

/// The text outside fenced code blocks, and the blocks.
fn split_blocks(markdown: &str) -> (String, Vec<Block>) {
    let mut prose = String::new();
    let mut blocks = Vec::new();
    let mut open: Option<(String, String, usize, usize)> = None; // fence, language, line, indent
    let mut text = String::new();
    for (number, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &open {
            None if trimmed.starts_with("```") => {
                let fence: String = trimmed.chars().take_while(|c| *c == '`').collect();
                let info = trimmed[fence.len()..].trim();
                let language = info.split([',', ' ']).next().unwrap_or_default().to_owned();
                open = Some((fence, language, number + 1, line.len() - trimmed.len()));
                text.clear();
                prose.push('\n');
            }
            None => {
                prose.push_str(line);
                prose.push('\n');
            }
            Some((fence, language, start, indent)) => {
                if trimmed.starts_with(fence.as_str()) && trimmed.trim_end() == fence {
                    blocks.push(Block {
                        language: language.clone(),
                        text: std::mem::take(&mut text),
                        line: *start,
                    });
                    open = None;
                } else {
                    let cut = line.len().min(*indent);
                    let body = if line[..cut].trim().is_empty() {
                        &line[cut..]
                    } else {
                        line
                    };
                    text.push_str(body);
                    text.push('\n');
                }
                prose.push('\n');
            }
        }
    }
    (prose, blocks)
}

/// `text` without inline code spans (a link written inside backticks is not a link).
fn without_code_spans(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let ticks = rest[start..].chars().take_while(|c| *c == '`').count();
        let fence = &rest[start..start + ticks];
        match rest[start + ticks..].find(fence) {
            Some(end) => rest = &rest[start + ticks + end + ticks..],
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The targets of inline links and images: `[text](target)`.
fn link_targets(prose: &str) -> Vec<String> {
    let text = without_code_spans(prose);
    let mut targets = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        if let Some(end) = after.find(')') {
            let target = after[..end].split_whitespace().next().unwrap_or_default();
            targets.push(target.to_owned());
        }
        rest = after;
    }
    targets
}

/// GitHub's anchor of a heading: lower case, spaces to `-`, everything but letters, digits, `-` and
/// `_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown file's headings (repeated headings get `-1`, `-2`, ...).
fn anchors(markdown: &str) -> BTreeSet<String> {
    let (prose, _) = split_blocks(markdown);
    let mut seen = BTreeSet::new();
    for line in prose.lines() {
        if let Some(heading) = line.trim_start().strip_prefix('#') {
            let heading = heading.trim_start_matches('#');
            if heading.starts_with(' ') {
                let base = slug(heading);
                let mut anchor = base.clone();
                let mut n = 0;
                while seen.contains(&anchor) {
                    n += 1;
                    anchor = format!("{base}-{n}");
                }
                seen.insert(anchor);
            }
        }
    }
    seen
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut broken = Vec::new();
    let files = markdown_files();
    assert!(files.len() > 10, "found only {files:?}");
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let (prose, _) = split_blocks(&text);
        for target in link_targets(&prose) {
            if target.contains("://") || target.starts_with("mailto:") || target.is_empty() {
                continue;
            }
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let resolved = if path.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(path)
            };
            if !resolved.exists() {
                broken.push(format!("{}: `{target}`: no such file", relative(file)));
                continue;
            }
            if !anchor.is_empty() && resolved.extension().is_some_and(|e| e == "md") {
                let headings = anchors(&std::fs::read_to_string(&resolved).unwrap());
                if !headings.contains(anchor) {
                    broken.push(format!(
                        "{}: `{target}`: no heading with anchor `{anchor}` (it has {headings:?})",
                        relative(file)
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_is_a_first_page() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 250,
        "README.md has {lines} lines; the reference goes to docs/ and rustdoc"
    );
    assert!(
        readme
            .trim_start()
            .starts_with("# socketio-fn\n\nServerless Socket.IO"),
        "the README opens with what socketio-fn is"
    );
    for guide in [
        "docs/bindings.md",
        "docs/actions.md",
        "docs/settings.md",
        "docs/emulator.md",
        "docs/deploy.md",
        "docs/limits.md",
        "docs/observability.md",
        "docs/performance.md",
        "docs/protocol-notes.md",
        "CHANGELOG.md",
    ] {
        assert!(
            readme.contains(&format!("]({guide}")),
            "the README's map lacks {guide}"
        );
    }
}

/// Which files' Rust blocks `src/lib.rs` compiles as doc tests.
fn doc_tested_files() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(workspace().join("tests/src/lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("#[doc = include_str!(\"../../"))
        .filter_map(|l| l.strip_suffix("\")]"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_code_block_is_compiled_or_checked() {
    let tested = doc_tested_files();
    let mut problems = Vec::new();
    for file in markdown_files() {
        let name = relative(&file);
        let (_, blocks) = split_blocks(&std::fs::read_to_string(&file).unwrap());
        for block in blocks {
            let at = format!("{name}:{}", block.line);
            match block.language.as_str() {
                "rust" if !tested.contains(&name) => problems.push(format!(
                    "{at}: a Rust block in a file that tests/src/lib.rs does not compile"
                )),
                "toml" => {
                    if let Err(e) = block.text.parse::<toml::Table>() {
                        problems.push(format!("{at}: TOML does not parse: {e}"));
                    }
                }
                "json" => {
                    if let Err(e) = serde_json::from_str::<serde_json::Value>(&block.text) {
                        problems.push(format!("{at}: JSON does not parse: {e}"));
                    }
                }
                "" => problems.push(format!(
                    "{at}: a code block without a language (`text` for output)"
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The README's blocks of one language.
fn readme_blocks(language: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    split_blocks(&readme)
        .1
        .into_iter()
        .filter(|b| b.language == language)
        .map(|b| b.text)
        .collect()
}

#[test]
fn the_readme_cargo_toml_is_the_template_s() {
    let readme: toml::Table = readme_blocks("toml")[0].parse().unwrap();
    let template_text =
        std::fs::read_to_string(workspace().join("cargo-socketio-fn/template/Cargo.toml.tmpl"))
            .unwrap()
            .replace("{{name}}", "my-app")
            .replace(
                "{{framework_testing}}",
                "socketio-fn = { path = \"../socketio-fn/socketio-fn\", features = [\"testing\"] }",
            )
            .replace(
                "{{framework}}",
                "socketio-fn = { path = \"../socketio-fn/socketio-fn\" }",
            );
    let template: toml::Table = template_text.parse().unwrap();
    assert_eq!(
        readme["dependencies"], template["dependencies"],
        "the README's dependencies are the ones `cargo socketio-fn new` writes (and tests)"
    );
    assert_eq!(readme["profile"], template["profile"]);
    assert_eq!(readme["package"]["edition"], template["package"]["edition"]);
}

#[test]
fn the_readme_commands_are_real() {
    let commands = readme_blocks("sh").join("\n");
    let ci = std::fs::read_to_string(workspace().join(".ci/run")).unwrap();
    let test_command = commands
        .lines()
        .find(|l| l.starts_with("cargo test --workspace"))
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .trim();
    assert!(
        ci.lines().any(|l| l.trim() == test_command),
        "CI runs the README's test command `{test_command}`"
    );
    let manifest = std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap();
    for package in commands
        .lines()
        .filter_map(|l| l.strip_prefix("cargo run -p "))
    {
        let package = package.split_whitespace().next().unwrap();
        let member = format!("\"examples/{package}\"");
        assert!(
            manifest.contains(&member),
            "`cargo run -p {package}`: no such example"
        );
    }
    for path in commands
        .lines()
        .filter_map(|l| l.strip_prefix("cargo install --path "))
    {
        let path = path.split_whitespace().next().unwrap();
        assert!(
            workspace().join(path).join("Cargo.toml").is_file(),
            "{path}"
        );
    }
}

#[test]
fn the_checks_themselves_see_what_they_look_for() {
    let (prose, blocks) = split_blocks(
        "# A `b`: c\n\nSee [x](y.md#a-b-c) and `[not](a link)`.\n\n```toml\na = 1\n```\n\n## A `b`: c\n",
    );
    assert_eq!(link_targets(&prose), ["y.md#a-b-c"]);
    assert_eq!(blocks.len(), 1);
    assert_eq!(
        (blocks[0].language.as_str(), blocks[0].text.as_str()),
        ("toml", "a = 1\n")
    );
    let headings = anchors("# A `b`: c\n\n## A `b`: c\n\n```sh\n# not a heading\n```\n");
    assert_eq!(
        headings.into_iter().collect::<Vec<_>>(),
        ["a-b-c", "a-b-c-1"]
    );
    assert_eq!(
        slug("`emulator`: the emulator against Node's socket.io server"),
        "emulator-the-emulator-against-nodes-socketio-server"
    );
}
