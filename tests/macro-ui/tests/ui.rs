//! Compile-time errors of the attribute macros (trybuild): every rejected form with its message.
//! `.stderr` files depend on the compiler, so this runs on the pinned toolchain only and fails loudly
//! elsewhere.
#![allow(missing_docs)]

#[rustversion::attr(
    not(stable(1.95)),
    ignore = "UI snapshots are for rustc 1.95; bump them deliberately"
)]
#[test]
fn ui() {
    // Only the rejected forms: with no pass case, trybuild checks (`cargo check`) instead of building
    // and linking. The accepted forms compile as modules of `tests/pass.rs`.
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
}

#[rustversion::not(stable(1.95))]
#[test]
fn ui_snapshots_match_the_toolchain() {
    panic!(
        "tests/ui/*.stderr were written with rustc 1.95; run `TRYBUILD=overwrite cargo test -p macro-ui --test ui` and review"
    );
}
