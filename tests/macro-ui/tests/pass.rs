//! The attributes' accepted forms (`ui/pass/*.rs`), each a module of this test: they compile with the
//! workspace's other tests, from the same build of the dependencies, and a form that stops compiling
//! fails that build. (`ui.rs` keeps the rejected forms, whose messages need trybuild.)
#![allow(missing_docs, dead_code, unreachable_pub, private_interfaces)]

#[path = "ui/pass/acks_and_aliases.rs"]
mod acks_and_aliases;
#[path = "ui/pass/custom_extractor.rs"]
mod custom_extractor;
#[path = "ui/pass/explicit_imports.rs"]
mod explicit_imports;
#[path = "ui/pass/expressions_and_state.rs"]
mod expressions_and_state;
#[path = "ui/pass/from_macro_rules.rs"]
mod from_macro_rules;
#[path = "ui/pass/seed_chat.rs"]
mod seed_chat;
#[path = "ui/pass/seed_outputs_and_negotiation.rs"]
mod seed_outputs_and_negotiation;
#[path = "ui/pass/system_events.rs"]
mod system_events;
#[path = "ui/pass/timers.rs"]
mod timers;
#[path = "ui/pass/typed_events.rs"]
mod typed_events;

/// Every file of `ui/pass` is a module above, so none is left uncompiled.
#[test]
fn every_pass_case_is_compiled() {
    let this = include_str!("pass.rs");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/pass");
    let mut cases = 0;
    for entry in std::fs::read_dir(dir).expect("tests/ui/pass") {
        let name = entry.expect("an entry").file_name();
        let name = name.to_string_lossy();
        if let Some(module) = name.strip_suffix(".rs") {
            cases += 1;
            assert!(
                this.contains(&format!("#[path = \"ui/pass/{name}\"]\nmod {module};")),
                "ui/pass/{name} is not compiled: add it to tests/pass.rs"
            );
        }
    }
    assert!(cases >= 9, "{cases} pass cases");
}
