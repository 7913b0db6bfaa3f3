//! `cargo socketio-fn functions`: builds the app and writes an Azure Functions custom-handler folder.
//!
//! The host starts the executable that `host.json` names (`customHandler.description.
//! defaultExecutablePath`) with `FUNCTIONS_CUSTOMHANDLER_PORT` set, and with
//! `enableForwardingHttpRequest` forwards each request of an HTTP-only function unchanged, path
//! included. One `httpTrigger` function with the catch-all route `{*path}` and an empty route prefix
//! forwards every path the app serves: the webhook (`/api/socketio` under the host), negotiation
//! (`/api/negotiate`), health checks and the app's own routes.
//!
//! With `--bindings` (`crate::bindings`), each function is a binding of its own instead and the host's
//! Socket.IO extension serves the webhook.

use crate::package::{Package, cargo};
use serde_json::{Value, json};
use socketio_fn_protocol::cloud_events::{FUNCTIONS_WEBHOOK_PATH, WEBHOOK_PATH};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder of the one HTTP function, and so the function's name in the portal.
pub(crate) const FUNCTION_NAME: &str = socketio_fn_protocol::paths::FUNCTIONS_ROUTES_FUNCTION;

/// What to build and where to write it.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// The app's Cargo.toml (default: ./Cargo.toml).
    #[arg(long, value_name = "P")]
    manifest_path: Option<PathBuf>,
    /// The binary to package (default: the package's only binary).
    #[arg(long, value_name = "B")]
    bin: Option<String>,
    /// The folder to write (default: `functions-app` next to the manifest); replaced if it holds a
    /// previous package.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write `<DIR>.zip`, the zip to deploy.
    #[arg(long)]
    zip: bool,
    /// Each function a binding of its own (`socketiotrigger`, `socketionegotiation`, `timerTrigger`),
    /// the webhook served by the host's Socket.IO extension; default: one HTTP function forwarding
    /// every request to the app, which serves its own webhook.
    #[arg(long)]
    bindings: bool,
    /// The cargo profile to build with.
    #[arg(long, default_value = "release")]
    profile: String,
    /// A target triple to build for (the Functions app runs Linux on x86_64 unless you chose
    /// otherwise).
    #[arg(long, value_name = "TRIPLE")]
    target: Option<String>,
}

pub(crate) fn run(args: &Args) -> Result<(), String> {
    let (manifest, package) = Package::locate(args.manifest_path.as_deref(), args.bin.as_deref())?;
    let executable = build(&manifest, &package, args)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| package.root.join("functions-app"));
    let files = if args.bindings {
        // The app lists its functions by running: a build for another target is listed by a build
        // for this machine.
        let lister = match &args.target {
            Some(_) => build(
                &manifest,
                &package,
                &Args {
                    target: None,
                    ..args.clone()
                },
            )?,
            None => executable.clone(),
        };
        crate::bindings::files(&lister, &package.bin)?
    } else {
        vec![
            ("host.json".to_owned(), host_json(&package.bin)),
            (format!("{FUNCTION_NAME}/function.json"), function_json()),
        ]
    };
    let settings = local_settings(args.bindings);
    write_folder(&out, (&files, settings), &package.bin, &executable)?;
    let mut wrote = out.display().to_string();
    if args.zip {
        let zip = out.with_extension("zip");
        write_zip(&out, &zip, &files, &package.bin)?;
        wrote = format!("{wrote} and {}", zip.display());
    }
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    #[allow(clippy::print_stdout)]
    {
        println!("wrote {wrote}: {}, {}", names.join(", "), package.bin);
        println!(
            "deploy: cd {} && func azure functionapp publish <app> --custom",
            out.display()
        );
        if args.bindings {
            println!(
                "event handler URL: https://<app>.azurewebsites.net{WEBHOOK_PATH}?code=<the socketio_extension system key>"
            );
        } else {
            println!("event handler URL: https://<app>.azurewebsites.net{FUNCTIONS_WEBHOOK_PATH}");
        }
    }
    Ok(())
}

