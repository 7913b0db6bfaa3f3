//! The app's package as cargo describes it, and cargo as the user runs it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The app's package: its directory, binary and target directory.
pub(crate) struct Package {
    /// The folder of its manifest.
    pub(crate) root: PathBuf,
    /// The binary chosen.
    pub(crate) bin: String,
    /// Where cargo builds it.
    pub(crate) target_directory: PathBuf,
}

impl Package {
    /// The package of `manifest` (default `./Cargo.toml`), with `bin` (or its only binary), and
    /// that manifest's path.
    pub(crate) fn locate(
        manifest: Option<&Path>,
        bin: Option<&str>,
    ) -> Result<(PathBuf, Self), String> {
        let manifest = manifest.map_or_else(|| PathBuf::from("Cargo.toml"), Path::to_path_buf);
        let package = Self::read(&manifest, bin)?;
        Ok((manifest, package))
    }

    /// The package of `manifest`, with `bin` (or its only binary).
    pub(crate) fn read(manifest: &Path, bin: Option<&str>) -> Result<Self, String> {
        let output = cargo()
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--manifest-path",
            ])
            .arg(manifest)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "cargo metadata failed for {}:\n{}",
                manifest.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let metadata: Value =
            serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
        let manifest = std::path::absolute(manifest).map_err(|e| e.to_string())?;
        let package = metadata["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["manifest_path"].as_str().map(Path::new) == Some(manifest.as_path()))
            .ok_or_else(|| format!("{} is not a package's manifest", manifest.display()))?;
        let bins: Vec<&str> = package["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "bin"))
            })
            .filter_map(|t| t["name"].as_str())
            .collect();
        let bin = choose_bin(&bins, bin)?;
        Ok(Self {
            root: manifest.parent().map(Path::to_path_buf).unwrap_or_default(),
            bin,
            target_directory: PathBuf::from(
                metadata["target_directory"].as_str().unwrap_or("target"),
            ),
        })
    }
}

fn choose_bin(bins: &[&str], asked: Option<&str>) -> Result<String, String> {
    match (asked, bins) {
        (Some(b), _) if bins.contains(&b) => Ok(b.to_owned()),
        (Some(b), _) => Err(format!(
            "no binary `{b}` in the package (it has: {})",
            bins.join(", ")
        )),
        (None, [only]) => Ok((*only).to_owned()),
        (None, []) => Err("the package has no binary to package".into()),
        (None, _) => Err(format!(
            "the package has several binaries: choose one with --bin ({})",
            bins.join(", ")
        )),
    }
}

/// Cargo as the user runs it (`CARGO` is set when cargo runs a subcommand).
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_binary_is_chosen_or_asked_for() {
        assert_eq!(choose_bin(&["a"], None).unwrap(), "a");
        assert_eq!(choose_bin(&["a", "b"], Some("b")).unwrap(), "b");
        assert!(choose_bin(&["a", "b"], None).unwrap_err().contains("--bin"));
        assert!(
            choose_bin(&["a"], Some("c"))
                .unwrap_err()
                .contains("no binary `c`")
        );
        assert!(choose_bin(&[], None).is_err());
    }
}
