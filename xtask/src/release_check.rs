//! `cargo xtask release-check [STEP...]`: everything that must hold before a release is cut.
//!
//! Every step runs (a failure does not hide the next one) and prints what it checked; a
//! failure names the crate and the fix. A step whose tool is not installed says so and is
//! skipped. Naming steps (`cargo xtask release-check package links`) runs only those. The
//! steps, in order:
//!
//! 1. `rust-version`: the declared MSRV equals the installed toolchain's (the one CI builds).
//! 2. metadata: every publishable crate has the fields crates.io and docs.rs need.
//! 3. links: no relative markdown link leads nowhere or out of the repository.
//! 4. first program: `docs/first-program.md` shows `examples/first-program` as it is.
//! 5. format, 6. clippy, 7. docs with `missing_docs` denied, 8. generated code is fresh.
//! 9. dependency isolation: a client crate's tree holds no other provider.
//! 10. no `arbitrary_precision` anywhere in the graph.
//! 11. `mypages-models` builds with each provider feature alone (cargo-hack when installed).
//! 12. cargo-deny bans, licenses and sources (advisories skipped: no database here).
//! 13. `cargo package` of every publishable crate, with no tests or fixtures inside.
//! 14. cargo-semver-checks against the last release tag.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output};

/// The client crates; each must compile without any other provider.
const CLIENTS: [(&str, &str); 3] = [
    ("avarda-client", "avarda"),
    ("payex-client", "payex"),
    ("p4p-client", "p4p"),
];

/// Runs every step and fails when any failed.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    // `cargo xtask release-check [STEP...]`: only the steps named (e.g. `package`).
    let known = [
        "rust-version",
        "metadata",
        "links",
        "first-program",
        "format",
        "clippy",
        "docs",
        "generated-code",
        "dependency-isolation",
        "arbitrary-precision",
        "model-features",
        "cargo-deny",
        "package",
        "semver",
    ];
    if let Some(unknown) = args.iter().find(|a| !known.contains(&a.as_str())) {
        return Err(format!(
            "unknown step {unknown:?}; usage: cargo xtask release-check [{}]...",
            known.join(" | ")
        ));
    }
    let wanted = |step: &str| args.is_empty() || args.iter().any(|a| a == step);
    let root = workspace_root();
    let crates = publishable_crates(&root)?;
    let names: Vec<&str> = crates.iter().map(|c| c.name.as_str()).collect();
    say(&format!("publishable crates: {}", names.join(", ")));

    let mut failures: Vec<String> = Vec::new();
    let mut record = |step: &str, check: &dyn Fn() -> Result<String, Vec<String>>| {
        if !wanted(step) {
            return;
        }
        match check() {
            Ok(summary) => say(&format!("ok   {step}: {summary}")),
            Err(problems) => {
                for problem in &problems {
                    say(&format!("FAIL {step}: {problem}"));
                }
                failures.extend(problems.into_iter().map(|p| format!("{step}: {p}")));
            }
        }
    };

    record("rust-version", &|| check_rust_version(&root));
    record("metadata", &|| check_metadata(&root, &crates));
    record("links", &|| check_links(&root));
    record("first-program", &|| check_first_program(&root));
    record("format", &|| {
        cargo_step(
            &root,
            &["fmt", "--all", "--check"],
            &[],
            "run `cargo fmt --all`",
        )
    });
    record("clippy", &|| {
        cargo_step(
            &root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
            &[],
            "fix the warnings clippy printed above",
        )
    });
    record("docs", &|| {
        cargo_step(
            &root,
            &["doc", "--workspace", "--no-deps", "--locked"],
            &[("RUSTDOCFLAGS", "-D warnings -D missing_docs")],
            "document the items rustdoc named above (every public item has a doc comment)",
        )
    });
    record("generated-code", &|| {
        crate::codegen::run(&["--check".to_owned()])
            .map(|()| "crates/mypages-models matches specs/".to_owned())
            .map_err(|e| {
                vec![format!(
                    "{e}; fix: run `cargo xtask codegen` and commit both"
                )]
            })
    });
    record("dependency-isolation", &|| check_isolation(&root));
    record("arbitrary-precision", &|| check_arbitrary_precision(&root));
    record("model-features", &|| check_model_features(&root));
    record("cargo-deny", &|| check_deny(&root));
    record("package", &|| check_package(&root, &crates));
    record("semver", &|| check_semver(&root, &crates));

    if failures.is_empty() {
        say("all checks passed");
        Ok(())
    } else {
        Err(format!(
            "{} check(s) failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        ))
    }
}

fn say(line: &str) {
    eprintln!("release-check: {line}");
}

/// A workspace member that is published.
struct Crate {
    name: String,
    dir: PathBuf,
    manifest: toml::Table,
}

/// The workspace members whose manifest does not say `publish = false`.
fn publishable_crates(root: &Path) -> Result<Vec<Crate>, String> {
    let workspace = read_toml(&root.join("Cargo.toml"))?;
    let members = workspace
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array)
        .ok_or("Cargo.toml has no [workspace] members")?;
    let mut crates = Vec::new();
    for member in members.iter().filter_map(toml::Value::as_str) {
        let dir = root.join(member);
        let manifest = read_toml(&dir.join("Cargo.toml"))?;
        let package = manifest
            .get("package")
            .ok_or(format!("{member}: no [package]"))?;
        if package.get("publish").and_then(toml::Value::as_bool) == Some(false) {
            continue;
        }
        let name = package
            .get("name")
            .and_then(toml::Value::as_str)
            .ok_or(format!("{member}: no package name"))?
            .to_owned();
        crates.push(Crate {
            name,
            dir,
            manifest,
        });
    }
    Ok(crates)
}

