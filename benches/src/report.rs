//! The table the benchmarks print: one row per case, in Markdown so it can be pasted into
//! `docs/benchmarks.md` as measured.

use std::time::Duration;

use crate::harness::Measured;

/// One measured case.
#[derive(Debug, Default)]
pub(crate) struct Row {
    /// What is measured, e.g. `payex transactions, 10 000 items`.
    pub(crate) case: String,
    /// Median time (of one call, unless the case says otherwise).
    pub(crate) median: String,
    /// 90th percentile time.
    pub(crate) p90: String,
    /// Throughput: MB/s, calls/s or items/s.
    pub(crate) throughput: String,
    /// Anything else measured: time per item, memory, samples.
    pub(crate) notes: String,
}

impl Row {
    /// A row with the median and p90 of `measured`.
    pub(crate) fn timed(case: impl Into<String>, measured: &Measured) -> Row {
        Row {
            case: case.into(),
            median: duration(measured.median),
            p90: duration(measured.p90),
            ..Row::default()
        }
    }

    /// Sets the throughput column.
    pub(crate) fn throughput(mut self, text: impl Into<String>) -> Row {
        self.throughput = text.into();
        self
    }

    /// Appends to the notes column (nothing if `text` is empty).
    pub(crate) fn note(mut self, text: impl AsRef<str>) -> Row {
        if text.as_ref().is_empty() {
            return self;
        }
        if !self.notes.is_empty() {
            self.notes.push_str("; ");
        }
        self.notes.push_str(text.as_ref());
        self
    }
}

/// Prints a section: a heading, then the rows as a Markdown table.
pub(crate) fn print_section(title: &str, rows: &[Row]) {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.case.clone(),
                r.median.clone(),
                r.p90.clone(),
                r.throughput.clone(),
                r.notes.clone(),
            ]
        })
        .collect();
    print_table(
        title,
        &["case", "median", "p90", "throughput", "notes"],
        &cells,
    );
}

/// Prints a heading, then `rows` under `headers` as a Markdown table with aligned columns.
pub(crate) fn print_table(title: &str, headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        format!("| {} |", padded.join(" | "))
    };
    println!("\n### {title}\n");
    println!("{}", line(&mut headers.iter().copied()));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    println!("|-{}-|", rule.join("-|-"));
    for row in rows {
        println!("{}", line(&mut row.iter().map(String::as_str)));
    }
}

/// A duration with a unit that keeps three or four significant digits.
pub(crate) fn duration(d: Duration) -> String {
    let nanos = d.as_secs_f64() * 1e9;
    if nanos < 1e3 {
        format!("{nanos:.0} ns")
    } else if nanos < 1e6 {
        format!("{:.2} µs", nanos / 1e3)
    } else if nanos < 1e9 {
        format!("{:.2} ms", nanos / 1e6)
    } else {
        format!("{:.2} s", nanos / 1e9)
    }
}

/// Bytes per second as MB/s (10^6 bytes).
pub(crate) fn mb_per_s(bytes: usize, per: Duration) -> String {
    format!("{:.1} MB/s", rate(bytes, per) / 1e6)
}

/// Count per second, with thousands grouped.
pub(crate) fn per_s(count: usize, per: Duration, unit: &str) -> String {
    format!("{} {unit}/s", grouped(rate(count, per).round()))
}

fn rate(count: usize, per: Duration) -> f64 {
    let secs = per.as_secs_f64();
    if secs > 0.0 { count as f64 / secs } else { 0.0 }
}

/// A whole number with thin groups of three digits (`12 345`).
pub(crate) fn grouped(value: f64) -> String {
    let digits = format!("{value:.0}");
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits.as_str()),
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Kibibytes as MiB with one decimal.
pub(crate) fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
