//! Compile-time behaviour of the attribute macros (trybuild). `.stderr` files depend on the compiler, so
//! this runs on the pinned toolchain only and fails loudly elsewhere.
#![allow(missing_docs)]

#[rustversion::attr(
    not(stable(1.95)),
    ignore = "UI snapshots are for rustc 1.95; bump them deliberately"
)]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}

#[rustversion::not(stable(1.95))]
#[test]
fn ui_snapshots_match_the_toolchain() {
    panic!(
        "tests/ui/*.stderr were written with rustc 1.95; run `TRYBUILD=overwrite cargo test -p macro-ui --test ui` and review"
    );
}
