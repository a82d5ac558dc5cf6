//! Reads `components.schemas` of one OpenAPI document (the subset of `specs/CONVENTIONS.md`)
//! into the model the emitter writes Rust from. Anything outside the subset is an error that
//! names the spec file and the JSON pointer of the schema.

use std::collections::BTreeMap;

use yaml_rust2::{Yaml, YamlLoader};

use super::names::{snake_case, upper_camel_case};

/// One type to generate.
#[derive(Debug)]
pub(super) struct Item {
    /// The Rust type name.
    pub(super) name: String,
    /// The spec's description.
    pub(super) doc: String,
    /// What kind of type it is.
    pub(super) kind: Kind,
}

/// The kinds of generated types.
#[derive(Debug)]
pub(super) enum Kind {
    /// A struct of named fields.
    Struct(Vec<Field>),
    /// An open string enum.
    Enum(Vec<Variant>),
    /// An enum decoded by the JSON shape of the value.
    Union(Vec<Branch>),
    /// A type alias.
    Alias(Ty),
}

/// One struct field.
#[derive(Debug)]
pub(super) struct Field {
    pub(super) wire: String,
    pub(super) rust: String,
    pub(super) doc: String,
    pub(super) ty: Ty,
    pub(super) required: bool,
    pub(super) nullable: bool,
    pub(super) aliases: Vec<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub(super) fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// One known value of an open enum.
#[derive(Debug)]
pub(super) struct Variant {
    pub(super) name: String,
    pub(super) wire: String,
    pub(super) aliases: Vec<String>,
    pub(super) doc: Option<String>,
}

/// One branch of a shape union.
#[derive(Debug)]
pub(super) struct Branch {
    pub(super) name: String,
    pub(super) doc: Option<String>,
    pub(super) ty: Ty,
    pub(super) shape: Shape,
}

/// The JSON shape a union branch is told by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Shape {
    Boolean,
    Number,
    String,
    Array,
    Object,
}

impl Shape {
    /// The variant of `mypages_models::shape::Shape`.
    pub(super) fn variant(self) -> &'static str {
        match self {
            Self::Boolean => "Boolean",
            Self::Number => "Number",
            Self::String => "String",
            Self::Array => "Array",
            Self::Object => "Object",
        }
    }

    /// How an error message names it.
    pub(super) fn described(self) -> &'static str {
        match self {
            Self::Boolean => "a boolean",
            Self::Number => "a number",
            Self::String => "a string",
            Self::Array => "an array",
            Self::Object => "an object",
        }
    }
}

/// A field's or branch's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ty {
    String,
    Bool,
    I32,
    I64,
    Decimal,
    Date,
    DateTime,
    Json,
    Secret,
    Named(String),
    Path(String),
    Vec(Box<Ty>),
    Map(Box<Ty>),
}

impl Ty {
    /// The leaf type that needs a `serde(with)` codec module, if any.
    pub(super) fn codec(&self) -> Option<&'static str> {
        match self {
            Self::Decimal => Some("crate::decimal"),
            Self::Date => Some("crate::date"),
            Self::DateTime => Some("crate::date_time"),
            Self::Vec(inner) | Self::Map(inner) => inner.codec(),
            _ => None,
        }
    }
}

/// What `components.schemas` of one spec says.
#[derive(Debug)]
pub(super) struct Spec {
    /// The spec's `info.title`.
    pub(super) title: String,
    /// Every type to generate, in spec order (inline types right after their owner).
    pub(super) items: Vec<Item>,
}

/// Keywords that document or validate a value without changing its Rust type.
const ANNOTATIONS: &[&str] = &[
    "description",
    "x-source",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "externalDocs",
];

/// Keywords that shape the Rust type.
const TYPE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "enum",
    "x-enum-aliases",
    "x-enum-descriptions",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "$ref",
    "oneOf",
    "anyOf",
    "x-union",
    "x-secret",
    "x-rust-type",
];

/// Keywords only a property may carry.
const PROPERTY_KEYWORDS: &[&str] = &["x-aliases", "x-rust-name"];

const SCHEMAS: &str = "#/components/schemas/";

/// What pass one learns of a top-level schema.
struct Declared {
    rust: String,
    /// Set when the schema carries `x-rust-type`.
    path: Option<String>,
    nullable: bool,
}

