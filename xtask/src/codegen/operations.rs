//! The operations half of codegen: every `operationId` of a spec becomes a
//! `mypages_transport::Operation` descriptor in `crates/<provider>-client/src/operations.rs`.
//!
//! A descriptor holds what the spec says about the call: method, path template, documented
//! query parameters, retry class (`x-retry`), what a success answer holds, and whether that
//! answer is a secret (`x-secret-answer`). An operation marked `x-alias-of: <operationId>`
//! (PayFunc's `PATCH /order` beside the documented `PATCH /order/`) is another spelling the
//! sandbox serves; the client sends the documented one, so it gets no descriptor. Every
//! operation whose method is not GET must say
//! `x-retry: idempotent` or `x-retry: never`: whether a call may be sent twice is decided in
//! the spec, once, never by hand in a client.

use std::fmt::Write as _;

use yaml_rust2::{Yaml, YamlLoader};

use super::names::snake_case;

/// One operation as the spec describes it.
#[derive(Debug, PartialEq)]
pub(super) struct Op {
    pub(super) id: String,
    pub(super) method: String,
    pub(super) path: String,
    pub(super) summary: String,
    pub(super) query: Vec<String>,
    pub(super) retry: Option<String>,
    pub(super) answer: &'static str,
    pub(super) secret_answer: bool,
}

/// Reads every operation of the spec at `spec_path` (for messages) from `text`.
pub(super) fn parse(spec_path: &str, text: &str) -> Result<Vec<Op>, String> {
    let docs =
        YamlLoader::load_from_str(text).map_err(|e| format!("{spec_path}: not valid YAML: {e}"))?;
    let root = docs
        .first()
        .ok_or_else(|| format!("{spec_path}: empty document"))?;
    let Some(paths) = root["paths"].as_hash() else {
        return Ok(Vec::new());
    };
    let mut ops = Vec::new();
    for (path, item) in paths {
        let path = path
            .as_str()
            .ok_or_else(|| format!("{spec_path}: a path key is not a string"))?;
        let shared = parameters(root, &item["parameters"]);
        for method in ["get", "put", "post", "patch", "delete", "head"] {
            let op = &item[method];
            if op.is_badvalue() {
                continue;
            }
            let at = format!("{spec_path}: {} {path}", method.to_uppercase());
            let id = op["operationId"]
                .as_str()
                .ok_or_else(|| format!("{at}: has no operationId"))?
                .to_owned();
            if op["x-alias-of"].as_str().is_some() {
                // Another spelling of an operation the client sends in its documented
                // form: the sandbox serves it, the client has no descriptor for it.
                continue;
            }
            let retry = op["x-retry"].as_str().map(str::to_owned);
            match retry.as_deref() {
                None if method != "get" && method != "head" => {
                    return Err(format!(
                        "{at} ({id}): say whether it may be sent twice: `x-retry: idempotent` or `x-retry: never`"
                    ));
                }
                None | Some("idempotent" | "never") => {}
                Some(other) => {
                    return Err(format!(
                        "{at} ({id}): x-retry is `{other}`; use `idempotent` or `never`"
                    ));
                }
            }
            let mut query: Vec<String> = shared
                .iter()
                .chain(parameters(root, &op["parameters"]).iter())
                .filter(|(place, _)| place == "query")
                .map(|(_, name)| name.clone())
                .collect();
            query.dedup();
            ops.push(Op {
                id,
                method: method.to_uppercase(),
                path: path.to_owned(),
                summary: op["summary"].as_str().unwrap_or_default().trim().to_owned(),
                query,
                retry,
                answer: answer(root, &op["responses"]),
                secret_answer: op["x-secret-answer"].as_bool().unwrap_or(false),
            });
        }
    }
    ops.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(pair) = ops.windows(2).find(|pair| pair[0].id == pair[1].id) {
        return Err(format!(
            "{spec_path}: operationId `{}` is used twice",
            pair[0].id
        ));
    }
    Ok(ops)
}

/// Follows a local `$ref` (`#/components/...`) to the node it names.
fn resolve<'a>(root: &'a Yaml, node: &'a Yaml) -> &'a Yaml {
    match node["$ref"].as_str().and_then(|r| r.strip_prefix("#/")) {
        Some(pointer) => pointer.split('/').fold(root, |node, key| &node[key]),
        None => node,
    }
}

