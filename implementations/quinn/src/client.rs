//! hq-interop client: downloads the REQUESTS URLs into /downloads, each on its
//! own bidirectional stream ("GET /<path>\r\n", response until FIN). By mode:
//! one connection for all requests in parallel; resumption/zerortt: the first
//! request on one connection, the rest on a resumed one (in 0-RTT for zerortt,
//! RFC 9001 §4.6); multiconnect: one connection per request; http3: one
//! connection, the requests as HTTP/3 GETs (http3.rs).
use crate::testcase::Mode;
use crate::{tls, Result};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

const DOWNLOADS: &str = "/downloads";
/// Small receive windows, in bytes, so the server must honour flow control.
const STREAM_WINDOW: u32 = 256 * 1024;
const CONNECTION_WINDOW: u32 = 1024 * 1024;

/// One URL of REQUESTS, https://<host>:<port>/<path>.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub host: String,
    pub port: u16,
    pub path: String,
}

/// Downloads every URL of `requests` (space-separated) as `mode` says.
pub async fn run(mode: Mode, requests: &str) -> Result<()> {
    let requests = requests.split_whitespace().map(parse_url).collect::<Result<Vec<_>>>()?;
    let first = requests.first().ok_or("REQUESTS is empty")?.clone();
    let server = tokio::net::lookup_host((first.host.as_str(), first.port))
        .await?
        .next()
        .ok_or_else(|| format!("{} does not resolve", first.host))?;
    let config = client_config(mode)?;
    let endpoint = new_endpoint(&config, server)?;
    let target = Target {
        endpoint: &endpoint,
        server,
        host: &first.host,
        key_update: mode == Mode::KeyUpdate,
        http3: mode == Mode::Http3,
    };
    let result = match mode {
        Mode::Resumption | Mode::ZeroRtt => match target.session(&requests[..1], false).await {
            Ok(()) => {
                // The resumed connection comes from a new UDP port, as a new
                // client process's would; the session ticket lives in the
                // shared TLS configuration.
                let resumed = new_endpoint(&config, server)?;
                let target = Target { endpoint: &resumed, ..target };
                let result = target.session(&requests[1..], mode == Mode::ZeroRtt).await;
                let _ = tokio::time::timeout(Duration::from_secs(2), resumed.wait_idle()).await;
                result
            }
            Err(e) => Err(e),
        },
        Mode::MultiConnect => {
            let mut result = Ok(());
            for request in &requests {
                result = result.and(target.session(std::slice::from_ref(request), false).await);
            }
            result
        }
        _ => target.session(&requests, false).await,
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), endpoint.wait_idle()).await;
    result
}

/// The client configuration all connections share (and with it the TLS
/// session cache, which is what makes resumption possible).
fn client_config(mode: Mode) -> Result<quinn::ClientConfig> {
    let mut transport = crate::transport(mode);
    transport.stream_receive_window(STREAM_WINDOW.into()).receive_window(CONNECTION_WINDOW.into());
    // The server's transport parameters as peer_params.rs edits them.
    let crypto = crate::peer_params::ClientConfig(Arc::new(tls::client(mode)?));
    let mut config = quinn::ClientConfig::new(Arc::new(crypto));
    config.transport_config(Arc::new(transport));
    Ok(config)
}

fn new_endpoint(config: &quinn::ClientConfig, server: SocketAddr) -> Result<quinn::Endpoint> {
    let local: SocketAddr = if server.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse()?;
    let mut endpoint = quinn::Endpoint::client(local)?;
    endpoint.set_default_client_config(config.clone());
    Ok(endpoint)
}

/// Where sessions go.
#[derive(Clone, Copy)]
struct Target<'a> {
    endpoint: &'a quinn::Endpoint,
    server: SocketAddr,
    host: &'a str,
    key_update: bool,
    /// Requests as HTTP/3 GETs (ALPN h3) instead of hq-interop.
    http3: bool,
}