/// Parses one spec's text. `spec_path` names the file in errors.
pub(super) fn parse(spec_path: &str, text: &str) -> Result<Spec, String> {
    let docs =
        YamlLoader::load_from_str(text).map_err(|e| format!("{spec_path}: not valid YAML: {e}"))?;
    let [root] = docs.as_slice() else {
        return Err(format!("{spec_path}: expected exactly one YAML document"));
    };
    let mut parser = Parser {
        spec: spec_path,
        declared: BTreeMap::new(),
        items: Vec::new(),
        names: BTreeMap::new(),
    };
    let title = string(&root["info"]["title"])
        .ok_or_else(|| format!("{spec_path}: info.title is missing"))?
        .to_owned();
    let schemas = match &root["components"]["schemas"] {
        Yaml::Hash(schemas) => schemas,
        Yaml::BadValue => {
            return Ok(Spec {
                title,
                items: Vec::new(),
            });
        }
        _ => return Err(format!("{spec_path}: components.schemas must be a mapping")),
    };
    for (key, node) in schemas {
        let at = parser.pointer(key)?;
        let name = string(key).unwrap_or_default();
        let rust = upper_camel_case(name)
            .ok_or_else(|| parser.error(&at, "the schema name makes no Rust type name"))?;
        let (_, nullable) = parser.type_keyword(node, &at)?;
        let path = match &node["x-rust-type"] {
            Yaml::BadValue => None,
            path => Some(parser.rust_path(path, &at)?),
        };
        parser.declared.insert(
            name.to_owned(),
            Declared {
                rust,
                path,
                nullable,
            },
        );
    }
    for (key, node) in schemas {
        let name = string(key).unwrap_or_default();
        let at = format!("{SCHEMAS}{name}");
        let declared = &parser.declared[name];
        if declared.path.is_some() {
            parser.check_keys(node, &at, false)?;
            parser.documented(node, &at)?;
            continue;
        }
        let rust = declared.rust.clone();
        parser.definition(&rust, node, &at, false)?;
    }
    parser.check_unions()?;
    Ok(Spec {
        title,
        items: parser.items,
    })
}

struct Parser<'a> {
    spec: &'a str,
    declared: BTreeMap<String, Declared>,
    items: Vec<Item>,
    /// Rust type names taken so far, with the pointer that took them.
    names: BTreeMap<String, String>,
}

fn string(node: &Yaml) -> Option<&str> {
    match node {
        Yaml::String(s) => Some(s),
        _ => None,
    }
}

