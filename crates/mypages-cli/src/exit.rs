//! How a command ends: the exit codes of ../shared/cli.md and what each prints.

use std::fmt::Write as _;
use std::process::ExitCode;

use mypages_transport::{Error, ErrorKind};

use crate::output::{RawObject, cell};

/// The most of a provider's error body printed when it is not a problem document.
const BODY_EXCERPT: usize = 2048;

/// Why a command did not succeed; each variant is one exit code.
#[derive(Debug)]
pub(crate) enum CliError {
    /// Exit 2: bad usage, or input rejected before anything was sent.
    Usage {
        /// The argument at fault, as the user typed it (`--amount`).
        argument: String,
        /// What is wrong with it and what is accepted.
        message: String,
    },
    /// Exit 3: Avarda wants the customer to complete strong authentication first.
    StrongAuth {
        /// Where to send the customer.
        redirect_url: String,
    },
    /// Exit 4: the provider answered with an error; exit 5 when that answer is a passing
    /// failure on its side (408, 429 or a 5xx left after the retries).
    Provider(Error),
    /// Exit 5: the call failed on the way (connect, timeout, undecodable response).
    Transport(Error),
    /// Exit 5: something local failed after the call (writing a file, stdout).
    Failure(String),
    /// A partial failure the command has already printed (the overview's failed rows):
    /// only the exit code remains to give.
    Reported {
        /// The exit code.
        code: u8,
    },
}

impl CliError {
    /// A usage error naming `argument`.
    pub(crate) fn usage(argument: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Usage {
            argument: argument.into(),
            message: message.into(),
        }
    }

    /// A local failure with a message saying what failed.
    pub(crate) fn failure(message: impl Into<String>) -> Self {
        Self::Failure(message.into())
    }

    /// The process exit code of this outcome.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::Usage { .. } => 2,
            Self::StrongAuth { .. } => 3,
            // "Retries exhausted" is a transport failure in the contract: the provider did
            // not reject the request, it could not serve it now.
            Self::Provider(error) if error.is_transient() => 5,
            Self::Provider(_) => 4,
            Self::Transport(_) | Self::Failure(_) => 5,
            Self::Reported { code } => *code,
        }
    }

    /// Prints what the user needs (stdout for the redirect, stderr otherwise) and returns
    /// the exit code.
    pub(crate) fn report(&self) -> ExitCode {
        match self {
            Self::StrongAuth { redirect_url } => {
                let document = serde_json::json!({ "redirectUrl": redirect_url });
                println!("{document}");
                eprintln!(
                    "mypages: the customer must complete strong authentication at the redirectUrl, then call again"
                );
            }
            other => eprint!("{}", other.describe()),
        }
        ExitCode::from(self.exit_code())
    }

    /// The text printed on stderr.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Usage { argument, message } => format!("mypages: {argument}: {message}\n"),
            Self::StrongAuth { redirect_url } => {
                format!("mypages: strong authentication required at {redirect_url}\n")
            }
            Self::Provider(error) => describe_provider_error(error),
            Self::Transport(error) => describe_transport_error(error),
            Self::Failure(message) => format!("mypages: {message}\n"),
            Self::Reported { .. } => String::new(),
        }
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        match error.kind() {
            ErrorKind::InvalidArgument => Self::Usage {
                argument: error.argument().unwrap_or("argument").to_owned(),
                message: error.to_string(),
            },
            ErrorKind::Refused => Self::Provider(error),
            // A 408/429/5xx left after the retries is still the provider's answer.
            ErrorKind::Transient if error.status().is_some() => Self::Provider(error),
            _ => Self::Transport(error),
        }
    }
}

fn describe_provider_error(error: &Error) -> String {
    let mut text = if error.is_transient() {
        String::from(
            "mypages: the provider could not serve the request now (retries exhausted or not safe to retry); try again later\n",
        )
    } else {
        String::from("mypages: the provider answered with an error\n")
    };
    if let Some(status) = error.status() {
        let _ = writeln!(text, "  status: {status}");
    }
    let body = error.body().map(|body| &body[..]).unwrap_or_default();
    let members = json_members(body);
    match error.problem() {
        Some(problem) => {
            let standard = [
                ("type", &problem.r#type),
                ("title", &problem.title),
                ("detail", &problem.detail),
                ("instance", &problem.instance),
            ];
            for (name, value) in standard {
                if let Some(value) = value {
                    let _ = writeln!(text, "  {name}: {value}");
                }
            }
            for field in &problem.problems {
                let _ = writeln!(text, "  problem: {}: {}", field.name, field.message);
            }
            // Members beyond RFC 7807's (PayFunc's `content: {type, description}`), as sent.
            const KNOWN: [&str; 6] = ["type", "title", "status", "detail", "instance", "problems"];
            for (name, value) in members.iter().flatten() {
                if !KNOWN.iter().any(|known| name.eq_ignore_ascii_case(known)) {
                    let _ = writeln!(text, "  {name}: {value}");
                }
            }
        }
        // Avarda sends `errorCode`/`message` or `error`/`error_description`: every member.
        None => match members {
            Some(members) => {
                for (name, value) in members {
                    let _ = writeln!(text, "  {name}: {value}");
                }
            }
            None if !body.is_empty() => {
                let shown = &body[..body.len().min(BODY_EXCERPT)];
                let _ = writeln!(
                    text,
                    "  body: {}",
                    String::from_utf8_lossy(shown).trim_end()
                );
            }
            None => {}
        },
    }
    text
}

/// The members of a JSON object body, in order, each value as the provider wrote it
/// (strings unquoted; numbers and nested values as their JSON text, never through `f64`).
fn json_members(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(body).ok()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let object: RawObject = serde_json::from_str(text).ok()?;
    Some(
        object
            .0
            .into_iter()
            .map(|(name, value)| (name, cell(&value)))
            .collect(),
    )
}

fn describe_transport_error(error: &Error) -> String {
    let mut text = format!("mypages: {}\n", error.summary());
    if let Some(path) = error.json_path() {
        if !text.contains(path) {
            let _ = writeln!(text, "  at: {path}");
        }
    }
    let advice = match error.kind() {
        ErrorKind::Timeout => "  raise --timeout if the provider is slow, or --retries\n",
        ErrorKind::Connect => "  check --base-url and the network, or raise --retries\n",
        ErrorKind::Transient => {
            "  the request may have reached the provider: check before repeating a payment\n"
        }
        ErrorKind::Decode => {
            "  the answer is not what the provider documents; run with RUST_LOG=debug and report it\n"
        }
        ErrorKind::BodyTooLarge => "  the answer is larger than the SDK's body limit\n",
        _ => "",
    };
    text.push_str(advice);
    text
}
