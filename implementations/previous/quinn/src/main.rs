//! qir's quinn endpoint (quinn 0.9, rustls 0.20) behind the interop runner's
//! endpoint contract: ROLE (server|client), TESTCASE, REQUESTS,
//! SSLKEYLOGFILE; exits 127 for test cases it does not implement, 1 on failure.
mod client;
mod server;
mod testcase;
mod tls;

use std::process::ExitCode;

/// Errors carry a message for the log; the endpoint only reports them.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn main() -> ExitCode {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let (role, testcase) = (var("ROLE"), var("TESTCASE"));
    let mode = match testcase::Mode::parse(&testcase, role == "server") {
        Some(mode) => mode,
        None => {
            eprintln!("quinn: unsupported TESTCASE '{}'", testcase);
            return ExitCode::from(127);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("quinn: no runtime: {}", e);
            return ExitCode::from(1);
        }
    };
    let result = match role.as_str() {
        "server" => runtime.block_on(server::run(mode)),
        "client" => runtime.block_on(client::run(mode, &var("REQUESTS"))),
        _ => Err(format!("unknown ROLE '{}'", role).into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quinn {}: {}", role, e);
            ExitCode::from(1)
        }
    }
}
