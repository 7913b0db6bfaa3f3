//! The Azure Functions host's bindings mode, as `run` sees it: the package's `host.json` passes
//! `--socketio-fn-bindings` (the host gives a custom handler arguments, not settings), which turns on
//! `SOCKETIO_FN_FUNCTIONS_BINDINGS`; and `SOCKETIO_FN_FUNCTIONS_MANIFEST=<file>` (as `cargo socketio-fn
//! functions --bindings` runs the app) writes every function's `function.json` to the file and
//! exits, without building the app: the `%Setting%`s stay for the host, so no setting is needed.

use socketio_fn_core::protocol::setting_names::{
    FUNCTIONS_BINDINGS, FUNCTIONS_BINDINGS_ARGUMENT, FUNCTIONS_MANIFEST,
};
use socketio_fn_core::{App, AppBuilder, Error, Settings};

/// Turns the host's argument into the setting.
pub(crate) fn from_arguments(settings: &mut Settings) {
    if std::env::args()
        .skip(1)
        .any(|a| a == FUNCTIONS_BINDINGS_ARGUMENT)
    {
        settings.set(FUNCTIONS_BINDINGS, "on");
    }
}

/// The file to write the functions to, when asked.
pub(crate) fn manifest_requested(settings: &Settings) -> Option<std::path::PathBuf> {
    settings
        .get(FUNCTIONS_MANIFEST)
        .filter(|p| !p.trim().is_empty())
        .map(std::path::PathBuf::from)
}

/// Writes `{"functions": {"<name>": <function.json>, ...}}` to `out`.
pub(crate) fn write_manifest(
    customise: Box<dyn FnOnce(AppBuilder) -> AppBuilder + '_>,
    out: &std::path::Path,
) -> Result<(), Error> {
    let builder = customise(App::builder().registered_functions());
    let functions = builder
        .functions_manifest()
        .map_err(|e| Error::InvalidSetting {
            name: FUNCTIONS_MANIFEST,
            value: out.display().to_string(),
            reason: e.to_string(),
        })?;
    let functions: serde_json::Map<String, serde_json::Value> = functions
        .into_iter()
        .map(|(name, json)| (name.to_owned(), json))
        .collect();
    let text = serde_json::to_string_pretty(&serde_json::json!({ "functions": functions }))
        .unwrap_or_default();
    std::fs::write(out, text + "\n").map_err(|e| Error::InvalidSetting {
        name: FUNCTIONS_MANIFEST,
        value: out.display().to_string(),
        reason: e.to_string(),
    })
}
