//! The http3 test case (RFC 9114, ALPN h3) on the h3 crate (0.0.6) over
//! h3-quinn (0.0.7): the server answers every GET with the file under /www
//! (200) or 404; the client sends one GET per REQUESTS URL, all in parallel on
//! one connection, and saves each body into /downloads. quinn carries the
//! QUIC side exactly as for the hq-interop test cases (client.rs, server.rs).
use crate::client::{create_download, join_downloads, Request};
use crate::server::{relative_path, WWW};
use crate::Result;
use bytes::{Buf, Bytes};
use http::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Client: downloads `requests` on `connection`; returns the failed ones.
pub async fn fetch_all(connection: &quinn::Connection, requests: &[Request]) -> Result<Vec<Request>> {
    let (mut driver, sender) = h3::client::new(h3_quinn::Connection::new(connection.clone())).await?;
    // The connection's control and QPACK streams need polling while requests run.
    let driving = tokio::spawn(async move {
        if let Err(e) = driver.wait_idle().await {
            eprintln!("quinn client: HTTP/3 connection: {}", e);
        }
    });
    let mut tasks = Vec::new();
    for request in requests {
        let (mut sender, owned) = (sender.clone(), request.clone());
        let task = tokio::spawn(async move { get(&mut sender, &owned).await });
        tasks.push((request.clone(), task));
    }
    // Once the last sender is gone, h3 closes the connection with H3_NO_ERROR.
    drop(sender);
    let mut failed = Vec::new();
    join_downloads(tasks, &mut failed).await;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), driving).await;
    Ok(failed)
}

/// One GET, its body saved into /downloads/<path>; anything but 200 fails.
async fn get(sender: &mut h3::client::SendRequest<h3_quinn::OpenStreams, Bytes>, request: &Request) -> Result<()> {
    let http_request = http::Request::get(uri(request)).body(())?;
    let mut stream = sender.send_request(http_request).await?;
    stream.finish().await?;
    let response = stream.recv_response().await?;
    if response.status() != StatusCode::OK {
        return Err(format!("HTTP status {}", response.status()).into());
    }
    let mut file = create_download(request).await?;
    while let Some(mut data) = stream.recv_data().await? {
        let chunk = data.copy_to_bytes(data.remaining());
        file.write_all(&chunk).await?;
    }
    file.flush().await?;
    Ok(())
}

/// https://<host>:<port>/<path>, an IPv6 literal in brackets (RFC 3986 §3.2.2).
fn uri(request: &Request) -> String {
    if request.host.contains(':') {
        format!("https://[{}]:{}/{}", request.host, request.port, request.path)
    } else {
        format!("https://{}:{}/{}", request.host, request.port, request.path)
    }
}

/// Server: answers the requests of one connection until the client closes it.
pub async fn serve_connection(connection: quinn::Connection) -> Result<()> {
    let mut h3_connection: h3::server::Connection<h3_quinn::Connection, Bytes> =
        h3::server::builder().build(h3_quinn::Connection::new(connection)).await?;
    while let Some((request, stream)) = h3_connection.accept().await? {
        tokio::spawn(async move {
            let target = request.uri().path().to_string();
            if let Err(e) = respond(request, stream).await {
                eprintln!("quinn server: {}: {}", target, e);
            }
        });
    }
    Ok(())
}

/// 200 with the file for a GET of a file under /www; 404 for a missing file;
/// 405 for other methods, 400 for paths leaving /www.
async fn respond(
    request: http::Request<()>,
    mut stream: h3::server::RequestStream<h3_quinn::BidiStream<Bytes>, Bytes>,
) -> Result<()> {
    let file = if request.method() != Method::GET {
        Err(StatusCode::METHOD_NOT_ALLOWED)
    } else {
        match relative_path(request.uri().path()) {
            Ok(relative) => {
                let path = std::path::Path::new(WWW).join(relative);
                tokio::fs::File::open(&path).await.map_err(|_| StatusCode::NOT_FOUND)
            }
            Err(_) => Err(StatusCode::BAD_REQUEST),
        }
    };
    let (status, file) = match file {
        Ok(file) => (StatusCode::OK, Some(file)),
        Err(status) => (status, None),
    };
    let mut response = http::Response::builder().status(status);
    if let Some(file) = &file {
        response = response.header(http::header::CONTENT_LENGTH, file.metadata().await?.len());
    }
    stream.send_response(response.body(())?).await?;
    if let Some(mut file) = file {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            stream.send_data(Bytes::copy_from_slice(&buf[..n])).await?;
        }
    }
    stream.finish().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::uri;
    use crate::client::Request;

    #[test]
    fn uris() {
        let v4 = Request { host: "server4".into(), port: 443, path: "a/b".into() };
        assert_eq!(uri(&v4), "https://server4:443/a/b");
        let v6 = Request { host: "fd00::1".into(), port: 443, path: "x".into() };
        assert_eq!(uri(&v6), "https://[fd00::1]:443/x");
    }
}
