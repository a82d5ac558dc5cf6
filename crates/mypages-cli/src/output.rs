//! What a command prints on stdout: one JSON document, or a human table.
//!
//! Values pass through as JSON text, never through `f64`: an amount the provider sent as
//! `2000.00` is printed as `2000.00`, in the table too.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::exit::CliError;
use crate::no_content::NoContent;

/// The `--output` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// One JSON document with the provider's own field names.
    Json,
    /// A human table.
    Table,
}

/// Prints results in the format the user chose.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    format: OutputFormat,
    no_content: NoContent,
}

impl Output {
    /// An output in `format`.
    pub(crate) fn new(format: OutputFormat) -> Self {
        Self {
            format,
            no_content: NoContent::default(),
        }
    }

    /// Whether the command's last answer was `204 No Content`: then nothing is printed
    /// (docs/cli.md). A provider command's client reports to it (`NoContent::watch`).
    pub(crate) fn no_content(&self) -> &NoContent {
        &self.no_content
    }

    /// The chosen format.
    pub(crate) fn format(&self) -> OutputFormat {
        self.format
    }

    /// Prints `value` as one JSON document, or as a table; nothing when the command's last
    /// answer was `204 No Content`.
    pub(crate) fn print<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), CliError> {
        if self.no_content.seen() {
            return Ok(());
        }
        let json = serde_json::to_string_pretty(value)
            .map_err(|e| CliError::failure(format!("could not encode the result as JSON: {e}")))?;
        let text = match self.format {
            OutputFormat::Json => json,
            OutputFormat::Table => render_table(&json)
                .map_err(|e| CliError::failure(format!("could not render the table: {e}")))?,
        };
        write_stdout(&text)
    }

    /// Prints the answer of an operation that may answer without a body: nothing for `None`.
    pub(crate) fn print_optional<T: Serialize>(&self, value: &Option<T>) -> Result<(), CliError> {
        match value {
            Some(value) => self.print(value),
            None => Ok(()),
        }
    }

    /// Prints an already formatted text (for the demo and the overview tables).
    pub(crate) fn print_text(&self, text: &str) -> Result<(), CliError> {
        write_stdout(text)
    }
}

fn write_stdout(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| {
            if text.ends_with('\n') {
                Ok(())
            } else {
                stdout.write_all(b"\n")
            }
        })
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => Ok(()),
        // A closed pipe (`mypages ... | head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failure(format!("could not write to stdout: {e}"))),
    }
}

/// A spinner on stderr while a list command follows many pages, so a person knows it is
/// working. It draws only when stderr is a terminal (never in pipes, files or scripts) and
/// clears its line when dropped.
pub(crate) struct Progress {
    pages: Arc<AtomicUsize>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// Starts a spinner labelled `what` (e.g. `transactions`) if stderr is a terminal.
    pub(crate) fn start(what: &'static str) -> Self {
        Self::start_on(what, std::io::stderr().is_terminal())
    }

    fn start_on(what: &'static str, terminal: bool) -> Self {
        let pages = Arc::new(AtomicUsize::new(0));
        let ticker = terminal.then(|| {
            let pages = Arc::clone(&pages);
            tokio::spawn(async move {
                const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
                let mut tick = tokio::time::interval(Duration::from_millis(120));
                for frame in FRAMES.iter().cycle() {
                    tick.tick().await;
                    let done = pages.load(Ordering::Relaxed);
                    eprint!("\r{frame} fetching {what}: {done} page(s)");
                }
            })
        });
        Self { pages, ticker }
    }

    /// Counts one more page received.
    pub(crate) fn page(&self) {
        self.pages.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether the spinner draws (stderr is a terminal).
    #[cfg(test)]
    fn draws(&self) -> bool {
        self.ticker.is_some()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(ticker) = self.ticker.take() {
            ticker.abort();
            // Erase the spinner's line so the result starts clean.
            eprint!("\r\x1b[K");
        }
    }
}

/// A JSON object whose member values are kept as their JSON text, in document order.
pub(crate) struct RawObject(pub(crate) Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = RawObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
                let mut members = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push((key, value));
                }
                Ok(RawObject(members))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// Renders a JSON document as a table: an array of objects as one row per object with a
/// column per scalar member; an object as `field | value` rows; a scalar as itself.
pub(crate) fn render_table(json: &str) -> Result<String, serde_json::Error> {
    let trimmed = json.trim_start();
    if trimmed.starts_with('[') {
        let elements: Vec<Box<RawValue>> = serde_json::from_str(json)?;
        let mut rows = Vec::with_capacity(elements.len());
        for element in &elements {
            if element.get().trim_start().starts_with('{') {
                rows.push(serde_json::from_str::<RawObject>(element.get())?.0);
            } else {
                rows.push(vec![("value".to_owned(), element.clone())]);
            }
        }
        Ok(rows_table(&rows))
    } else if trimmed.starts_with('{') {
        let mut rows = Vec::new();
        flatten("", &serde_json::from_str::<Box<RawValue>>(json)?, &mut rows)?;
        Ok(grid(
            &["field".to_owned(), "value".to_owned()],
            &rows,
            &[false, false],
        ))
    } else {
        Ok(cell(&serde_json::from_str::<Box<RawValue>>(json)?))
    }
}

/// One `field | value` row per scalar inside `value`, named by its path
/// (`interestRate.debtInterest`, `operation[0].rel`), so nested documents stay one line a
/// value.
fn flatten(
    path: &str,
    value: &RawValue,
    rows: &mut Vec<Vec<String>>,
) -> Result<(), serde_json::Error> {
    let text = value.get().trim_start();
    if text.starts_with('{') {
        for (key, member) in serde_json::from_str::<RawObject>(value.get())?.0 {
            let path = if path.is_empty() {
                key
            } else {
                format!("{path}.{key}")
            };
            flatten(&path, &member, rows)?;
        }
    } else if text.starts_with('[') {
        let elements: Vec<Box<RawValue>> = serde_json::from_str(value.get())?;
        if elements.is_empty() {
            rows.push(vec![path.to_owned(), String::new()]);
        }
        for (index, element) in elements.iter().enumerate() {
            flatten(&format!("{path}[{index}]"), element, rows)?;
        }
    } else {
        rows.push(vec![path.to_owned(), cell(value)]);
    }
    Ok(())
}

fn rows_table(rows: &[Vec<(String, Box<RawValue>)>]) -> String {
    // A column for every member that is a scalar (or null) in every row that has it:
    // nested values would not fit on one line (`get` shows them in full).
    let mut columns: Vec<String> = Vec::new();
    let mut nested: Vec<&String> = Vec::new();
    for row in rows {
        for (key, value) in row {
            if !is_scalar(value) {
                nested.push(key);
            } else if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    columns.retain(|column| !nested.contains(&column));
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|column| {
                    row.iter()
                        .find(|(key, _)| key == column)
                        .map_or_else(String::new, |(_, value)| cell(value))
                })
                .collect()
        })
        .collect();
    let numeric: Vec<bool> = columns
        .iter()
        .map(|column| {
            let mut values = rows
                .iter()
                .filter_map(|row| row.iter().find(|(key, _)| key == column))
                .map(|(_, value)| value.get().trim())
                .filter(|text| *text != "null")
                .peekable();
            values.peek().is_some()
                && values.all(|text| text.starts_with(|c: char| c == '-' || c.is_ascii_digit()))
        })
        .collect();
    grid(&columns, &cells, &numeric)
}

