//! Tests of the generator: names, docs, the subset, errors, determinism and `--check`.

use std::path::Path;

use super::names::{doc, snake_case, upper_camel_case};
use super::{check, emit, generate, spec, workspace_root, write};

const SMALL: &str = r#"
openapi: 3.1.0
info:
  title: Test API
  version: "1"
paths: {}
components:
  schemas:
    Account:
      type: object
      description: An account.
      x-source: test.txt#Accounts
      required: [accountNo, balance, state]
      properties:
        accountNo:
          type: string
          description: The account number.
          x-source: test.txt#Accounts
        '@id':
          type: string
          description: The account's URL.
          x-source: test.txt#Accounts
        balance:
          type: number
          format: decimal
          description: What is owed. See [the docs](https://example.invalid/docs).
          x-source: test.txt#Accounts
        limit:
          type: [number, "null"]
          format: decimal
          description: The credit limit, `null` when there is none.
          x-source: test.txt#Accounts
        due:
          type: string
          format: date
          description: When the next bill is due.
          x-source: test.txt#Accounts
        opened:
          type: string
          format: date-time
          description: When the account was opened.
          x-source: test.txt#Accounts
        PanTrunc:
          type: string
          description: The truncated card number.
          x-source: test.txt#Cards
          x-aliases: [panTrunc]
        token:
          type: string
          description: The card token.
          x-source: test.txt#Cards
          x-secret: true
        type:
          type: string
          description: The kind of account.
          x-source: test.txt#Accounts
        state:
          $ref: '#/components/schemas/State'
          description: Where the account stands.
          x-source: test.txt#Accounts
        currency:
          $ref: '#/components/schemas/Currency'
          description: The currency.
          x-source: test.txt#Accounts
        fees:
          type: array
          description: Fees charged.
          x-source: test.txt#Accounts
          items:
            type: number
            format: decimal
        extra:
          type: object
          description: Anything else, by name.
          x-source: test.txt#Accounts
          additionalProperties:
            type: integer
            format: int32
        items:
          $ref: '#/components/schemas/Items'
          description: What was bought.
          x-source: test.txt#Accounts
        $top:
          type: integer
          description: Page size.
          x-source: test.txt#Paging
          x-rust-name: page_size
    State:
      type: string
      description: Where an account stands.
      x-source: test.txt#States
      enum: [open, PAID_IN_FULL, organisation]
      x-enum-aliases:
        organisation: [organization]
      x-enum-descriptions:
        open: The account is open.
    Currency:
      type: string
      description: A currency code.
      x-source: test.txt#Currency
      enum: [SEK]
      x-rust-type: crate::Currency
    Item:
      type: object
      description: One item.
      x-source: test.txt#Items
      properties:
        name:
          type: string
          description: The item's name.
          x-source: test.txt#Items
    Items:
      description: A count, one item or several.
      x-source: test.txt#Items
      x-union: shape
      oneOf:
        - title: Count
          type: number
          format: decimal
          description: Just a count.
        - title: One
          $ref: '#/components/schemas/Item'
        - title: Many
          type: array
          items:
            $ref: '#/components/schemas/Item'
"#;

fn generated(text: &str) -> Result<String, String> {
    let spec = spec::parse("specs/test-api.yaml", text)?;
    Ok(emit::emit(&spec, "specs/test-api.yaml"))
}

fn error_of(text: &str) -> String {
    generated(text).expect_err("the spec must be rejected")
}

#[test]
fn names_follow_the_conventions() {
    assert_eq!(snake_case("accountNo").as_deref(), Some("account_no"));
    assert_eq!(snake_case("@id").as_deref(), Some("id"));
    assert_eq!(snake_case("PanTrunc").as_deref(), Some("pan_trunc"));
    assert_eq!(
        snake_case("eDIAddressInfo").as_deref(),
        Some("e_di_address_info")
    );
    assert_eq!(snake_case("type").as_deref(), Some("r#type"));
    assert_eq!(snake_case("$top").as_deref(), Some("top"));
    assert_eq!(snake_case("3ds"), None);
    assert_eq!(snake_case("self"), None);
    assert_eq!(upper_camel_case("SEK").as_deref(), Some("Sek"));
    assert_eq!(
        upper_camel_case("PAID_IN_FULL").as_deref(),
        Some("PaidInFull")
    );
    assert_eq!(
        upper_camel_case("in-progress").as_deref(),
        Some("InProgress")
    );
    assert_eq!(
        upper_camel_case("B2BInvoice").as_deref(),
        Some("B2BInvoice")
    );
    assert_eq!(upper_camel_case("Reminder1").as_deref(), Some("Reminder1"));
    assert_eq!(
        upper_camel_case("organisation").as_deref(),
        Some("Organisation")
    );
}

#[test]
fn doc_comments_are_escaped_for_rustdoc() {
    let text = doc(
        "See [Item] at https://example.invalid/x.\n    indented <b>bold</b> `[kept]`\n```\ncode\n```",
        "",
    );
    assert_eq!(
        text,
        "/// See \\[Item\\] at <https://example.invalid/x>.\n\
         /// indented \\<b\\>bold\\</b\\> `[kept]`\n\
         /// ```text\n/// code\n/// ```\n"
    );
}

#[test]
fn the_small_spec_generates_the_documented_rust() {
    let code = generated(SMALL).expect("the small spec is in the subset");
    for expected in [
        "// @generated by `cargo xtask codegen` from specs/test-api.yaml.",
        "/// An account.\n#[derive(Debug, Clone, PartialEq, Eq)]\n#[non_exhaustive]\npub struct Account {",
        "    /// The account number.\n    pub account_no: String,",
        "    /// The account's URL.\n    pub id: Option<String>,",
        "    wire: crate::wire::Wire,\n}",
        "\"@id\" => Some((1, \"@id\", false)),",
        "/// What is owed. See \\[the docs\\](<https://example.invalid/docs>).",
        "    pub balance: Decimal,",
        "f2 = Some(wire.take::<A, crate::wire::Coded<crate::decimal::DecimalCodec, Decimal>>(&mut map, 2)?);",
        "self.wire.put::<_, crate::wire::Coded<crate::decimal::DecimalCodec, Decimal>>(&mut map, 2, \"balance\", &self.balance)?;",
        "    pub limit: Option<Decimal>,",
        "self.wire.put_option::<_, crate::wire::Coded<crate::decimal::DecimalCodec, Decimal>>(&mut map, 3, \"limit\", self.limit.as_ref(), false)?;",
        "    pub due: Option<Date>,",
        "crate::wire::Coded<crate::date::DateCodec, Date>",
        "    pub opened: Option<OffsetDateTime>,",
        "crate::wire::Coded<crate::date_time::DateTimeCodec, OffsetDateTime>",
        "\"PanTrunc\" => Some((6, \"PanTrunc\", false)),\n            \"panTrunc\" => Some((6, \"panTrunc\", true)),",
        "if alias {\n                                wire.spelled(6, spelling);\n                            }",
        "pub pan_trunc: Option<String>,",
        "pub token: Option<Sensitive<String>>,",
        "pub r#type: Option<String>,",
        "pub state: State,",
        "pub currency: Option<crate::Currency>,",
        "    pub fees: Option<Vec<Decimal>>,",
        "crate::wire::VecOf<crate::wire::Coded<crate::decimal::DecimalCodec, Decimal>>",
        "crate::wire::Spelled<State>",
        "crate::wire::Spelled<crate::Currency>",
        "crate::wire::Plain<Items>",
        "crate::wire::Key::Unknown(member) => wire.unknown(member, map.next_value()?),",
        "self.wire.put_unknown(&mut map)?;",
        "pub fn unknown_members(&self) -> &[(String, Box<serde_json::value::RawValue>)] {",
        "pub extra: Option<BTreeMap<String, i32>>,",
        "pub items: Option<Items>,",
        "    pub page_size: Option<i64>,",
        "\"$top\" => Some((14, \"$top\", false)),",
        "pub fn new(account_no: String, balance: Decimal, state: State) -> Self {",
        "pub fn with_type(mut self, r#type: String) -> Self {",
        "open_enum! {\n    /// Where an account stands.\n    pub enum State {\n        /// The account is open.\n        Open = \"open\",\n        /// The value `PAID_IN_FULL`.\n        PaidInFull = \"PAID_IN_FULL\",\n        /// The value `organisation`.\n        Organisation = \"organisation\" | \"organization\",\n    }\n}",
        "#[derive(Debug, Clone, Default, PartialEq, Eq)]\n#[non_exhaustive]\npub struct Item {",
        "    /// Just a count.\n    Count(Decimal),",
        "Self::Count(value) => crate::decimal::serialize(value, serializer),",
        "Shape::Number => shape::decode(&raw, |de| crate::decimal::deserialize(de)).map(Self::Count),",
        "Shape::String => shape::decode(&raw, |de| crate::decimal::deserialize(de)).map(Self::Count),",
        "Shape::Object => shape::decode(&raw, |de| <Item as Deserialize>::deserialize(de)).map(Self::One),",
        "Shape::Array => shape::decode(&raw, |de| <Vec<Item> as Deserialize>::deserialize(de)).map(Self::Many),",
        "found => return Err(shape::unexpected(\"Items\", found, \"a number, an object or an array\")),",
        "(\"Account\", crate::round_trip::<Account>),",
    ] {
        assert!(
            code.contains(expected),
            "missing:\n{expected}\n--- in ---\n{code}"
        );
    }
    assert!(
        !code.contains("pub enum Currency"),
        "x-rust-type schemas are not generated"
    );
}

#[test]
fn generation_is_deterministic_and_formatted() {
    let first = super::rustfmt(&generated(SMALL).expect("in the subset")).expect("rustfmt");
    let second = super::rustfmt(&generated(SMALL).expect("in the subset")).expect("rustfmt");
    assert_eq!(first, second);
    assert_eq!(
        super::rustfmt(&first).expect("rustfmt"),
        first,
        "already formatted"
    );
}

#[test]
fn anything_outside_the_subset_is_an_error_naming_the_spec_and_the_schema() {
    let cases = [
        (
            SMALL.replace(
                "      x-union: shape\n",
                "      x-union: shape\n      allOf: []\n",
            ),
            "#/components/schemas/Items: `allOf` is not in the subset",
        ),
        (
            SMALL.replace(
                "format: decimal\n          description: What is owed.",
                "description: What is owed.",
            ),
            "#/components/schemas/Account/properties/balance: `type: number` needs `format: decimal`",
        ),
        (
            SMALL.replace("          description: The account number.\n", ""),
            "#/components/schemas/Account/properties/accountNo: `description` is missing",
        ),
        (
            SMALL.replace("      x-source: test.txt#States\n", ""),
            "#/components/schemas/State: `x-source` is missing",
        ),
        (
            SMALL.replace(
                "required: [accountNo, balance, state]",
                "required: [accountNo, balance, status]",
            ),
            "`required` lists \"status\", which is not a property",
        ),
        (
            SMALL.replace(
                "$ref: '#/components/schemas/State'",
                "$ref: '#/components/schemas/Status'",
            ),
            "`$ref` names \"Status\", which is not in components.schemas",
        ),
        (
            SMALL.replace(
                "        - title: Count\n          type: number\n          format: decimal",
                "        - title: Count\n          type: object\n          properties: {}",
            ),
            "the union Items has two branches of the shape an object",
        ),
        (
            SMALL.replace(
                "        - title: One\n",
                "        - description: untitled\n",
            ),
            "needs a `title`",
        ),
        (
            SMALL.replace(
                "x-enum-aliases:\n        organisation: [organization]",
                "x-enum-aliases:\n        organisation: [OPEN]",
            ),
            "\"OPEN\" is listed twice",
        ),
        (
            SMALL.replace(
                "          type: [number, \"null\"]",
                "          type: number\n          nullable: true",
            ),
            "`nullable` is not in the subset of specs/CONVENTIONS.md (OpenAPI 3.1 writes",
        ),
        (
            SMALL.replace(
                "          x-rust-name: page_size",
                "          x-rust-name: PageSize",
            ),
            "`x-rust-name` must be a snake_case identifier",
        ),
    ];
    for (text, expected) in cases {
        let error = error_of(&text);
        assert!(error.starts_with("specs/test-api.yaml: "), "{error}");
        assert!(
            error.contains(expected),
            "expected {expected:?} in {error:?}"
        );
    }
}

fn copy_specs(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("specs")).expect("specs dir");
    for entry in std::fs::read_dir(from.join("specs")).expect("specs") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "yaml") {
            std::fs::copy(
                &path,
                to.join("specs").join(path.file_name().expect("name")),
            )
            .expect("copy");
        }
    }
}

