//! `my-pages`: serves the reference My Pages app, on the embedded sandbox (the default) or
//! on the providers a config file names.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use my_pages::App;
use my_pages::providers::Providers;
use mypages_sandbox::Sandbox;
use tokio::net::TcpListener;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "my-pages",
    about = "A reference My Pages web app on the mypages SDK"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Use the providers this file names (the TOML of `mypages overview --config`) instead
    /// of the embedded sandbox.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The URL browsers reach the app at, when it is not http://ADDR (behind a proxy).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("my-pages: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("my-pages: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let listener = TcpListener::bind(args.addr).await.map_err(|e| {
        format!(
            "cannot listen on {}: {e} (choose another with --addr)",
            args.addr
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let (app, sandbox) = match &args.config {
        Some(path) => (App::from_config(path, &public_url)?, None),
        None => {
            let sandbox = Sandbox::builder()
                .start()
                .await
                .map_err(|e| format!("cannot start the sandbox: {e}"))?;
            let providers = Providers::sandbox(&sandbox)?;
            (App::new(providers, &public_url)?, Some(sandbox))
        }
    };
    match &sandbox {
        Some(sandbox) => println!(
            "My Pages: {public_url}/  (on the embedded sandbox at {})",
            sandbox.base_url()
        ),
        None => println!("My Pages: {public_url}/"),
    }
    println!("Press Ctrl-C to stop.");
    app.serve(listener, shutdown_signal())
        .await
        .map_err(|e| format!("serving failed: {e}"))?;
    if let Some(sandbox) = sandbox {
        sandbox
            .shutdown()
            .await
            .map_err(|e| format!("the sandbox did not stop cleanly: {e}"))?;
    }
    println!("My Pages stopped.");
    Ok(())
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