impl Parser<'_> {
    fn error(&self, at: &str, message: &str) -> String {
        format!("{}: {at}: {message}", self.spec)
    }

    fn pointer(&self, key: &Yaml) -> Result<String, String> {
        match string(key) {
            Some(name) => Ok(format!("{SCHEMAS}{name}")),
            None => Err(self.error(SCHEMAS, "schema names must be strings")),
        }
    }

    /// Rejects keywords outside the subset.
    fn check_keys(&self, node: &Yaml, at: &str, property: bool) -> Result<(), String> {
        let Yaml::Hash(map) = node else {
            return Err(self.error(at, "a schema must be a mapping"));
        };
        for key in map.keys() {
            let Some(key) = string(key) else {
                return Err(self.error(at, "schema keywords must be strings"));
            };
            let known = ANNOTATIONS.contains(&key)
                || TYPE_KEYWORDS.contains(&key)
                || (property && PROPERTY_KEYWORDS.contains(&key));
            if !known {
                let hint = if key == "nullable" {
                    " (OpenAPI 3.1 writes `type: [X, \"null\"]`)"
                } else if PROPERTY_KEYWORDS.contains(&key) {
                    " (only a property of an object may carry it)"
                } else {
                    ""
                };
                return Err(self.error(
                    at,
                    &format!("`{key}` is not in the subset of specs/CONVENTIONS.md{hint}"),
                ));
            }
        }
        Ok(())
    }

    /// Requires `description` and `x-source`; returns the description.
    fn documented(&self, node: &Yaml, at: &str) -> Result<String, String> {
        let description = string(&node["description"])
            .filter(|d| !d.trim().is_empty())
            .ok_or_else(|| {
                self.error(at, "`description` is missing (it becomes the doc comment)")
            })?;
        if string(&node["x-source"]).is_none() {
            return Err(self.error(at, "`x-source` is missing (name the document and section)"));
        }
        Ok(description.trim().to_owned())
    }

    fn rust_path(&self, node: &Yaml, at: &str) -> Result<String, String> {
        let path = string(node).unwrap_or_default();
        let valid = !path.is_empty()
            && path.split("::").all(|segment| {
                let segment = segment.trim_end_matches(|c: char| "<>, ".contains(c));
                !segment.is_empty()
                    && segment
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_<>, ".contains(c))
            });
        if valid {
            Ok(path.to_owned())
        } else {
            Err(self.error(
                at,
                "`x-rust-type` must be a Rust type path such as crate::Currency",
            ))
        }
    }

    /// The `type` keyword: the one non-null type it names (if any) and whether `null` is
    /// allowed.
    fn type_keyword<'y>(
        &self,
        node: &'y Yaml,
        at: &str,
    ) -> Result<(Option<&'y str>, bool), String> {
        match &node["type"] {
            Yaml::BadValue => Ok((None, false)),
            Yaml::String(t) => Ok((Some(t.as_str()), t == "null")),
            Yaml::Array(types) => {
                let mut base = None;
                let mut nullable = false;
                for t in types {
                    match string(t) {
                        Some("null") => nullable = true,
                        Some(t) if base.is_none() => base = Some(t),
                        _ => {
                            return Err(self.error(
                                at,
                                "`type` may name one type and \"null\"; use oneOf + x-union: shape for more",
                            ));
                        }
                    }
                }
                Ok((base, nullable))
            }
            _ => Err(self.error(at, "`type` must be a string or a list")),
        }
    }

    fn take_name(&mut self, rust: &str, at: &str) -> Result<(), String> {
        if let Some(other) = self.names.insert(rust.to_owned(), at.to_owned()) {
            return Err(self.error(
                at,
                &format!("the Rust type name {rust} is also made by {other}"),
            ));
        }
        Ok(())
    }

    /// Generates the named type `rust` from `node` (a top-level schema or an inline object,
    /// enum or union).
    /// `inline` is set for a property's or item's own schema, whose keywords the caller checked.
    fn definition(
        &mut self,
        rust: &str,
        node: &Yaml,
        at: &str,
        inline: bool,
    ) -> Result<(), String> {
        let doc = if inline {
            string(&node["description"])
                .filter(|d| !d.trim().is_empty())
                .map(|d| d.trim().to_owned())
                .ok_or_else(|| {
                    self.error(
                        at,
                        "`description` is missing (it becomes the doc comment of the inline type)",
                    )
                })?
        } else {
            self.check_keys(node, at, false)?;
            self.documented(node, at)?
        };
        self.take_name(rust, at)?;
        let slot = self.items.len();
        self.items.push(Item {
            name: rust.to_owned(),
            doc,
            kind: Kind::Alias(Ty::Json),
        });
        let kind = if !matches!(node["oneOf"], Yaml::BadValue)
            && !matches!(node["x-union"], Yaml::BadValue)
        {
            Kind::Union(self.union(rust, node, at)?)
        } else if !matches!(node["enum"], Yaml::BadValue) {
            Kind::Enum(self.enumeration(node, at)?)
        } else if self.is_struct(node, at)? {
            Kind::Struct(self.fields(rust, node, at)?)
        } else {
            let (ty, _) = self.ty(node, at, rust)?;
            if ty.codec().is_some() {
                return Err(self.error(
                    at,
                    "a top-level schema may not be a bare decimal or date (its wire form needs a field); write it inline",
                ));
            }
            Kind::Alias(ty)
        };
        self.items[slot].kind = kind;
        Ok(())
    }

    fn is_struct(&self, node: &Yaml, at: &str) -> Result<bool, String> {
        let (base, _) = self.type_keyword(node, at)?;
        Ok(base == Some("object")
            && (!matches!(node["properties"], Yaml::BadValue)
                || matches!(node["additionalProperties"], Yaml::Boolean(false))))
    }

    fn enumeration(&self, node: &Yaml, at: &str) -> Result<Vec<Variant>, String> {
        let (base, nullable) = self.type_keyword(node, at)?;
        if base != Some("string") {
            return Err(self.error(at, "an `enum` must have `type: string`"));
        }
        let Yaml::Array(values) = &node["enum"] else {
            return Err(self.error(at, "`enum` must be a list"));
        };
        let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        match &node["x-enum-aliases"] {
            Yaml::BadValue => {}
            Yaml::Hash(map) => {
                for (value, list) in map {
                    let value = string(value).ok_or_else(|| {
                        self.error(at, "`x-enum-aliases` keys must be enum values")
                    })?;
                    let Yaml::Array(list) = list else {
                        return Err(
                            self.error(at, "`x-enum-aliases` values must be lists of strings")
                        );
                    };
                    let list = list
                        .iter()
                        .map(|alias| string(alias).map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| {
                            self.error(at, "`x-enum-aliases` values must be lists of strings")
                        })?;
                    aliases.insert(value.to_owned(), list);
                }
            }
            _ => return Err(self.error(at, "`x-enum-aliases` must map values to lists of aliases")),
        }
        let mut docs: BTreeMap<String, String> = BTreeMap::new();
        match &node["x-enum-descriptions"] {
            Yaml::BadValue => {}
            Yaml::Hash(map) => {
                for (value, doc) in map {
                    match (string(value), string(doc)) {
                        (Some(value), Some(doc)) => {
                            docs.insert(value.to_owned(), doc.trim().to_owned());
                        }
                        _ => {
                            return Err(
                                self.error(at, "`x-enum-descriptions` must map values to strings")
                            );
                        }
                    }
                }
            }
            _ => return Err(self.error(at, "`x-enum-descriptions` must map values to strings")),
        }
        let mut variants: Vec<Variant> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for value in values {
            let wire = match value {
                Yaml::String(s) => s.clone(),
                Yaml::Null if nullable => continue,
                _ => return Err(self.error(at, "enum values must be strings")),
            };
            let name = upper_camel_case(&wire).ok_or_else(|| {
                self.error(
                    at,
                    &format!("the enum value {wire:?} makes no Rust variant name"),
                )
            })?;
            if name == "Unknown" {
                return Err(self.error(at, "the variant name Unknown is kept for unknown values"));
            }
            if variants.iter().any(|v| v.name == name) {
                return Err(self.error(at, &format!("two enum values make the variant {name}")));
            }
            let aliases = aliases.remove(&wire).unwrap_or_default();
            for spelling in std::iter::once(&wire).chain(&aliases) {
                let folded = spelling.to_ascii_lowercase();
                if seen.contains(&folded) {
                    return Err(self.error(
                        at,
                        &format!("{spelling:?} is listed twice (values and aliases match case-insensitively)"),
                    ));
                }
                seen.push(folded);
            }
            let doc = docs.remove(&wire);
            variants.push(Variant {
                name,
                wire,
                aliases,
                doc,
            });
        }
        if let Some(value) = aliases.keys().chain(docs.keys()).next() {
            return Err(self.error(at, &format!("{value:?} is not one of the enum's values")));
        }
        if variants.is_empty() {
            return Err(self.error(at, "`enum` lists no values"));
        }
        Ok(variants)
    }

    fn union(&mut self, owner: &str, node: &Yaml, at: &str) -> Result<Vec<Branch>, String> {
        if string(&node["x-union"]) != Some("shape") {
            return Err(self.error(at, "`x-union` must be `shape`"));
        }
        let Yaml::Array(branches) = &node["oneOf"] else {
            return Err(self.error(at, "`oneOf` must be a list"));
        };
        let mut out: Vec<Branch> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let branch_at = format!("{at}/oneOf/{i}");
            self.check_keys(branch, &branch_at, false)?;
            let title = string(&branch["title"]).ok_or_else(|| {
                self.error(
                    &branch_at,
                    "each branch of a shape union needs a `title` (the variant name)",
                )
            })?;
            let name = upper_camel_case(title)
                .ok_or_else(|| self.error(&branch_at, "the `title` makes no Rust variant name"))?;
            if out.iter().any(|b| b.name == name) {
                return Err(self.error(&branch_at, &format!("two branches are named {name}")));
            }
            let (ty, nullable) = self.ty(branch, &branch_at, &format!("{owner}{name}"))?;
            if nullable {
                return Err(self.error(
                    &branch_at,
                    "a union branch may not be nullable; make the field nullable",
                ));
            }
            let doc = string(&branch["description"]).map(|d| d.trim().to_owned());
            out.push(Branch {
                name,
                doc,
                ty,
                shape: Shape::Object,
            });
        }
        if out.len() < 2 {
            return Err(self.error(at, "a shape union needs at least two branches"));
        }
        Ok(out)
    }

    /// Fills in the shape of every union branch and rejects two branches of one shape.
    fn check_unions(&mut self) -> Result<(), String> {
        let shapes: Vec<Vec<Result<Shape, String>>> = self
            .items
            .iter()
            .map(|item| match &item.kind {
                Kind::Union(branches) => branches
                    .iter()
                    .map(|b| self.shape(&b.ty, &item.name))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        for (item, shapes) in self.items.iter_mut().zip(shapes) {
            let Kind::Union(branches) = &mut item.kind else {
                continue;
            };
            let mut taken: BTreeMap<Shape, String> = BTreeMap::new();
            for (branch, shape) in branches.iter_mut().zip(shapes) {
                let shape = shape.map_err(|e| format!("{}: {e}", self.spec))?;
                if let Some(other) = taken.insert(shape, branch.name.clone()) {
                    return Err(format!(
                        "{}: {SCHEMAS}{}: the union {} has two branches of the shape {} ({other} and {}); a shape union tells branches apart by shape only",
                        self.spec,
                        item.name,
                        item.name,
                        shape.described(),
                        branch.name
                    ));
                }
                branch.shape = shape;
            }
        }
        Ok(())
    }

    fn shape(&self, ty: &Ty, union: &str) -> Result<Shape, String> {
        Ok(match ty {
            Ty::String | Ty::Secret | Ty::Date | Ty::DateTime => Shape::String,
            Ty::Bool => Shape::Boolean,
            Ty::I32 | Ty::I64 | Ty::Decimal => Shape::Number,
            Ty::Vec(_) => Shape::Array,
            Ty::Map(_) => Shape::Object,
            Ty::Json | Ty::Path(_) => {
                return Err(format!(
                    "union {union}: a branch of unknown shape; give it a `type`"
                ));
            }
            Ty::Named(name) => match self.items.iter().find(|i| &i.name == name).map(|i| &i.kind) {
                Some(Kind::Struct(_)) => Shape::Object,
                Some(Kind::Enum(_)) => Shape::String,
                Some(Kind::Alias(ty)) => self.shape(ty, union)?,
                Some(Kind::Union(_)) | None => {
                    return Err(format!(
                        "union {union}: a branch refers to {name}, whose shape is not one JSON type"
                    ));
                }
            },
        })
    }

    fn fields(&mut self, owner: &str, node: &Yaml, at: &str) -> Result<Vec<Field>, String> {
        match &node["additionalProperties"] {
            Yaml::BadValue | Yaml::Boolean(_) => {}
            _ => {
                return Err(self.error(
                    at,
                    "`additionalProperties` with a schema is supported only on an object without `properties`",
                ));
            }
        }
        let required: Vec<&str> = match &node["required"] {
            Yaml::BadValue => Vec::new(),
            Yaml::Array(list) => list
                .iter()
                .map(string)
                .collect::<Option<_>>()
                .ok_or_else(|| self.error(at, "`required` must be a list of property names"))?,
            _ => return Err(self.error(at, "`required` must be a list of property names")),
        };
        let properties = match &node["properties"] {
            Yaml::Hash(properties) => properties.iter().collect::<Vec<_>>(),
            Yaml::BadValue => Vec::new(),
            _ => return Err(self.error(at, "`properties` must be a mapping")),
        };
        for name in &required {
            if !properties.iter().any(|(key, _)| string(key) == Some(name)) {
                return Err(self.error(
                    at,
                    &format!("`required` lists {name:?}, which is not a property"),
                ));
            }
        }
        let mut fields: Vec<Field> = Vec::new();
        for (key, property) in properties {
            let wire =
                string(key).ok_or_else(|| self.error(at, "property names must be strings"))?;
            let field_at = format!("{at}/properties/{wire}");
            self.check_keys(property, &field_at, true)?;
            let doc = self.documented(property, &field_at)?;
            let rust = match &property["x-rust-name"] {
                Yaml::BadValue => snake_case(wire).ok_or_else(|| {
                    self.error(
                        &field_at,
                        "the property name makes no Rust field name; give it `x-rust-name`",
                    )
                })?,
                Yaml::String(name) if snake_case(name).as_deref() == Some(name.as_str()) => {
                    name.clone()
                }
                _ => {
                    return Err(
                        self.error(&field_at, "`x-rust-name` must be a snake_case identifier")
                    );
                }
            };
            if let Some(other) = fields.iter().find(|f| f.rust == rust) {
                return Err(self.error(
                    &field_at,
                    &format!(
                        "the field name {rust} is also made by {:?}; give one `x-rust-name`",
                        other.wire
                    ),
                ));
            }
            let aliases = match &property["x-aliases"] {
                Yaml::BadValue => Vec::new(),
                Yaml::Array(list) => list
                    .iter()
                    .map(|alias| string(alias).map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        self.error(&field_at, "`x-aliases` must be a list of wire names")
                    })?,
                _ => return Err(self.error(&field_at, "`x-aliases` must be a list of wire names")),
            };
            let inline_name = format!("{owner}{}", upper_camel_case(wire).unwrap_or_default());
            let (ty, nullable) = self.ty(property, &field_at, &inline_name)?;
            fields.push(Field {
                wire: wire.to_owned(),
                rust,
                doc,
                ty,
                required: required.contains(&wire),
                nullable,
                aliases,
            });
        }
        for field in &fields {
            for alias in &field.aliases {
                if fields.iter().any(|f| &f.wire == alias)
                    || fields.iter().filter(|f| f.aliases.contains(alias)).count() > 1
                {
                    return Err(self.error(at, &format!("the wire name {alias:?} is used twice")));
                }
            }
        }
        Ok(fields)
    }

    /// The Rust type of a property, array item or union branch, and whether it is nullable.
    /// Inline objects, enums and unions become named types called `inline_name`.
    fn ty(&mut self, node: &Yaml, at: &str, inline_name: &str) -> Result<(Ty, bool), String> {
        if let Yaml::String(reference) = &node["$ref"] {
            let name = reference
                .strip_prefix(SCHEMAS)
                .ok_or_else(|| self.error(at, "`$ref` must point into #/components/schemas/"))?;
            let declared = self.declared.get(name).ok_or_else(|| {
                self.error(
                    at,
                    &format!("`$ref` names {name:?}, which is not in components.schemas"),
                )
            })?;
            let ty = match &declared.path {
                Some(path) => Ty::Path(path.clone()),
                None => Ty::Named(declared.rust.clone()),
            };
            return Ok((ty, declared.nullable));
        }
        if !matches!(node["$ref"], Yaml::BadValue) {
            return Err(self.error(at, "`$ref` must be a string"));
        }
        let (base, nullable) = self.type_keyword(node, at)?;
        if let Yaml::String(_) = &node["x-rust-type"] {
            return Ok((
                Ty::Path(self.rust_path(&node["x-rust-type"], at)?),
                nullable,
            ));
        }
        let one_of = match (&node["oneOf"], &node["anyOf"]) {
            (Yaml::BadValue, Yaml::BadValue) => None,
            (Yaml::Array(list), Yaml::BadValue) => Some(("oneOf", list)),
            (Yaml::BadValue, Yaml::Array(list)) => Some(("anyOf", list)),
            _ => return Err(self.error(at, "`oneOf`/`anyOf` must be a single list")),
        };
        if let Some((keyword, list)) = one_of {
            if !matches!(node["x-union"], Yaml::BadValue) {
                self.definition(inline_name, node, at, true)?;
                return Ok((Ty::Named(inline_name.to_owned()), nullable));
            }
            let (nulls, others): (Vec<_>, Vec<_>) = list
                .iter()
                .enumerate()
                .partition(|(_, branch)| string(&branch["type"]) == Some("null"));
            let [(i, other)] = others.as_slice() else {
                return Err(self.error(
                    at,
                    &format!(
                        "`{keyword}` is supported as [X, {{type: 'null'}}] or with `x-union: shape`"
                    ),
                ));
            };
            if nulls.len() != 1 {
                return Err(self.error(
                    at,
                    &format!(
                        "`{keyword}` is supported as [X, {{type: 'null'}}] or with `x-union: shape`"
                    ),
                ));
            }
            let branch_at = format!("{at}/{keyword}/{i}");
            self.check_keys(other, &branch_at, false)?;
            let (ty, _) = self.ty(other, &branch_at, inline_name)?;
            return Ok((ty, true));
        }
        if !matches!(node["x-union"], Yaml::BadValue) {
            return Err(self.error(at, "`x-union` needs `oneOf`"));
        }
        let secret = match &node["x-secret"] {
            Yaml::BadValue | Yaml::Boolean(false) => false,
            Yaml::Boolean(true) => true,
            _ => return Err(self.error(at, "`x-secret` must be true or false")),
        };
        let format = match &node["format"] {
            Yaml::BadValue => None,
            Yaml::String(format) => Some(format.as_str()),
            _ => return Err(self.error(at, "`format` must be a string")),
        };
        if secret
            && (base != Some("string")
                || format.is_some()
                || !matches!(node["enum"], Yaml::BadValue))
        {
            return Err(self.error(at, "`x-secret` is supported on plain strings only"));
        }
        let ty = match base {
            Some("string") if !matches!(node["enum"], Yaml::BadValue) => {
                self.definition(inline_name, node, at, true)?;
                Ty::Named(inline_name.to_owned())
            }
            Some("string") => match format {
                _ if secret => Ty::Secret,
                Some("date") => Ty::Date,
                Some("date-time") => Ty::DateTime,
                _ => Ty::String,
            },
            Some("number") => match format {
                Some("decimal") => Ty::Decimal,
                _ => {
                    return Err(self.error(
                        at,
                        "`type: number` needs `format: decimal` (amounts are exact decimals, never floats)",
                    ));
                }
            },
            Some("integer") => match format {
                Some("int32") => Ty::I32,
                None | Some("int64") => Ty::I64,
                Some(other) => {
                    return Err(self.error(at, &format!("unsupported integer format {other:?}")));
                }
            },
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let items = &node["items"];
                if matches!(items, Yaml::BadValue) {
                    return Err(self.error(at, "`type: array` needs `items`"));
                }
                let items_at = format!("{at}/items");
                self.check_keys(items, &items_at, false)?;
                let (item, item_nullable) =
                    self.ty(items, &items_at, &format!("{inline_name}Item"))?;
                if item_nullable {
                    return Err(self.error(&items_at, "nullable array items are not supported"));
                }
                if matches!(item, Ty::Vec(_) | Ty::Map(_)) && item.codec().is_some() {
                    return Err(self.error(
                        &items_at,
                        "nested lists or maps of decimals or dates are not supported",
                    ));
                }
                Ty::Vec(Box::new(item))
            }
            Some("object") if self.is_struct(node, at)? => {
                self.definition(inline_name, node, at, true)?;
                Ty::Named(inline_name.to_owned())
            }
            Some("object") => match &node["additionalProperties"] {
                Yaml::BadValue | Yaml::Boolean(true) => Ty::Map(Box::new(Ty::Json)),
                values => {
                    let values_at = format!("{at}/additionalProperties");
                    self.check_keys(values, &values_at, false)?;
                    let (value, value_nullable) =
                        self.ty(values, &values_at, &format!("{inline_name}Value"))?;
                    if value_nullable {
                        return Err(self.error(&values_at, "nullable map values are not supported"));
                    }
                    if matches!(value, Ty::Vec(_) | Ty::Map(_)) && value.codec().is_some() {
                        return Err(self.error(
                            &values_at,
                            "nested lists or maps of decimals or dates are not supported",
                        ));
                    }
                    Ty::Map(Box::new(value))
                }
            },
            Some("null") => {
                return Err(self.error(at, "a schema of `type: null` alone has no Rust type"));
            }
            Some(other) => return Err(self.error(at, &format!("unsupported type {other:?}"))),
            // A member the document names without a type: kept as raw JSON.
            None if format.is_none()
                && matches!(node["enum"], Yaml::BadValue)
                && matches!(node["properties"], Yaml::BadValue)
                && matches!(node["items"], Yaml::BadValue) =>
            {
                Ty::Json
            }
            None => return Err(self.error(at, "the schema has no `type`, `$ref` or `oneOf`")),
        };
        if format.is_some()
            && !matches!(
                ty,
                Ty::String | Ty::Date | Ty::DateTime | Ty::Decimal | Ty::I32 | Ty::I64
            )
        {
            return Err(self.error(
                at,
                "`format` is supported on strings, numbers and integers only",
            ));
        }
        Ok((ty, nullable))
    }
}