fn read_toml(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.parse::<toml::Table>()
        .map_err(|e| format!("{} is not valid TOML: {e}", path.display()))
}

/// The declared `rust-version` is the `major.minor` of the toolchain that builds.
fn check_rust_version(root: &Path) -> Result<String, Vec<String>> {
    let workspace = read_toml(&root.join("Cargo.toml")).map_err(|e| vec![e])?;
    let declared = workspace
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("rust-version"))
        .and_then(toml::Value::as_str)
        .unwrap_or("")
        .to_owned();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .map_err(|e| vec![format!("cannot run rustc --version: {e}")])?;
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    let installed = toolchain_minor(&version).unwrap_or_default();
    if declared == installed {
        Ok(format!(
            "declared {declared} = the toolchain that builds ({})",
            version.trim()
        ))
    } else {
        Err(vec![format!(
            "Cargo.toml declares rust-version {declared:?} but the toolchain is {installed:?} \
             ({}); fix: build with {declared} in CI, or set rust-version = \"{installed}\" in \
             [workspace.package] and update the README's \"Supported Rust\"",
            version.trim()
        )])
    }
}

/// `major.minor` of `rustc --version` output (`rustc 1.95.0 (...)` -> `1.95`).
fn toolchain_minor(version: &str) -> Option<String> {
    let number = version.split_whitespace().nth(1)?;
    let mut parts = number.split(['.', '-']);
    Some(format!("{}.{}", parts.next()?, parts.next()?))
}

