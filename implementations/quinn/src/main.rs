//! qir's quinn endpoint (quinn 0.11, rustls 0.23) behind the interop runner's
//! endpoint contract: ROLE (server|client), TESTCASE, REQUESTS,
//! SSLKEYLOGFILE; exits 127 for test cases it does not implement, 1 on failure.
mod client;
mod http3;
mod peer_params;
mod server;
mod testcase;
mod tls;
mod twosockets;

use std::process::ExitCode;

/// Errors carry a message for the log; the endpoint only reports them.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How long a connection may be silent before it is given up, handshake
/// included. quinn's default (30 s) is too short for handshakes through 30 %
/// loss (handshakeloss: every lost flight doubles the PTO); the reference
/// runner's timeout for those tests is 60 s.
const IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Transport parameters both roles share.
pub fn transport(mode: testcase::Mode) -> quinn::TransportConfig {
    let mut transport = quinn::TransportConfig::default();
    transport.max_idle_timeout(Some(IDLE_TIMEOUT.try_into().expect("60 s is a valid idle timeout")));
    if mode == testcase::Mode::ZeroRtt {
        // No PMTU probes (quinn 0.11 sends them by default once the handshake
        // is confirmed): their padded 1-RTT PINGs are no requests but count
        // against zerortt's 1-RTT budget, as ngtcp2's client's --no-pmtud does.
        transport.mtu_discovery_config(None);
    }
    transport
}

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
    // The client runs on one thread: its connection drivers only run when the
    // request tasks yield, so all requests written before the handshake go
    // out together, in as few 0-RTT packets as they fill (RFC 9001 §4.6.1).
    let runtime = if role == "client" {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().enable_all().build()
    };
    let runtime = match runtime {
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