fn is_scalar(value: &RawValue) -> bool {
    !value.get().trim_start().starts_with(['{', '['])
}

/// The text of one cell: strings unquoted, numbers exactly as sent, `null` empty.
pub(crate) fn cell(value: &RawValue) -> String {
    let text = value.get().trim();
    if text == "null" {
        String::new()
    } else if text.starts_with('"') {
        serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_owned())
    } else {
        text.to_owned()
    }
}

/// Lays out a header and rows in aligned columns; numeric columns are right-aligned.
pub(crate) fn grid(header: &[String], rows: &[Vec<String>], right_align: &[bool]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, value) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(i) {
                *width = (*width).max(value.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, value) in cells.iter().enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            let pad = width.saturating_sub(value.chars().count());
            if i > 0 {
                out.push_str("  ");
            }
            if right_align.get(i).copied().unwrap_or(false) {
                out.push_str(&" ".repeat(pad));
                out.push_str(value);
            } else {
                out.push_str(value);
                if i + 1 < cells.len() {
                    out.push_str(&" ".repeat(pad));
                }
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
        out
    };
    let mut out = line(header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&line(&rule));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_keeps_amounts_exactly_as_sent_and_skips_nested_members() {
        let json = r#"[{"accountNo":"1","totalBalance":2000.00,"big":79228162514264337593543950335,"nested":{"a":1}},
                       {"accountNo":"22","totalBalance":-5.5,"big":null}]"#;
        let table = render_table(json).unwrap();
        assert!(table.contains("2000.00"), "{table}");
        assert!(table.contains("79228162514264337593543950335"), "{table}");
        assert!(!table.contains("nested"), "{table}");
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["accountNo", "totalBalance", "big"]
        );
        // numbers are right-aligned: both balances end in the same column
        let end = |needle: &str| {
            lines
                .iter()
                .find_map(|l| l.find(needle).map(|i| i + needle.len()))
                .unwrap()
        };
        assert_eq!(end("2000.00"), end("-5.5"));
    }

    #[tokio::test]
    async fn progress_draws_only_on_a_terminal_and_counts_pages() {
        let quiet = Progress::start_on("accounts", false);
        quiet.page();
        assert!(!quiet.draws());
        assert_eq!(quiet.pages.load(Ordering::Relaxed), 1);
        let shown = Progress::start_on("accounts", true);
        assert!(shown.draws());
    }

    #[test]
    fn a_member_nested_in_any_row_gets_no_column() {
        let json = r#"[{"id":"a","schedule":"monthly"},{"id":"b","schedule":{"frequency":"quarterly","offset":[2,-1]}}]"#;
        let table = render_table(json).unwrap();
        assert!(!table.contains("schedule"), "{table}");
        assert_eq!(table.lines().count(), 4, "{table}");
    }

    #[test]
    fn an_object_table_flattens_nested_members_one_line_each() {
        let json = r#"{"accountNo":"1","interestRate":{"debtInterest":10.00},"operation":[{"rel":"x"}],"cards":[]}"#;
        let table = render_table(json).unwrap();
        let line = |field: &str| {
            table
                .lines()
                .find(|l| l.split_whitespace().next() == Some(field))
                .unwrap_or_else(|| panic!("{field} missing: {table}"))
                .to_owned()
        };
        assert!(line("interestRate.debtInterest").ends_with("10.00"));
        assert!(line("operation[0].rel").ends_with('x'));
        assert_eq!(line("cards").trim(), "cards");
        assert!(!table.contains('{'), "{table}");
    }

    #[test]
    fn table_of_an_object_lists_fields() {
        let table = render_table(r#"{"state":"Paid","amount":1249.50}"#).unwrap();
        assert!(
            table
                .lines()
                .any(|l| l.starts_with("state") && l.ends_with("Paid")),
            "{table}"
        );
        assert!(
            table
                .lines()
                .any(|l| l.starts_with("amount") && l.ends_with("1249.50")),
            "{table}"
        );
    }
}