/// The fields crates.io and docs.rs need, and the `docsrs` attribute in the crate root.
fn check_metadata(root: &Path, crates: &[Crate]) -> Result<String, Vec<String>> {
    let workspace = read_toml(&root.join("Cargo.toml")).map_err(|e| vec![e])?;
    let inherited = workspace
        .get("workspace")
        .and_then(|w| w.get("package"))
        .cloned()
        .unwrap_or(toml::Value::Table(toml::Table::new()));
    let mut problems = Vec::new();
    let version = inherited
        .get("version")
        .and_then(toml::Value::as_str)
        .unwrap_or("");
    let dependencies = workspace
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table);
    let published = |name: &str| crates.iter().any(|c| c.name == name);
    for (name, spec) in dependencies.into_iter().flatten() {
        if spec.get("path").is_some() && (crates.is_empty() || published(name)) {
            let required = spec.get("version").and_then(toml::Value::as_str);
            if required != Some(version) {
                problems.push(format!(
                    "{name}: [workspace.dependencies] asks for version {required:?}, the \
                     workspace is {version:?}; fix: set version = \"{version}\" next to its path"
                ));
            }
        }
    }
    for krate in crates {
        let name = &krate.name;
        let package = krate.manifest.get("package");
        // A field set in the crate, or inherited with `field.workspace = true`.
        let field = |key: &str| -> Option<toml::Value> {
            let value = package?.get(key)?;
            if value.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
                inherited.get(key).cloned()
            } else {
                Some(value.clone())
            }
        };
        for key in [
            "description",
            "license",
            "repository",
            "readme",
            "rust-version",
        ] {
            if field(key).is_none() {
                problems.push(format!("{name}: no `{key}`; fix: add it to [package]"));
            }
        }
        for key in ["repository", "homepage"] {
            if let Some(url) = field(key).as_ref().and_then(toml::Value::as_str)
                && (!url.starts_with("https://") || url.contains(".invalid"))
            {
                problems.push(format!(
                    "{name}: `{key}` is {url:?}; fix: the project's real https URL, or no {key}"
                ));
            }
        }
        for key in ["keywords", "categories"] {
            let count = field(key)
                .as_ref()
                .and_then(toml::Value::as_array)
                .map_or(0, Vec::len);
            if !(1..=5).contains(&count) {
                problems.push(format!(
                    "{name}: {count} `{key}`; fix: give 1 to 5 in [package]"
                ));
            }
        }
        if let Some(readme) = field("readme").as_ref().and_then(toml::Value::as_str)
            && !krate.dir.join(readme).is_file()
        {
            problems.push(format!(
                "{name}: readme {readme:?} does not exist; fix: write it"
            ));
        }
        let docs_rs = package
            .and_then(|p| p.get("metadata"))
            .and_then(|m| m.get("docs"))
            .and_then(|d| d.get("rs"));
        let all_features = docs_rs
            .and_then(|d| d.get("all-features"))
            .and_then(toml::Value::as_bool);
        let cfg_docsrs = docs_rs
            .and_then(|d| d.get("rustdoc-args"))
            .and_then(toml::Value::as_array)
            .is_some_and(|args| args.iter().any(|a| a.as_str() == Some("docsrs")));
        if all_features != Some(true) || !cfg_docsrs {
            problems.push(format!(
                "{name}: fix: add [package.metadata.docs.rs] all-features = true, \
                 rustdoc-args = [\"--cfg\", \"docsrs\"]"
            ));
        }
        let crate_root = ["src/lib.rs", "src/main.rs"]
            .iter()
            .map(|p| krate.dir.join(p))
            .find(|p| p.is_file());
        let has_attr = crate_root
            .and_then(|p| std::fs::read_to_string(p).ok())
            .is_some_and(|text| text.contains("#![cfg_attr(docsrs, feature(doc_cfg))]"));
        if !has_attr {
            problems.push(format!(
                "{name}: fix: add #![cfg_attr(docsrs, feature(doc_cfg))] to the crate root"
            ));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{} crates have description, license, repository, readme, keywords, categories \
             and docs.rs settings",
            crates.len()
        ))
    } else {
        Err(problems)
    }
}

/// Every relative link of every markdown file of the repository leads to a file inside it.
fn check_links(root: &Path) -> Result<String, Vec<String>> {
    let mut files = Vec::new();
    markdown_files(root, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let shown = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        for (line, target) in relative_links(&text) {
            checked += 1;
            if let Err(why) = resolve_link(root, file, &target) {
                problems.push(format!(
                    "{shown}:{line}: link `{target}` {why}; fix: point it at a file in the \
                     repository (bring the file in, e.g. under docs/) or remove the link"
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{checked} relative links in {} markdown files",
            files.len()
        ))
    } else {
        Err(problems)
    }
}

/// The markdown files under `dir`, skipping build output and hidden directories.
fn markdown_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                markdown_files(&path, files);
            }
        } else if name.ends_with(".md") {
            files.push(path);
        }
    }
}

