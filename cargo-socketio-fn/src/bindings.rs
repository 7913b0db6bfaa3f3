//! `cargo socketio-fn functions --bindings`: the package of the Azure Functions host's bindings mode,
//! written from the app's own registry. The built app is run with `SOCKETIO_FN_FUNCTIONS_MANIFEST`
//! and writes each function's `function.json` (`socketiotrigger` with `socketio` outputs,
//! `httpTrigger` with `socketionegotiation`, `timerTrigger`); this adds `host.json` and the HTTP
//! function of the app's own routes (invoked like the others: the app serves its `Data.req`).

use crate::functions::{FUNCTION_NAME, Files, function_json};
use serde_json::{Value, json};
use socketio_fn_protocol::setting_names::{FUNCTIONS_BINDINGS_ARGUMENT, FUNCTIONS_MANIFEST};
use std::path::Path;

/// The extension bundle with the Socket.IO extension (`socketiotrigger`, `socketionegotiation`,
/// `socketio`): only the preview bundle lists it (`main-preview`'s `extensions.json`; the GA bundle
/// has only Web PubSub's own bindings).
pub(crate) const EXTENSION_BUNDLE: &str = "Microsoft.Azure.Functions.ExtensionBundle.Preview";
/// The bundle versions accepted.
pub(crate) const BUNDLE_VERSION: &str = "[4.*, 5.0.0)";

/// `host.json` of bindings mode: the preview bundle, the app as a custom handler started with the
/// bindings argument, no HTTP forwarding: the host invokes every function, the HTTP function of the
/// app's routes too, with `{Data, Metadata}` (a forwarded client request could otherwise pose as an
/// invocation at `/<FunctionName>`).
pub(crate) fn host_json(executable: &str) -> Value {
    json!({
        "version": "2.0",
        "extensionBundle": { "id": EXTENSION_BUNDLE, "version": BUNDLE_VERSION },
        "customHandler": {
            "description": {
                "defaultExecutablePath": executable,
                "workingDirectory": "",
                "arguments": [FUNCTIONS_BINDINGS_ARGUMENT]
            },
            "enableForwardingHttpRequest": false
        },
        "extensions": { "http": { "routePrefix": "" } }
    })
}

/// Runs the built app to get its functions, and makes the package's JSON files.
pub(crate) fn files(executable: &Path, bin: &str) -> Result<Files, String> {
    let dir = tempdir()?;
    let manifest = dir.join("functions.json");
    let output = std::process::Command::new(executable)
        .env(FUNCTIONS_MANIFEST, &manifest)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", executable.display()))?;
    let text = std::fs::read_to_string(&manifest);
    let _ = std::fs::remove_dir_all(&dir);
    if !output.status.success() {
        return Err(format!(
            "the app could not list its functions ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = text.map_err(|e| format!("the app wrote no functions: {e}"))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("the app's functions: {e}"))?;
    package(&value, bin)
}

/// The package's files from the app's `{"functions": {name: function.json}}`.
pub(crate) fn package(value: &Value, bin: &str) -> Result<Files, String> {
    let Some(functions) = value.get("functions").and_then(Value::as_object) else {
        return Err("the app's functions: no `functions` object".into());
    };
    let mut files = vec![("host.json".to_owned(), host_json(bin))];
    for (name, json) in functions {
        if name.eq_ignore_ascii_case(FUNCTION_NAME) {
            return Err(format!(
                "a function is named `{name}`, the name of the package's HTTP function for the app's \
                 routes: rename the function"
            ));
        }
        files.push((format!("{name}/function.json"), json.clone()));
    }
    files.push((format!("{FUNCTION_NAME}/function.json"), function_json()));
    Ok(files)
}

fn tempdir() -> Result<std::path::PathBuf, String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!(
        "socketio-fn-bindings-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}