#[test]
fn check_fails_naming_the_stale_file_after_an_unregenerated_spec_edit() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(root.path().join("specs")).expect("specs dir");
    let spec = root.path().join("specs/test-api.yaml");
    std::fs::write(&spec, SMALL).expect("spec");
    let generated = Path::new("crates/mypages-models/src/test/generated.rs");
    let operations = Path::new("crates/test-client/src/operations.rs");

    let error = check(root.path()).expect_err("nothing generated yet");
    assert!(
        error.contains("crates/mypages-models/src/test/generated.rs is missing"),
        "{error}"
    );

    assert_eq!(write(root.path()).expect("write"), [generated, operations]);
    check(root.path()).expect("fresh after writing");
    assert_eq!(
        write(root.path()).expect("write"),
        Vec::<&Path>::new(),
        "nothing to rewrite"
    );

    std::fs::write(&spec, SMALL.replace("An account.", "A credit account.")).expect("edit");
    let error = check(root.path()).expect_err("the spec changed");
    assert!(
        error.contains("crates/mypages-models/src/test/generated.rs is stale"),
        "{error}"
    );
    assert!(error.contains("run `cargo xtask codegen`"), "{error}");

    write(root.path()).expect("regenerate");
    check(root.path()).expect("fresh again");

    std::fs::remove_file(&spec).expect("remove the spec");
    let error = check(root.path()).expect_err("generated file without a spec");
    assert!(
        error.contains("crates/mypages-models/src/test/generated.rs has no spec"),
        "{error}"
    );
    assert!(
        error.contains("crates/test-client/src/operations.rs has no spec"),
        "{error}"
    );
}

#[test]
fn the_checked_in_specs_generate_and_a_stale_copy_is_caught() {
    let root = tempfile::tempdir().expect("temp dir");
    copy_specs(&workspace_root(), root.path());
    let outputs = generate(root.path()).expect("every spec in specs/ is in the subset");
    write(root.path()).expect("write");
    check(root.path()).expect("fresh");
    let Some(first) = outputs.first() else { return };
    let path = root.path().join(&first.path);
    let text = std::fs::read_to_string(&path).expect("generated file");
    std::fs::write(&path, text.replacen("pub struct", "pub(crate) struct", 1)).expect("edit");
    let error = check(root.path()).expect_err("hand edit");
    assert!(
        error.contains(&format!("{} is stale", first.path.display())),
        "{error}"
    );
}

/// The rust-analyzer rule: the checked-in generated files are what the checked-in specs give.
/// It runs under plain `cargo test` (xtask is a default member), so an edited spec without
/// `cargo xtask codegen`, or an edited generated file, fails the ordinary test run.
#[test]
fn the_checked_in_generated_files_are_fresh() {
    if let Err(stale) = check(&workspace_root()) {
        panic!("{stale}");
    }
}
