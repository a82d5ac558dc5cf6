//! End-to-end tests across the mypages crates live in `e2e/` beside this file (one test
//! binary, `cargo test -p mypages-e2e`).
//!
//! This library also runs every Rust example of the repository's README as a doc test,
//! against the sandbox, so the README cannot drift from the code; the examples of each
//! crate's own README (what crates.io shows) are compiled the same way.

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;

macro_rules! crate_readmes {
    ($($name:ident => $path:literal),* $(,)?) => {$(
        #[cfg(doctest)]
        #[doc = include_str!($path)]
        pub struct $name;
    )*};
}

crate_readmes! {
    AvardaClientReadme => "../crates/avarda-client/README.md",
    PayexClientReadme => "../crates/payex-client/README.md",
    P4pClientReadme => "../crates/p4p-client/README.md",
    ModelsReadme => "../crates/mypages-models/README.md",
    TransportReadme => "../crates/mypages-transport/README.md",
    SandboxReadme => "../crates/mypages-sandbox/README.md",
    CliReadme => "../crates/mypages-cli/README.md",
}