/// `cargo build` of the binary; the path of the executable it made.
fn build(manifest: &Path, package: &Package, args: &Args) -> Result<PathBuf, String> {
    let mut command = cargo();
    command
        .args([
            "build",
            "--profile",
            &args.profile,
            "--bin",
            &package.bin,
            "--manifest-path",
        ])
        .arg(manifest);
    if let Some(target) = &args.target {
        command.args(["--target", target]);
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed ({status})"));
    }
    // Cargo's output directory of a profile: `dev` builds go to `debug`, others to their name.
    let profile_dir = if args.profile == "dev" {
        "debug"
    } else {
        &args.profile
    };
    let mut dir = package.target_directory.clone();
    if let Some(target) = &args.target {
        dir.push(target);
    }
    Ok(dir.join(profile_dir).join(&package.bin))
}

/// `host.json` of a custom handler that forwards HTTP requests to `executable`.
pub(crate) fn host_json(executable: &str) -> Value {
    json!({
        "version": "2.0",
        "customHandler": {
            "description": {
                "defaultExecutablePath": executable,
                "workingDirectory": "",
                "arguments": []
            },
            "enableForwardingHttpRequest": true
        },
        // Routes are the app's own paths: `/api/socketio`, `/api/negotiate`, `/healthz`, `/`.
        "extensions": { "http": { "routePrefix": "" } }
    })
}

/// `function.json` of the one HTTP function: every method, every path, no function key (the app
/// authenticates its webhook itself; negotiation is called by clients).
pub(crate) fn function_json() -> Value {
    json!({
        "bindings": [
            {
                "type": "httpTrigger",
                "direction": "in",
                "name": "req",
                "authLevel": "anonymous",
                "methods": ["get", "post", "put", "patch", "delete", "head", "options"],
                "route": "{*path}"
            },
            { "type": "http", "direction": "out", "name": "res" }
        ]
    })
}

/// `local.settings.json` for `func start` in the folder (not deployed: `func` leaves it out, and so
/// does the zip).
/// In bindings mode the host's Socket.IO extension needs the connection and a storage account (it
/// disables its triggers without `AzureWebJobsStorage`); fill them in.
fn local_settings(bindings: bool) -> Value {
    if bindings {
        json!({ "IsEncrypted": false, "Values": {
            "FUNCTIONS_WORKER_RUNTIME": "custom",
            "AzureWebJobsStorage": "UseDevelopmentStorage=true",
            "WebPubSubForSocketIOConnectionString": "",
        }})
    } else {
        json!({ "IsEncrypted": false, "Values": { "FUNCTIONS_WORKER_RUNTIME": "custom" } })
    }
}

/// The JSON files of a package, by path relative to its folder.
pub(crate) type Files = Vec<(String, Value)>;

fn write_folder(
    out: &Path,
    (files, settings): (&Files, Value),
    bin: &str,
    executable: &Path,
) -> Result<(), String> {
    let at = |path: &Path| {
        let shown = path.display().to_string();
        move |e: std::io::Error| format!("{shown}: {e}")
    };
    if out.exists() {
        let previous = out.join("host.json").is_file();
        let empty = std::fs::read_dir(out).map_err(at(out))?.next().is_none();
        if !previous && !empty {
            return Err(format!(
                "{} exists and is not a previous package (no host.json): choose another --out",
                out.display()
            ));
        }
        std::fs::remove_dir_all(out).map_err(at(out))?;
    }
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    let settings = ("local.settings.json".to_owned(), settings);
    for (name, value) in files.iter().chain([&settings]) {
        let path = out.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(at(dir))?;
        }
        std::fs::write(&path, pretty(value)).map_err(at(&path))?;
    }
    let target = out.join(bin);
    std::fs::copy(executable, &target).map_err(at(executable))?;
    set_executable(&target).map_err(at(&target))
}

#[cfg(unix)]
fn set_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The deployable zip: the folder's files at its root, the executable with mode 0755.
fn write_zip(out: &Path, zip_path: &Path, files: &Files, bin: &str) -> Result<(), String> {
    let error = |e: &dyn std::fmt::Display| format!("{}: {e}", zip_path.display());
    let file = std::fs::File::create(zip_path).map_err(|e| error(&e))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let entries = files.iter().map(|(name, _)| (name.as_str(), 0o644));
    for (name, mode) in entries.chain([(bin, 0o755)]) {
        let bytes = std::fs::read(out.join(name)).map_err(|e| error(&e))?;
        zip.start_file(name, options.unix_permissions(mode))
            .map_err(|e| error(&e))?;
        zip.write_all(&bytes).map_err(|e| error(&e))?;
    }
    zip.finish().map_err(|e| error(&e))?;
    Ok(())
}
