//! `cargo xtask codegen [--check]`: turns `specs/*.yaml` (OpenAPI 3.1 in the subset of
//! `specs/CONVENTIONS.md`) into `crates/mypages-models/src/<provider>/generated.rs` (the
//! models) and `crates/<provider>-client/src/operations.rs` (one descriptor per operation).
//!
//! The provider is the spec file name up to its first `-` (`payex-ledger-account.yaml` ->
//! `payex`). Output is rustfmt-formatted and deterministic; `--check` writes nothing and fails
//! naming every generated file that differs from what the specs give.

mod emit;
mod names;
mod operations;
mod spec;
#[cfg(test)]
mod tests;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs the command with its arguments (after `codegen`).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let check_only = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask codegen [--check]".to_owned()),
    };
    let root = workspace_root();
    if check_only {
        check(&root)?;
        println!("codegen: generated files are up to date");
    } else {
        for path in write(&root)? {
            println!("codegen: wrote {}", path.display());
        }
    }
    Ok(())
}

/// The workspace root: the parent of xtask's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where the provider modules live, relative to the workspace root.
const MODELS: &str = "crates/mypages-models/src";

/// One generated file: where it goes (relative to the root) and its text.
struct Output {
    path: PathBuf,
    text: String,
}

/// Generates the file of every spec under `root/specs`, in file name order.
fn generate(root: &Path) -> Result<Vec<Output>, String> {
    let specs_dir = root.join("specs");
    let entries = std::fs::read_dir(&specs_dir)
        .map_err(|e| format!("cannot read {}: {e}", specs_dir.display()))?;
    let mut specs: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", specs_dir.display()))?
            .path();
        if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            specs.push(path);
        }
    }
    specs.sort();
    let mut outputs = Vec::new();
    for path in specs {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let spec_path = format!("specs/{name}");
        let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
        let provider = stem.split('-').next().unwrap_or(stem);
        if provider.is_empty()
            || !provider
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            return Err(format!(
                "{spec_path}: the file name must start with the provider's module name in lower case (payex-...)"
            ));
        }
        let text_of_spec =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {spec_path}: {e}"))?;
        let spec = spec::parse(&spec_path, &text_of_spec)?;
        let source = emit::emit(&spec, &spec_path);
        let text = rustfmt(&source).map_err(|e| format!("{spec_path}: {e}"))?;
        outputs.push(Output {
            path: Path::new(MODELS).join(provider).join("generated.rs"),
            text,
        });
        let ops = operations::parse(&spec_path, &text_of_spec)?;
        let source = operations::emit(&ops, &spec_path);
        let text = rustfmt(&source).map_err(|e| format!("{spec_path}: {e}"))?;
        outputs.push(Output {
            path: Path::new("crates")
                .join(format!("{provider}-client"))
                .join("src/operations.rs"),
            text,
        });
    }
    Ok(outputs)
}

/// Writes every generated file that changed; returns the paths written.
fn write(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for output in generate(root)? {
        let path = root.join(&output.path);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == output.text) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, &output.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(output.path);
    }
    Ok(written)
}

/// Fails naming every generated file that is missing or differs from what the specs give.
fn check(root: &Path) -> Result<(), String> {
    let mut stale = Vec::new();
    let outputs = generate(root)?;
    for output in &outputs {
        match std::fs::read_to_string(root.join(&output.path)) {
            Ok(old) if old == output.text => {}
            Ok(_) => stale.push(format!("{} is stale", output.path.display())),
            Err(_) => stale.push(format!("{} is missing", output.path.display())),
        }
    }
    let models = Path::new(MODELS);
    let model_files = std::fs::read_dir(root.join(models))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| models.join(entry.file_name()).join("generated.rs"));
    let crates = Path::new("crates");
    let operation_files = std::fs::read_dir(root.join(crates))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| crates.join(entry.file_name()).join("src/operations.rs"));
    for path in model_files.chain(operation_files) {
        if root.join(&path).is_file() && !outputs.iter().any(|o| o.path == path) {
            stale.push(format!(
                "{} has no spec in specs/ (delete it, or restore the spec)",
                path.display()
            ));
        }
    }
    stale.sort();
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}; run `cargo xtask codegen` and commit the result",
            stale.join(", ")
        ))
    }
}

/// Formats Rust source with the toolchain's rustfmt (edition 2024).
fn rustfmt(source: &str) -> Result<String, String> {
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(&rustfmt)
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("cannot run rustfmt (install it with `rustup component add rustfmt`): {e}")
        })?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no standard input")?;
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    writer
        .join()
        .map_err(|_| "writing to rustfmt panicked".to_owned())?
        .map_err(|e| format!("cannot write to rustfmt: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt rejected the generated code (a generator bug): {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt wrote invalid UTF-8: {e}"))
}