/// The relative link targets of a markdown text with their line numbers: `[text](target)`
/// and `[label]: target`, outside code blocks and code spans, without URLs or anchors.
fn relative_links(text: &str) -> Vec<(usize, String)> {
    let mut links = Vec::new();
    let mut in_fence = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || line.starts_with("    ") {
            continue;
        }
        let mut targets = Vec::new();
        // `[label]: target` reference definitions.
        if let Some(rest) = trimmed.strip_prefix('[')
            && let Some((_, after)) = rest.split_once("]:")
        {
            targets.push(after.trim().to_owned());
        }
        // `](target)` inline links, outside `code spans`.
        let mut in_code = false;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '`' => in_code = !in_code,
                ']' if !in_code && chars.get(i + 1) == Some(&'(') => {
                    let start = i + 2;
                    let mut depth = 1;
                    let mut end = start;
                    while end < chars.len() {
                        match chars[end] {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        end += 1;
                    }
                    targets.push(chars[start..end.min(chars.len())].iter().collect());
                    i = end;
                }
                _ => {}
            }
            i += 1;
        }
        for target in targets {
            // A title after the target (`(file.md "title")`), angle brackets, an anchor.
            let target = match target.strip_prefix('<') {
                Some(bracketed) => bracketed.split('>').next().unwrap_or(""),
                None => target.split_whitespace().next().unwrap_or(""),
            };
            let target = target.split('#').next().unwrap_or("");
            let is_url = target.contains("://") || target.starts_with("mailto:");
            if !target.is_empty() && !is_url {
                links.push((index + 1, target.to_owned()));
            }
        }
    }
    links
}

/// Where a relative link of `file` leads; an error says why it leads nowhere.
fn resolve_link(root: &Path, file: &Path, target: &str) -> Result<PathBuf, String> {
    let base = if let Some(from_root) = target.strip_prefix('/') {
        root.join(from_root)
    } else {
        file.parent().unwrap_or(root).join(target)
    };
    // Normalise `..` by hand: the target need not exist for the outside check.
    let mut resolved = PathBuf::new();
    for component in base.components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    if !resolved.starts_with(root) {
        return Err("points outside the repository".to_owned());
    }
    if !resolved.exists() {
        return Err("leads nowhere".to_owned());
    }
    Ok(resolved)
}

/// `docs/first-program.md` shows `examples/first-program`'s `Cargo.toml` (without the
/// `path` keys that only this repository needs) and `src/main.rs` exactly.
fn check_first_program(root: &Path) -> Result<String, Vec<String>> {
    let read =
        |p: &str| std::fs::read_to_string(root.join(p)).map_err(|e| vec![format!("{p}: {e}")]);
    let guide = read("docs/first-program.md")?;
    let manifest = read("examples/first-program/Cargo.toml")?;
    let main = read("examples/first-program/src/main.rs")?;
    let mut problems = Vec::new();
    let blocks = fenced_blocks(&guide);
    let toml_block = blocks
        .iter()
        .find(|(lang, _)| lang == "toml")
        .map(|(_, b)| b.as_str());
    let rust_block = blocks
        .iter()
        .find(|(lang, _)| lang == "rust")
        .map(|(_, b)| b.as_str());
    if toml_block != Some(without_paths(&manifest).as_str()) {
        problems.push(
            "the ```toml block of docs/first-program.md differs from \
             examples/first-program/Cargo.toml (paths left out); fix: copy the file into the guide"
                .to_owned(),
        );
    }
    if rust_block != Some(main.as_str()) {
        problems.push(
            "the ```rust block of docs/first-program.md differs from \
             examples/first-program/src/main.rs; fix: copy the file into the guide"
                .to_owned(),
        );
    }
    if problems.is_empty() {
        Ok("the guide's Cargo.toml and main.rs are the ones CI compiles".to_owned())
    } else {
        Err(problems)
    }
}

/// The fenced code blocks of a markdown text: language and text (ending in a newline).
fn fenced_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        match (current.take(), line.strip_prefix("```")) {
            (None, Some(lang)) => current = Some((lang.trim().to_owned(), String::new())),
            (Some(block), Some(_)) => blocks.push(block),
            (Some((lang, mut body)), None) => {
                body.push_str(line);
                body.push('\n');
                current = Some((lang, body));
            }
            (None, None) => {}
        }
    }
    blocks
}

