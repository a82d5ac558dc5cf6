//! Serves the sandbox until Ctrl-C: `cargo run -p mypages-sandbox --example serve [ADDR]`
//! (default `127.0.0.1:7070`).

use std::net::SocketAddr;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .as_deref()
        .unwrap_or("127.0.0.1:7070")
        .parse()?;
    mypages_sandbox::serve(addr).await?;
    Ok(())
}
