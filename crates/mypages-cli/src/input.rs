//! Reading the JSON that `--file` names (`-` for standard input).

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::exit::CliError;

/// Reads the text of `path`, or of standard input when `path` is `-`.
pub(crate) fn read_text(argument: &str, path: &Path) -> Result<String, CliError> {
    let mut text = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|content| text = content)
    };
    read.map_err(|e| CliError::usage(argument, format!("cannot read {}: {e}", path.display())))?;
    Ok(text)
}

/// Reads and decodes the JSON document of `path` (`-` for standard input); a document that
/// does not decode is a usage error naming `argument` and the place in the document.
pub(crate) fn read_json<T: DeserializeOwned>(argument: &str, path: &Path) -> Result<T, CliError> {
    let text = read_text(argument, path)?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::usage(
            argument,
            format!("{} is not the JSON this command takes: {e}", path.display()),
        )
    })
}