/// A manifest as a project outside this repository writes it: `, path = "..."` dropped
/// from each dependency, and `{ version = "1" }` written `"1"`.
fn without_paths(manifest: &str) -> String {
    let mut out = String::new();
    for line in manifest.lines() {
        let mut line = line.to_owned();
        if let Some(start) = line.find(", path = \"")
            && let Some(len) = line[start + 10..].find('"')
        {
            line.replace_range(start..start + 10 + len + 1, "");
        }
        if let Some((name, value)) = line.split_once(" = { version = ")
            && let Some(version) = value.strip_suffix(" }")
            && !version.contains(',')
        {
            line = format!("{name} = {version}");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Runs cargo; the error is the fix to print.
fn cargo_step(
    root: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    fix: &str,
) -> Result<String, Vec<String>> {
    say(&format!("running cargo {}", args.join(" ")));
    let status = Command::new(cargo())
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .map_err(|e| vec![format!("could not start cargo: {e}")])?;
    if status.success() {
        Ok(format!("cargo {} passed", args.join(" ")))
    } else {
        Err(vec![format!("cargo {} failed; fix: {fix}", args.join(" "))])
    }
}

/// Runs cargo and captures its output.
fn cargo_output(root: &Path, args: &[&str]) -> Result<Output, String> {
    let output = Command::new(cargo())
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "cargo {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Each client crate's normal dependency tree holds no other provider: no other client,
/// no sandbox, and only its own `mypages-models` feature.
fn check_isolation(root: &Path) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    for (client, provider) in CLIENTS {
        let args = [
            "tree",
            "-p",
            client,
            "-e",
            "normal,features",
            "--prefix",
            "none",
            "--locked",
        ];
        let output = cargo_output(root, &args).map_err(|e| vec![e])?;
        let tree = String::from_utf8_lossy(&output.stdout).into_owned();
        let offenders = isolation_offenders(&tree, client, provider);
        for offender in offenders {
            problems.push(format!(
                "{client} depends on {offender}; fix: remove that dependency (or feature) from \
                 crates/{client}/Cargo.toml, it is another provider's code (see `cargo tree -p \
                 {client} -e normal,features -i <crate>`)"
            ));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{} hold no other provider's crate or mypages-models feature",
            CLIENTS.map(|(c, _)| c).join(", ")
        ))
    } else {
        Err(problems)
    }
}

/// The other providers' crates and `mypages-models` features in a `cargo tree` output.
fn isolation_offenders(tree: &str, client: &str, provider: &str) -> BTreeSet<String> {
    let mut offenders = BTreeSet::new();
    for line in tree.lines() {
        let mut words = line.split_whitespace();
        let Some(name) = words.next() else { continue };
        let others = CLIENTS.iter().map(|(c, _)| *c).filter(|c| *c != client);
        if others
            .chain(["mypages-sandbox", "mypages-cli"])
            .any(|c| c == name)
        {
            offenders.insert(name.to_owned());
        }
        if name == "mypages-models"
            && words.next() == Some("feature")
            && let Some(feature) = words.next()
        {
            let feature = feature.trim_matches('"');
            if feature != provider {
                offenders.insert(format!("mypages-models feature {feature:?}"));
            }
        }
    }
    offenders
}

/// No crate of the graph turns on serde_json's `arbitrary_precision` (it changes how
/// every number is decoded, and the models' exact decimals rely on the default).
fn check_arbitrary_precision(root: &Path) -> Result<String, Vec<String>> {
    let args = [
        "tree",
        "--workspace",
        "--all-features",
        "-e",
        "all,features",
        "--locked",
        "-i",
        "serde_json",
    ];
    let output = cargo_output(root, &args).map_err(|e| vec![e])?;
    let tree = String::from_utf8_lossy(&output.stdout);
    if tree.contains("arbitrary_precision") {
        Err(vec![format!(
            "serde_json's arbitrary_precision is on; fix: find who enables it with \
             `cargo {} | grep -B2 -A8 arbitrary_precision` and drop that feature",
            args.join(" ")
        )])
    } else {
        Ok(
            "no crate enables serde_json/arbitrary_precision (all features, all targets)"
                .to_owned(),
        )
    }
}

/// `mypages-models` builds with no provider, with each provider alone, and with all.
fn check_model_features(root: &Path) -> Result<String, Vec<String>> {
    let has_hack = cargo_output(root, &["hack", "--version"]).is_ok();
    if has_hack {
        return cargo_step(
            root,
            &[
                "hack",
                "check",
                "-p",
                "mypages-models",
                "--each-feature",
                "--no-dev-deps",
                "--locked",
            ],
            &[],
            "make the failing feature build on its own (a type used outside its feature?)",
        );
    }
    say("cargo-hack is not installed: checking each feature in a loop instead");
    let manifest =
        read_toml(&root.join("crates/mypages-models/Cargo.toml")).map_err(|e| vec![e])?;
    let features: Vec<String> = manifest
        .get("features")
        .and_then(toml::Value::as_table)
        .map(|t| t.keys().filter(|k| *k != "default").cloned().collect())
        .unwrap_or_default();
    let mut sets: Vec<String> = vec![String::new()];
    sets.extend(features.iter().cloned());
    sets.push(features.join(","));
    let mut problems = Vec::new();
    for set in &sets {
        let mut args = vec![
            "check",
            "-p",
            "mypages-models",
            "--lib",
            "--locked",
            "--no-default-features",
        ];
        if !set.is_empty() {
            args.extend(["--features", set.as_str()]);
        }
        let shown = if set.is_empty() {
            "no feature"
        } else {
            set.as_str()
        };
        if let Err(fix) = cargo_step(root, &args, &[], "make it build with only that feature") {
            problems.push(format!("mypages-models with {shown}: {}", fix.join("; ")));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "mypages-models builds with: none, {}, and all together",
            features.join(", ")
        ))
    } else {
        Err(problems)
    }
}

/// cargo-deny's bans, licenses and sources with `deny.toml`.
fn check_deny(root: &Path) -> Result<String, Vec<String>> {
    if cargo_output(root, &["deny", "--version"]).is_err() {
        return Ok(
            "skipped: cargo-deny is not installed (`cargo install --locked cargo-deny`)".to_owned(),
        );
    }
    say("cargo-deny advisories: skipped, the advisory database cannot be fetched here");
    cargo_step(
        root,
        &["deny", "--locked", "check", "bans", "licenses", "sources"],
        &[],
        "cargo-deny named the crate above: replace it, or allow its licence in deny.toml \
         only if the project may use it",
    )
    .map(|_| "bans, licenses and sources pass deny.toml (advisories skipped)".to_owned())
}

/// `cargo package` of every publishable crate (interdependent crates together), and no
/// tests or fixtures in what is packaged.
fn check_package(root: &Path, crates: &[Crate]) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    for krate in crates {
        let name = krate.name.as_str();
        let output = cargo_output(
            root,
            &["package", "--list", "--locked", "--allow-dirty", "-p", name],
        )
        .map_err(|e| vec![format!("{name}: {e}")])?;
        let listing = String::from_utf8_lossy(&output.stdout).into_owned();
        let files: Vec<&str> = listing.lines().collect();
        for file in &files {
            if is_test_material(file) {
                problems.push(format!(
                    "{name} would publish {file}; fix: leave it out with `include` in \
                     crates/{name}/Cargo.toml"
                ));
            }
        }
        say(&format!("{name}: {} files packaged", files.len()));
    }
    forget_unpacked_packages(root, crates);
    // Verification gets a target directory of its own whose builds of our crates are all
    // forgotten first: cargo takes a registry package's build as fresh when its version is
    // unchanged, so it would otherwise link the previous run's build of a dependency.
    let target = root.join("target/release-check");
    for krate in crates {
        forget_builds(&target.join("debug/.fingerprint"), &krate.name);
    }
    let target_arg = target.display().to_string();
    let mut args = vec![
        "package",
        "--locked",
        "--allow-dirty",
        "--target-dir",
        &target_arg,
    ];
    for krate in crates {
        args.extend(["-p", krate.name.as_str()]);
    }
    if let Err(mut fail) = cargo_step(
        root,
        &args,
        &[],
        "the crate cargo named above does not build from its package: a file it needs is \
         left out by `include`, or a dependency has no version",
    ) {
        problems.append(&mut fail);
    }
    if problems.is_empty() {
        Ok(format!(
            "{} crates package and build from their .crate files",
            crates.len()
        ))
    } else {
        Err(problems)
    }
}

