//! Printing the app's contract instead of serving it: with `SOCKETIO_FN_CONTRACT=typescript` or
//! `asyncapi` (as `cargo socketio-fn types` and `asyncapi` run the app), [`run`](crate::run) builds the
//! app as it would serve it and writes the contract of one hub and namespace
//! (`SOCKETIO_FN_CONTRACT_HUB`, `SOCKETIO_FN_CONTRACT_NAMESPACE`) to the file
//! `SOCKETIO_FN_CONTRACT_OUT` (standard output when unset). Nothing starts: no server, no emulator,
//! nothing sent. A type that could not be described is named on standard error.

use socketio_fn_core::error::ContractError;
use socketio_fn_core::protocol::setting_names::{
    CONNECTION, CONTRACT, CONTRACT_HUB, CONTRACT_NAMESPACE, CONTRACT_OUT,
};
use socketio_fn_core::{App, AppBuilder, Error, Settings};
use std::io::Write;

/// A connection for resolving names when the app has none (local development): nothing is sent on it.
const PLACEHOLDER: &str =
    "Endpoint=http://localhost;AccessKey=contract-placeholder-key-of-32-chars;Version=1.0;";

/// What the contract is printed as.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Format {
    /// socket.io-client's `ServerToClientEvents` and `ClientToServerEvents`.
    TypeScript,
    /// An AsyncAPI 3.0 document (JSON).
    AsyncApi,
}

/// The format asked for, when the contract is to be printed.
pub(crate) fn requested(settings: &Settings) -> Result<Option<Format>, Error> {
    match settings.get(CONTRACT).map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("typescript") => Ok(Some(Format::TypeScript)),
        Some(v) if v.eq_ignore_ascii_case("asyncapi") => Ok(Some(Format::AsyncApi)),
        Some(other) => Err(Error::InvalidSetting {
            name: CONTRACT,
            value: other.to_owned(),
            reason: "expected `typescript` or `asyncapi`".into(),
        }),
    }
}

/// Builds the app and prints its contract.
pub(crate) fn print(
    customise: Box<dyn FnOnce(AppBuilder) -> AppBuilder + '_>,
    mut settings: Settings,
    format: Format,
) -> Result<(), Error> {
    if !settings.has_connection(CONNECTION) {
        settings.set(CONNECTION, PLACEHOLDER);
    }
    let hub = settings.get(CONTRACT_HUB).map(str::to_owned);
    let namespace = settings.get(CONTRACT_NAMESPACE).map(str::to_owned);
    let out = settings.get(CONTRACT_OUT).map(std::path::PathBuf::from);
    let app: App = customise(App::builder().settings(settings).registered_functions()).build()?;
    let contract = app.contract(hub.as_deref(), namespace.as_deref())?;
    for unknown in &contract.unknown {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "warning: `{unknown}` could not be described (derive `schemars::JsonSchema` for it); \
                 the contract reads `unknown` for it"
            );
        }
    }
    let text = match format {
        Format::TypeScript => contract.typescript(),
        Format::AsyncApi => {
            let document = contract.asyncapi(&title());
            serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
        }
    };
    let written = match &out {
        Some(path) => std::fs::write(path, text),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
        }
    };
    written.map_err(|e| {
        Error::Contract(ContractError::Write {
            path: out.map_or_else(|| "-".to_owned(), |p| p.display().to_string()),
            reason: e.to_string(),
        })
    })
}

/// The document's title: the app's executable name.
fn title() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "socketio-fn app".to_owned())
}
