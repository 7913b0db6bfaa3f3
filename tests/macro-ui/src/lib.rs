//! The attribute macros' UI tests live in `tests/`: `tests/ui/pass` compile, `tests/ui/fail` fail
//! with the reviewed `.stderr` beside each.
