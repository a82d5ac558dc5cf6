//! How a command ends: the exit codes of ../shared/cli.md and what each prints.

use std::fmt::Write as _;
use std::process::ExitCode;

use mypages_transport::{Error, ErrorKind};

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
    /// Exit 4: the provider answered with an error.
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
            ErrorKind::InvalidRequest => Self::Usage {
                argument: error.argument().unwrap_or("argument").to_owned(),
                message: error.to_string(),
            },
            ErrorKind::Api => Self::Provider(error),
            _ => Self::Transport(error),
        }
    }
}

fn describe_provider_error(error: &Error) -> String {
    let mut text = String::from("mypages: the provider answered with an error\n");
    if let Some(status) = error.status() {
        let _ = writeln!(text, "  status: {status}");
    }
    match error.problem() {
        Some(problem) => {
            let members = [
                ("type", &problem.r#type),
                ("title", &problem.title),
                ("detail", &problem.detail),
                ("instance", &problem.instance),
            ];
            for (name, value) in members {
                if let Some(value) = value {
                    let _ = writeln!(text, "  {name}: {value}");
                }
            }
            for field in &problem.problems {
                let _ = writeln!(text, "  problem: {}: {}", field.name, field.message);
            }
            // Members beyond RFC 7807's, e.g. PayFunc's `content: {type, description}`.
            for (name, value) in &problem.extensions {
                let _ = writeln!(text, "  {name}: {value}");
            }
        }
        None => {
            if let Some(body) = error.body().filter(|body| !body.is_empty()) {
                let shown = &body[..body.len().min(BODY_EXCERPT)];
                let _ = writeln!(
                    text,
                    "  body: {}",
                    String::from_utf8_lossy(shown).trim_end()
                );
            }
        }
    }
    text
}

fn describe_transport_error(error: &Error) -> String {
    let mut text = format!("mypages: {error}\n");
    if let Some(path) = error.json_path() {
        if !text.contains(path) {
            let _ = writeln!(text, "  at: {path}");
        }
    }
    if error.kind() == ErrorKind::Timeout || error.kind() == ErrorKind::Connect {
        text.push_str("  check --base-url and the network, or raise --timeout / --retries\n");
    }
    text
}
