//! Feature `dynamic-linking`: the runtime is loaded from the shared library, not linked into the
//! binary. (`.ci/run` runs the tests with `--features socketio-fn/dynamic-linking`; without the
//! feature this file is empty.)
#![cfg(all(feature = "dynamic-linking", target_os = "linux"))]

#[test]
fn the_runtime_comes_from_the_shared_library() {
    // Touch the runtime so that nothing about it could be left out of the binary.
    let builder = socketio_fn::App::builder();
    drop(builder);
    let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
    let libraries: Vec<&str> = maps
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .filter(|path| path.ends_with(".so") || path.contains(".so."))
        .collect();
    assert!(
        libraries
            .iter()
            .any(|path| path.contains("libsocketio_fn_dylib")),
        "libsocketio_fn_dylib is not mapped: {libraries:?}"
    );
    assert!(
        libraries.iter().any(|path| path.contains("/libstd-")),
        "Rust's libstd is not mapped: {libraries:?}"
    );
}