/// The `(in, name)` of each parameter in a `parameters` list.
fn parameters(root: &Yaml, list: &Yaml) -> Vec<(String, String)> {
    list.as_vec()
        .map(|items| {
            items
                .iter()
                .map(|item| resolve(root, item))
                .filter_map(|p| {
                    Some((p["in"].as_str()?.to_owned(), p["name"].as_str()?.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What a success answer holds: JSON always, JSON or nothing, nothing, or other bytes.
fn answer(root: &Yaml, responses: &Yaml) -> &'static str {
    let Some(responses) = responses.as_hash() else {
        return "Empty";
    };
    let (mut json, mut empty, mut other) = (false, false, false);
    for (status, response) in responses {
        let status = match status {
            Yaml::String(text) => text.clone(),
            Yaml::Integer(code) => code.to_string(),
            _ => continue,
        };
        if !status.starts_with('2') {
            continue;
        }
        let response = resolve(root, response);
        match response["content"].as_hash() {
            Some(content) if !content.is_empty() => {
                for (media, _) in content {
                    match media.as_str() {
                        Some(media) if media.contains("json") => json = true,
                        _ => other = true,
                    }
                }
            }
            _ => empty = true,
        }
    }
    match (json, empty, other) {
        (_, _, true) => "Raw",
        (true, false, false) => "Json",
        (true, true, false) => "JsonOrEmpty",
        (false, _, false) => "Empty",
    }
}

/// The Rust source of `operations.rs` for a client crate.
pub(super) fn emit(ops: &[Op], spec_path: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! The operations of `{spec_path}`: one descriptor per `operationId`, which every call of\n\
         //! this client is sent with.\n//!\n\
         //! Generated by `cargo xtask codegen` from the spec; do not edit.\n"
    );
    out.push_str("use mypages_transport::reexports::http::Method;\n");
    out.push_str(
        "#[allow(unused_imports)]\nuse mypages_transport::{Answer, Operation, RetryClass};\n\n",
    );
    for op in ops {
        let _ = writeln!(
            out,
            "/// `{} {}`: {}",
            op.method,
            op.path,
            doc_line(&op.summary)
        );
        if op.retry.as_deref() == Some("never") {
            out.push_str("///\n/// Never sent twice once it may have reached the provider (`x-retry: never`).\n");
        }
        let _ = write!(
            out,
            "pub static {}: Operation = Operation::new({:?}, Method::{}, {:?})",
            upper_snake(&op.id),
            op.id,
            op.method,
            op.path
        );
        if !op.query.is_empty() {
            let names: Vec<String> = op.query.iter().map(|q| format!("{q:?}")).collect();
            let _ = write!(out, ".with_query(&[{}])", names.join(", "));
        }
        match op.retry.as_deref() {
            Some("never") => out.push_str(".with_retry(RetryClass::Never)"),
            Some(_) => out.push_str(".with_retry(RetryClass::Idempotent)"),
            None => {}
        }
        if op.answer != "Json" {
            let _ = write!(out, ".with_answer(Answer::{})", op.answer);
        }
        if op.secret_answer {
            out.push_str(".with_secret_answer()");
        }
        out.push_str(";\n\n");
    }
    let _ = writeln!(
        out,
        "/// Every operation of the spec, in `operationId` order.\npub static ALL: [&Operation; {}] = [{}];",
        ops.len(),
        ops.iter()
            .map(|op| format!("&{}", upper_snake(&op.id)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out
}

/// The name of an operation's `static`: `settleBalance` -> `SETTLE_BALANCE`.
fn upper_snake(id: &str) -> String {
    snake_case(id)
        .unwrap_or_else(|| id.to_owned())
        .to_ascii_uppercase()
}

/// The summary as one doc line, ending with a full stop.
fn doc_line(summary: &str) -> String {
    let line = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() || line.ends_with('.') {
        line
    } else {
        format!("{line}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.1.0
paths:
  /a/{id}:
    parameters:
      - $ref: '#/components/parameters/Id'
    get:
      operationId: getA
      summary: Get an a
      parameters:
        - { name: top, in: query }
      responses:
        '200': { content: { application/json: {} } }
    delete:
      operationId: settleA
      x-retry: never
      responses:
        '200': { content: { application/json: {} } }
        '204': { description: none }
    post:
      operationId: makeA
      x-retry: idempotent
      x-secret-answer: true
      responses:
        '200': { content: { application/pdf: {} } }
    patch:
      operationId: makeAAgain
      x-retry: never
      x-alias-of: makeA
components:
  parameters:
    Id: { name: id, in: path }
"#;

    #[test]
    fn operations_carry_what_the_spec_says() {
        let ops = parse("t.yaml", SPEC).unwrap();
        let ids: Vec<&str> = ops.iter().map(|op| op.id.as_str()).collect();
        assert_eq!(ids, ["getA", "makeA", "settleA"]);
        assert_eq!(ops[0].query, ["top"]);
        assert_eq!(ops[0].answer, "Json");
        assert_eq!(ops[1].answer, "Raw");
        assert!(ops[1].secret_answer);
        assert_eq!(ops[2].answer, "JsonOrEmpty");
        assert_eq!(ops[2].retry.as_deref(), Some("never"));
        let text = emit(&ops, "t.yaml");
        assert!(text.contains(
            "pub static SETTLE_A: Operation = Operation::new(\"settleA\", Method::DELETE, \"/a/{id}\").with_retry(RetryClass::Never).with_answer(Answer::JsonOrEmpty);"
        ), "{text}");
        assert!(text.contains("pub static ALL: [&Operation; 3] = [&GET_A, &MAKE_A, &SETTLE_A];"));
    }

    #[test]
    fn a_write_without_a_retry_class_is_refused() {
        let spec = SPEC.replace("      x-retry: never\n", "");
        let error = parse("t.yaml", &spec).unwrap_err();
        assert!(
            error.contains("settleA") && error.contains("x-retry"),
            "{error}"
        );
    }
}
