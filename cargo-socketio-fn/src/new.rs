//! `cargo socketio-fn new <path>`: writes an app that builds and passes `cargo test` at once.

use std::path::{Path, PathBuf};

/// Where the app goes and which framework it depends on.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The new app's directory (created; it must not exist or be empty).
    path: PathBuf,
    /// The package name (default: the directory's name).
    #[arg(long)]
    name: Option<String>,
    /// The hub the app's functions use.
    #[arg(long, default_value = "hub")]
    hub: String,
    /// Depend on this version of `socketio-fn` from the registry, instead of the checkout this tool
    /// was built from.
    #[arg(long, value_name = "X")]
    framework_version: Option<String>,
}

/// The template's files: (path in the app, text with `{{placeholders}}`).
const FILES: [(&str, &str); 10] = [
    ("Cargo.toml", include_str!("../template/Cargo.toml.tmpl")),
    ("src/lib.rs", include_str!("../template/src/lib.rs.tmpl")),
    ("src/main.rs", include_str!("../template/src/main.rs.tmpl")),
    (
        "tests/app.rs",
        include_str!("../template/tests/app.rs.tmpl"),
    ),
    (
        "local.settings.json",
        include_str!("../template/local.settings.json.tmpl"),
    ),
    ("Dockerfile", include_str!("../template/Dockerfile.tmpl")),
    (
        ".dockerignore",
        include_str!("../template/dockerignore.tmpl"),
    ),
    (".gitignore", include_str!("../template/gitignore.tmpl")),
    ("README.md", include_str!("../template/README.md.tmpl")),
    (
        "client/events.ts",
        include_str!("../template/client/events.ts.tmpl"),
    ),
];

/// How the app depends on the framework.
enum Framework {
    /// A checkout of the framework's repository (its root).
    Checkout(PathBuf),
    /// A version from the registry.
    Version(String),
}

pub(crate) fn run(args: &Args) -> Result<(), String> {
    let name = match &args.name {
        Some(name) => name.clone(),
        None => default_name(&args.path)?,
    };
    check_name(&name)?;
    check_hub(&args.hub)?;
    let framework = match &args.framework_version {
        Some(version) => Framework::Version(version.clone()),
        None => built_from(),
    };
    write_app(&args.path, &name, &args.hub, &framework)?;
    let shown = args.path.display();
    #[allow(clippy::print_stdout)]
    {
        println!("wrote {name} in {shown}");
        println!("  cd {shown} && cargo run                # the app with the embedded emulator");
        println!("  cd {shown} && cargo socketio-fn dev    # the same, swapped in on every save");
        println!(
            "  cd {shown} && cargo test               # the functions and a real Socket.IO client"
        );
    }
    Ok(())
}

/// The checkout this tool was built from, if it is one (it has the facade's manifest); else the
/// registry version equal to this tool's.
fn built_from() -> Framework {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match root.join("socketio-fn/Cargo.toml").canonicalize() {
        Ok(manifest) => Framework::Checkout(
            manifest
                .parent()
                .and_then(Path::parent)
                .map_or(root, Path::to_path_buf),
        ),
        Err(_) => Framework::Version(env!("CARGO_PKG_VERSION").to_owned()),
    }
}

fn default_name(path: &Path) -> Result<String, String> {
    let absolute = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    absolute
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("`{}` names no directory: pass --name", path.display()))
}

/// A package name cargo accepts and that is a valid binary name: ASCII letters, digits, `-` and `_`,
/// starting with a letter.
fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let starts = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if starts
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64
    {
        return Ok(());
    }
    Err(format!(
        "`{name}` is not a valid package name: use ASCII letters, digits, `-` and `_`, starting with \
         a letter (or pass --name)"
    ))
}

/// The service's hub-name rule, the one the app checks at start-up (`socketio_fn_protocol::paths`).
fn check_hub(hub: &str) -> Result<(), String> {
    use socketio_fn_protocol::paths::{HUB_NAME_RULE, is_valid_hub};
    if is_valid_hub(hub) {
        return Ok(());
    }
    Err(format!("`{hub}` is not a valid hub name: {HUB_NAME_RULE}"))
}

fn write_app(dir: &Path, name: &str, hub: &str, framework: &Framework) -> Result<(), String> {
    let in_dir = |e: std::io::Error| format!("{}: {e}", dir.display());
    if dir.exists() && std::fs::read_dir(dir).map_err(in_dir)?.next().is_some() {
        return Err(format!(
            "`{}` exists and is not empty: choose a new directory",
            dir.display()
        ));
    }
    let (dependency, framework_copy, build_context, testing) = match framework {
        Framework::Checkout(root) => {
            let root = root.display().to_string();
            let path = toml_string(&format!("{root}/socketio-fn"));
            (
                format!(
                    "# The socketio-fn checkout this app was made from (`--framework-version X` of\n\
                     # `cargo socketio-fn new` depends on a registry version instead).\n\
                     socketio-fn = {{ path = {path} }}"
                ),
                format!(
                    "# The framework checkout, passed as a named build context (see the command above).\n\
                     COPY --from=socketio-fn . {root}\n"
                ),
                format!("--build-context socketio-fn={root} "),
                format!("socketio-fn = {{ path = {path}, features = [\"testing\"] }}"),
            )
        }
        Framework::Version(version) => (
            format!("socketio-fn = {}", toml_string(version)),
            String::new(),
            String::new(),
            format!(
                "socketio-fn = {{ version = {}, features = [\"testing\"] }}",
                toml_string(version)
            ),
        ),
    };
    for (path, template) in FILES {
        let text = template
            .replace("{{name}}", name)
            .replace("{{hub}}", hub)
            .replace("{{crate}}", &name.replace('-', "_"))
            .replace("{{framework_testing}}", &testing)
            .replace("{{framework}}", &dependency)
            .replace("{{framework_copy}}", &framework_copy)
            .replace("{{build_context}}", &build_context);
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(in_dir)?;
        }
        std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(())
}

/// A TOML basic string.
fn toml_string(value: &str) -> String {
    serde_json::Value::String(value.to_owned()).to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(check_name("my-app_2").is_ok());
        for bad in ["", "2app", "my app", "app/x", "ünï"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(check_hub("chat_1").is_ok());
        assert!(check_hub("chat-1").is_err());
    }

    #[test]
    fn every_placeholder_is_known() {
        let known = [
            "name",
            "hub",
            "framework",
            "framework_copy",
            "build_context",
            "crate",
            "framework_testing",
        ];
        for (path, template) in FILES {
            let mut rest = template;
            while let Some(start) = rest.find("{{") {
                let end = rest[start..].find("}}").map(|e| start + e);
                let key = end.map(|e| &rest[start + 2..e]).unwrap_or_default();
                assert!(known.contains(&key), "{path}: unknown placeholder `{key}`");
                rest = &rest[end.map_or(rest.len(), |e| e + 2)..];
            }
        }
    }
}
