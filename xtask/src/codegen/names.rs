//! Rust names from wire names, and doc comments from spec descriptions.

/// Splits a wire name into words: at separators (`_`, `-`, `@`, `$`, spaces, ...), at a
/// lower-case letter or digit followed by an upper-case one (`accountNo`), and before the last
/// capital of an acronym followed by a lower-case letter (`eDIAddress` -> `e DI Address`).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&prev) = current.chars().last().as_ref() {
            let next = chars.get(i + 1).copied();
            let boundary = c.is_ascii_uppercase()
                && (prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase())));
            if boundary {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `accountNo` -> `account_no`, `@id` -> `id`, `PanTrunc` -> `pan_trunc`, `type` -> `r#type`.
pub(super) fn snake_case(name: &str) -> Option<String> {
    let snake = words(name)
        .iter()
        .map(|word| word.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    identifier(snake)
}

/// `SEK` -> `Sek`, `PAID_IN_FULL` -> `PaidInFull`, `in-progress` -> `InProgress`,
/// `InvoiceSummary` -> `InvoiceSummary`.
pub(super) fn upper_camel_case(name: &str) -> Option<String> {
    let camel: String = words(name)
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => {
                    let rest = chars.as_str();
                    let all_upper = !rest.chars().any(|c| c.is_ascii_lowercase());
                    let rest = if all_upper {
                        rest.to_ascii_lowercase()
                    } else {
                        rest.to_owned()
                    };
                    format!("{}{rest}", first.to_ascii_uppercase())
                }
                None => String::new(),
            }
        })
        .collect();
    identifier(camel)
}

/// A usable identifier, raw (`r#type`) for keywords that allow it; `None` when there is none.
fn identifier(name: String) -> Option<String> {
    let first = name.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    match name.as_str() {
        "self" | "Self" | "super" | "crate" | "_" => None,
        _ if KEYWORDS.contains(&name.as_str()) => Some(format!("r#{name}")),
        _ => Some(name),
    }
}

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// The name without a raw-identifier prefix, for use inside other names (`with_type`).
pub(super) fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Doc comment lines (`/// ...`, indented by `indent`) for a spec description: leading
/// whitespace trimmed (no accidental code blocks), brackets and angle brackets escaped outside
/// code spans (no broken intra-doc links or HTML), bare URLs wrapped in `<...>`, and code
/// fences marked `text` (no doctests).
pub(super) fn doc(description: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut in_fence = false;
    let lines: Vec<&str> = description.trim().lines().map(str::trim).collect();
    for line in lines {
        if line.starts_with("```") {
            let fence = if in_fence || line.len() > 3 {
                line.to_owned()
            } else {
                "```text".to_owned()
            };
            in_fence = !in_fence;
            push_line(&mut out, indent, &fence);
            continue;
        }
        if in_fence {
            push_line(&mut out, indent, line);
            continue;
        }
        let mut text = String::new();
        let mut rest = line;
        while !rest.is_empty() {
            if !in_code && (rest.starts_with("https://") || rest.starts_with("http://")) {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
                    .unwrap_or(rest.len());
                let (url, tail) = rest.split_at(end);
                let (url, trailing) = match url.strip_suffix(['.', ',', ';', ':']) {
                    Some(stripped) => (stripped, &url[stripped.len()..]),
                    None => (url, ""),
                };
                text.push('<');
                text.push_str(url);
                text.push('>');
                text.push_str(trailing);
                rest = tail;
                continue;
            }
            let mut chars = rest.chars();
            let Some(c) = chars.next() else { break };
            match c {
                '`' => {
                    in_code = !in_code;
                    text.push(c);
                }
                '[' | ']' | '<' | '>' if !in_code => {
                    text.push('\\');
                    text.push(c);
                }
                _ => text.push(c),
            }
            rest = chars.as_str();
        }
        push_line(&mut out, indent, &text);
    }
    out
}

fn push_line(out: &mut String, indent: &str, text: &str) {
    out.push_str(indent);
    if text.is_empty() {
        out.push_str("///\n");
    } else {
        out.push_str("/// ");
        out.push_str(text);
        out.push('\n');
    }
}
