//! hq-interop server (HTTP/0.9 over QUIC, RFC 9000 streams): every
//! bidirectional stream carries "GET /<path>\r\n" and is answered with the
//! file from /www followed by FIN (http3: HTTP/3 requests instead, http3.rs).
//! Listens on UDP 443 over IPv4 and IPv6; for connectionmigration also on
//! port 4433 of the addresses server4 and server6 resolve to, which it offers
//! as its preferred address (RFC 9000 §9.6).
use crate::testcase::Mode;
use crate::{tls, Result};
use crate::twosockets::TwoSockets;
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{SocketAddr, SocketAddrV4, SocketAddrV6};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncReadExt;

pub const WWW: &str = "/www";
/// Longest request line accepted, in bytes.
const MAX_REQUEST: usize = 4096;
/// Streams the client may open at once (the multiplexing test wants ≤ 1000).
const MAX_STREAMS: u32 = 100;
/// The port of the preferred address, on the same IPs (as ngtcp2's server here).
const PREFERRED_PORT: u16 = 4433;

/// Serves until killed.
pub async fn run(mode: Mode) -> Result<()> {
    let crypto: Arc<dyn quinn::crypto::ServerConfig> = Arc::new(tls::server(mode, "/certs/cert.pem", "/certs/priv.key")?);
    // With a preferred address, one connection ID fewer is issued (peer_params.rs).
    let crypto = match mode {
        Mode::Migration => Arc::new(crate::peer_params::PreferredAddressServerConfig(crypto)),
        _ => crypto,
    };
    let mut config = quinn::ServerConfig::with_crypto(crypto);
    let mut transport = crate::transport(mode);
    // HTTP/3 needs the client's unidirectional streams: control, QPACK encoder
    // and decoder (RFC 9114 §6.2, RFC 9204 §4.2), and maybe reserved types.
    let uni_streams: u32 = if mode == Mode::Http3 { MAX_STREAMS } else { 0 };
    transport.max_concurrent_bidi_streams(MAX_STREAMS.into()).max_concurrent_uni_streams(uni_streams.into());
    config.transport_config(Arc::new(transport));
    let preferred = if mode == Mode::Migration { preferred_addresses().await } else { (None, None) };
    let mut loops = Vec::new();
    for endpoint in bind(config, preferred)? {
        eprintln!("quinn server: listening on {} ({:?})", endpoint.local_addr()?, mode);
        loops.push(tokio::spawn(accept_loop(endpoint, mode)));
    }
    for accepting in loops {
        accepting.await?;
    }
    Ok(())
}

/// The preferred addresses: port 4433 of what server4 and server6 resolve to
/// (the names the runner gives the server), each family only if it resolves.
async fn preferred_addresses() -> (Option<SocketAddrV4>, Option<SocketAddrV6>) {
    let (mut v4, mut v6) = (None, None);
    for name in ["server4", "server6"] {
        match tokio::net::lookup_host((name, PREFERRED_PORT)).await {
            Ok(addrs) => {
                for addr in addrs {
                    match addr {
                        SocketAddr::V4(a) if v4.is_none() => v4 = Some(a),
                        SocketAddr::V6(a) if v6.is_none() => v6 = Some(a),
                        _ => {}
                    }
                }
            }
            Err(e) => eprintln!("quinn server: {} does not resolve: {}", name, e),
        }
    }
    eprintln!("quinn server: preferred addresses {:?} {:?}", v4, v6);
    (v4, v6)
}

/// Endpoints on UDP 443, IPv4 and IPv6 on separate sockets, so that each
/// socket marks ECN with its own family's option (IP_TOS / IPV6_TCLASS). With
/// a preferred address of its family, an endpoint offers that one only (a
/// client moving to the other family would reach the other endpoint, which
/// does not know its connection) and has a socket on it too.
fn bind(
    config: quinn::ServerConfig,
    (v4, v6): (Option<SocketAddrV4>, Option<SocketAddrV6>),
) -> Result<Vec<quinn::Endpoint>> {
    let preferred_v4 = v4.map(|a| SocketAddr::from((std::net::Ipv4Addr::UNSPECIFIED, a.port())));
    let mut config_v4 = config.clone();
    config_v4.preferred_address_v4(v4);
    let mut endpoints = vec![endpoint(config_v4, "0.0.0.0:443".parse()?, preferred_v4)?];
    let preferred_v6 = v6.map(|a| SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, a.port())));
    let mut config_v6 = config;
    config_v6.preferred_address_v6(v6);
    match endpoint(config_v6, "[::]:443".parse()?, preferred_v6) {
        Ok(endpoint) => endpoints.push(endpoint),
        Err(e) => eprintln!("quinn server: no IPv6 socket: {}", e),
    }
    Ok(endpoints)
}