/// Removes what an earlier `cargo package` unpacked of our crates from its temporary local
/// registry (`$CARGO_HOME/registry/src/-<hash>/<crate>-<version>`). Cargo unpacks a
/// package only when that directory is absent, so after a change without a version bump the
/// verification would build the dependent crates against the previous run's sources. Only
/// local registries' directories (named `-<hash>`) are touched; our crate names are not
/// taken from crates.io.
fn forget_unpacked_packages(root: &Path, crates: &[Crate]) {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(sources) = cargo_home.map(|home| home.join("registry/src")) else {
        return;
    };
    let version = read_toml(&root.join("Cargo.toml"))
        .ok()
        .and_then(|w| {
            w.get("workspace")?
                .get("package")?
                .get("version")?
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return;
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for krate in crates {
            let unpacked = registry.path().join(format!("{}-{version}", krate.name));
            if unpacked.is_dir() && std::fs::remove_dir_all(&unpacked).is_ok() {
                say(&format!(
                    "removed the stale unpacked {}",
                    unpacked.display()
                ));
            }
        }
    }
}

/// Removes the fingerprints of every build of `name` in `fingerprints`, so cargo builds it
/// again.
fn forget_builds(fingerprints: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(fingerprints) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let is_build = file_name
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|hash| hash.chars().all(|c| c.is_ascii_hexdigit()));
        if is_build {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a packaged path is a test, a fixture or a snapshot.
fn is_test_material(path: &str) -> bool {
    path.split('/')
        .any(|part| matches!(part, "tests" | "fixtures" | "snapshots" | "benches"))
}

/// cargo-semver-checks against the last release tag, when there is one and the tool too.
fn check_semver(root: &Path, crates: &[Crate]) -> Result<String, Vec<String>> {
    let tag = Command::new("git")
        .args(["describe", "--tags", "--abbrev=0", "--match", "v*"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let Some(tag) = tag else {
        return Ok("skipped: no release tag (v*) yet, nothing to compare with".to_owned());
    };
    if cargo_output(root, &["semver-checks", "--version"]).is_err() {
        return Ok(format!(
            "skipped: cargo-semver-checks is not installed (`cargo install --locked \
             cargo-semver-checks`, over ten minutes to build); the baseline would be {tag}"
        ));
    }
    let mut args = vec![
        "semver-checks",
        "check-release",
        "--baseline-rev",
        tag.as_str(),
    ];
    for krate in crates.iter().filter(|c| c.dir.join("src/lib.rs").is_file()) {
        args.extend(["-p", krate.name.as_str()]);
    }
    cargo_step(
        root,
        &args,
        &[],
        "a breaking change needs a new major version (0.x: minor), see docs/releasing.md",
    )
    .map(|_| format!("no breaking change since {tag} that the version does not allow"))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toolchain_minor_reads_rustc_version() {
        assert_eq!(
            toolchain_minor("rustc 1.95.0 (59807616e 2026-04-14)\n").as_deref(),
            Some("1.95")
        );
        assert_eq!(
            toolchain_minor("rustc 1.97.0-nightly (e50aa6fba 2026-05-19)").as_deref(),
            Some("1.97")
        );
    }

    #[test]
    fn finds_relative_links_but_not_urls_code_or_anchors() {
        let text = "\
See [the CLI](docs/cli.md#exit-codes), [site](https://example.com), [top](#top).
`[not](a-link.md)` and [ref]: ../shared/cli.md
```
[in](code.md)
```
    [indented](code.md)
[two](a.md) and [three](<b c.md> \"title\")
";
        let links = relative_links(text);
        assert_eq!(
            links,
            vec![
                (1, "docs/cli.md".to_owned()),
                (7, "a.md".to_owned()),
                (7, "b c.md".to_owned()),
            ]
        );
        let reference = relative_links("[ref]: ../shared/cli.md\n");
        assert_eq!(reference, vec![(1, "../shared/cli.md".to_owned())]);
    }

    #[test]
    fn a_link_that_leads_nowhere_or_outside_fails() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/cli.md"), "# cli\n").unwrap();
        std::fs::write(dir.path().join("outside.md"), "").unwrap();
        let file = root.join("docs/guide.md");
        assert!(resolve_link(&root, &file, "cli.md").is_ok());
        assert!(resolve_link(&root, &file, "/docs/cli.md").is_ok());
        assert_eq!(
            resolve_link(&root, &file, "missing.md").unwrap_err(),
            "leads nowhere"
        );
        assert_eq!(
            resolve_link(&root, &file, "../../outside.md").unwrap_err(),
            "points outside the repository"
        );

        std::fs::write(&file, "[cli](cli.md) and [gone](../shared/cli.md)\n").unwrap();
        let problems = check_links(&root).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("docs/guide.md:1: link `../shared/cli.md`"));
    }

    #[test]
    fn isolation_names_other_providers_and_their_model_features() {
        let tree = "\
payex-client v0.1.0 (/w/crates/payex-client)
mypages-models feature \"payex\"
mypages-models v0.1.0 (/w/crates/mypages-models)
serde v1.0.0
";
        assert!(isolation_offenders(tree, "payex-client", "payex").is_empty());
        let leaky = format!("{tree}mypages-models feature \"avarda\"\navarda-client v0.1.0\n");
        let offenders: Vec<String> = isolation_offenders(&leaky, "payex-client", "payex")
            .into_iter()
            .collect();
        assert_eq!(
            offenders,
            ["avarda-client", "mypages-models feature \"avarda\""]
        );
    }

    #[test]
    fn a_guide_manifest_is_the_example_without_paths() {
        let manifest = "\
[dependencies]
payex-client = { version = \"0.1\", path = \"../../crates/payex-client\" }
tokio = { version = \"1\", features = [\"macros\"] }
sandbox = { version = \"0.1\", path = \"../x\", features = [\"a\"] }
";
        assert_eq!(
            without_paths(manifest),
            "\
[dependencies]
payex-client = \"0.1\"
tokio = { version = \"1\", features = [\"macros\"] }
sandbox = { version = \"0.1\", features = [\"a\"] }
"
        );
    }

    #[test]
    fn fenced_blocks_keep_language_and_text() {
        let blocks = fenced_blocks("intro\n```toml\na = 1\n```\n\n```rust\nfn main() {}\n```\n");
        assert_eq!(
            blocks,
            [
                ("toml".to_owned(), "a = 1\n".to_owned()),
                ("rust".to_owned(), "fn main() {}\n".to_owned())
            ]
        );
    }

    #[test]
    fn our_dependencies_ask_for_the_workspace_version() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = "[workspace.package]\nversion = \"0.2.0\"\n[workspace.dependencies]\n\
                        a = { version = \"0.2.0\", path = \"a\" }\n\
                        b = { version = \"0.1.0\", path = \"b\" }\n\
                        c = { path = \"c\" }\nserde = \"1\"\n";
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        let problems = check_metadata(dir.path(), &[]).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("b: "), "{problems:?}");
        assert!(problems[1].starts_with("c: "), "{problems:?}");
    }

    #[test]
    fn tests_and_fixtures_are_not_packaged() {
        assert!(is_test_material("tests/fixtures/accounts.json"));
        assert!(is_test_material("tests/sandbox.rs"));
        assert!(!is_test_material("src/lib.rs"));
        assert!(!is_test_material("examples/list_accounts.rs"));
    }

    #[test]
    fn the_first_program_guide_shows_the_program_ci_compiles() {
        let result = check_first_program(&workspace_root());
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn this_repository_has_no_broken_links() {
        // The same check release-check runs, so a broken link fails `cargo xtask ci` too.
        let result = check_links(&workspace_root());
        assert!(result.is_ok(), "{result:?}");
    }
}
