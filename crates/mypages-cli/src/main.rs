//! The `mypages` command-line tool.

fn main() {}