fn udp_socket(addr: SocketAddr) -> Result<std::net::UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    Ok(socket.into())
}

fn endpoint(config: quinn::ServerConfig, addr: SocketAddr, preferred: Option<SocketAddr>) -> Result<quinn::Endpoint> {
    let runtime: Arc<dyn quinn::Runtime> = Arc::new(quinn::TokioRuntime);
    let main = runtime.wrap_udp_socket(udp_socket(addr)?)?;
    let socket: Arc<dyn quinn::AsyncUdpSocket> = match preferred {
        Some(preferred) => {
            let second = runtime.wrap_udp_socket(udp_socket(preferred)?)?;
            eprintln!("quinn server: preferred-address socket on {}", preferred);
            Arc::new(TwoSockets::new(main, second))
        }
        None => main,
    };
    let endpoint_config = quinn::EndpointConfig::default();
    Ok(quinn::Endpoint::new_with_abstract_socket(endpoint_config, Some(config), socket, runtime)?)
}

/// Accepts connections; for retry, a client's first Initial (its address
/// not validated yet) is answered with a Retry packet (RFC 9000 §8.1.2).
async fn accept_loop(endpoint: quinn::Endpoint, mode: Mode) {
    while let Some(incoming) = endpoint.accept().await {
        if mode == Mode::Retry && !incoming.remote_address_validated() {
            let peer = incoming.remote_address();
            if let Err(e) = incoming.retry() {
                eprintln!("quinn server: no Retry for {}: {}", peer, e);
            }
            continue;
        }
        tokio::spawn(serve_connection(incoming, mode == Mode::Http3));
    }
}

async fn serve_connection(incoming: quinn::Incoming, http3: bool) {
    let peer = incoming.remote_address();
    let connection = match incoming.await {
        Ok(connection) => connection,
        Err(e) => return eprintln!("quinn server: handshake with {} failed: {}", peer, e),
    };
    eprintln!("quinn server: connection from {}", peer);
    if http3 {
        let result = crate::http3::serve_connection(connection).await;
        return eprintln!("quinn server: HTTP/3 connection from {} ended: {:?}", peer, result);
    }
    loop {
        match connection.accept_bi().await {
            Ok((send, recv)) => {
                tokio::spawn(async move {
                    if let Err(e) = serve_stream(send, recv).await {
                        eprintln!("quinn server: stream failed: {}", e);
                    }
                });
            }
            Err(e) => return eprintln!("quinn server: connection from {} ended: {}", peer, e),
        }
    }
}

async fn serve_stream(mut send: quinn::SendStream, mut recv: quinn::RecvStream) -> Result<()> {
    let request = recv.read_to_end(MAX_REQUEST).await?;
    let path = Path::new(WWW).join(request_path(&request)?);
    let mut file = tokio::fs::File::open(&path).await.map_err(|e| format!("{}: {}", path.display(), e))?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        send.write_all(&buf[..n]).await?;
    }
    // The stream's data is still delivered after the stream is dropped.
    send.finish()?;
    Ok(())
}

/// The relative file path of an HTTP/0.9 request line "GET /<path>[\r]\n".
fn request_path(request: &[u8]) -> Result<PathBuf> {
    let line = std::str::from_utf8(request)?.trim_end();
    let target = line.strip_prefix("GET ").ok_or_else(|| format!("not a GET request: {:?}", line))?;
    relative_path(target.trim())
}

/// The relative file path of a request target "/<path>": no "..", no root,
/// not empty (HTTP/3 requests' :path too).
pub fn relative_path(target: &str) -> Result<PathBuf> {
    let relative = PathBuf::from(target.trim_start_matches('/'));
    let clean = relative.components().all(|c| matches!(c, Component::Normal(_)));
    if !clean || relative.as_os_str().is_empty() {
        return Err(format!("bad request path {:?}", target).into());
    }
    Ok(relative)
}

#[cfg(test)]
mod tests {
    use super::request_path;

    #[test]
    fn request_lines() {
        assert_eq!(request_path(b"GET /a/b.txt\r\n").unwrap().to_str(), Some("a/b.txt"));
        assert_eq!(request_path(b"GET /x").unwrap().to_str(), Some("x"));
        for bad in [&b"PUT /x\r\n"[..], b"GET /../etc/passwd\r\n", b"GET /\r\n", b"\xff", b""] {
            assert!(request_path(bad).is_err(), "{:?}", bad);
        }
    }
}