impl Target<'_> {
    /// One connection that downloads `requests`; with `early`, in 0-RTT when a
    /// session ticket allows it (retrying in 1-RTT what a rejection lost).
    async fn session(&self, requests: &[Request], early: bool) -> Result<()> {
        if requests.is_empty() {
            return Ok(());
        }
        let connecting = self.endpoint.connect(self.server, self.host)?;
        let (connection, zero_rtt) = if early {
            match connecting.into_0rtt() {
                Ok((connection, accepted)) => (connection, Some(accepted)),
                Err(connecting) => {
                    eprintln!("quinn client: no 0-RTT ticket, using 1-RTT");
                    (connecting.await?, None)
                }
            }
        } else {
            (connecting.await?, None)
        };
        let mut failed = if self.http3 {
            crate::http3::fetch_all(&connection, requests).await?
        } else {
            self.fetch_all(&connection, requests).await
        };
        if let Some(accepted) = zero_rtt {
            let accepted = accepted.await;
            eprintln!("quinn client: 0-RTT {}", if accepted { "accepted" } else { "rejected" });
            if !accepted && !failed.is_empty() {
                failed = self.fetch_all(&connection, &failed).await;
            }
        }
        connection.close(0u32.into(), b"");
        match failed.len() {
            0 => Ok(()),
            n => Err(format!("{} of {} downloads failed", n, requests.len()).into()),
        }
    }

    /// Fetches all `requests` in parallel on `connection`; returns the failed ones.
    /// Every request is written before any response is read, so that in
    /// 0-RTT all of them are queued before the first packet is built.
    async fn fetch_all(&self, connection: &quinn::Connection, requests: &[Request]) -> Vec<Request> {
        let update_pending = Arc::new(AtomicBool::new(self.key_update));
        let mut tasks = Vec::new();
        let mut failed = Vec::new();
        for request in requests {
            match send_request(connection, request).await {
                Ok(recv) => {
                    let (connection, owned, update) = (connection.clone(), request.clone(), update_pending.clone());
                    let task = tokio::spawn(async move { receive(&connection, recv, &owned, &update).await });
                    tasks.push((request.clone(), task));
                }
                Err(e) => {
                    eprintln!("quinn client: /{}: {}", request.path, with_causes(&*e));
                    failed.push(request.clone());
                }
            }
        }
        join_downloads(tasks, &mut failed).await;
        failed
    }
}

/// The error and what caused it ("connection lost: timed out"): quinn's stream
/// errors name only their kind and keep the connection's reason as their source.
fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text = format!("{}: {}", text, c);
        cause = c.source();
    }
    text
}

/// Waits for every download task and adds the requests that failed, a task
/// that panicked included, to `failed`; both protocols (hq-interop, h3) use it.
pub async fn join_downloads(tasks: Vec<(Request, tokio::task::JoinHandle<Result<()>>)>, failed: &mut Vec<Request>) {
    for (request, task) in tasks {
        let error = match task.await {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => with_causes(&*e),
            Err(e) => format!("task failed: {}", e),
        };
        eprintln!("quinn client: /{}: {}", request.path, error);
        failed.push(request);
    }
}

/// The file /downloads/<path> for `request`, its folders made, empty; both
/// protocols (hq-interop, h3) save into it.
pub async fn create_download(request: &Request) -> Result<tokio::fs::File> {
    let path = std::path::Path::new(DOWNLOADS).join(&request.path);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    Ok(tokio::fs::File::create(&path).await?)
}

/// Opens a stream for `request` and sends "GET /<path>\r\n" with FIN.
async fn send_request(connection: &quinn::Connection, request: &Request) -> Result<quinn::RecvStream> {
    let (mut send, recv) = connection.open_bi().await?;
    send.write_all(format!("GET /{}\r\n", request.path).as_bytes()).await?;
    send.finish()?;
    Ok(recv)
}

/// Downloads one response; the first response data triggers the key update
/// when one is pending (the handshake is confirmed by then, RFC 9001 §6).
async fn receive(
    connection: &quinn::Connection,
    mut recv: quinn::RecvStream,
    request: &Request,
    update_pending: &AtomicBool,
) -> Result<()> {
    let mut file = create_download(request).await?;
    while let Some(chunk) = recv.read_chunk(usize::MAX, true).await? {
        if update_pending.swap(false, Ordering::SeqCst) {
            eprintln!("quinn client: initiating a key update");
            connection.force_key_update();
        }
        file.write_all(&chunk.bytes).await?;
    }
    file.flush().await?;
    Ok(())
}

/// Splits https://<host>[:<port>]/<path> (host may be a bracketed IPv6 literal).
fn parse_url(url: &str) -> Result<Request> {
    let rest = url.strip_prefix("https://").ok_or_else(|| format!("not an https URL: {}", url))?;
    let (authority, path) = rest.split_once('/').ok_or_else(|| format!("no path in {}", url))?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port.parse::<u16>()?),
        _ => (authority, 443),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || path.is_empty() || path.split('/').any(|part| part == "..") {
        return Err(format!("bad URL {}", url).into());
    }
    Ok(Request { host: host.to_string(), port, path: path.to_string() })
}

#[cfg(test)]
mod tests {
    use super::{parse_url, Request};

    #[test]
    fn urls() {
        let want = Request { host: "server4".into(), port: 443, path: "a/b".into() };
        assert_eq!(parse_url("https://server4:443/a/b").unwrap(), want);
        assert_eq!(parse_url("https://server4/a/b").unwrap(), want);
        assert_eq!(parse_url("https://[fd00::1]:8443/x").unwrap().host, "fd00::1");
        assert_eq!(parse_url("https://[fd00::1]:8443/x").unwrap().port, 8443);
        for bad in ["http://server4/x", "https://server4", "https://server4/", "https://:443/x", "https://s/../x", "https://s:99999/x"] {
            assert!(parse_url(bad).is_err(), "{}", bad);
        }
    }
}
