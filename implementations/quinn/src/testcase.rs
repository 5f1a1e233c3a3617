//! Maps the interop runner's TESTCASE values to what this endpoint does.
//! Test cases quinn 0.11 cannot do map to `None` (exit 127): v2 (quinn-proto
//! 0.11.9 knows QUIC v1 and its drafts only), a client's versionnegotiation (quinn cannot start with a version it does
//! not speak), a client's connectionmigration (the runner gives the client
//! transfer; quinn-proto 0.11.9 never moves a client to a server's preferred
//! address, it only keeps its connection ID), anything unknown.

/// What one run of the endpoint does, chosen by TESTCASE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One connection, every request on its own stream, all in parallel.
    Transfer,
    /// Like `Transfer`; the server answers with a Retry first.
    Retry,
    /// Client: first request on one connection, the rest on a resumed one.
    Resumption,
    /// Like `Resumption`, with the second connection's requests in 0-RTT.
    ZeroRtt,
    /// Like `Transfer`, with TLS_CHACHA20_POLY1305_SHA256 as the only suite.
    ChaCha20,
    /// Like `Transfer`; the client updates its 1-RTT keys once data flows.
    KeyUpdate,
    /// Client: one connection per request, one after the other.
    MultiConnect,
    /// Server: like `Transfer`, offering a preferred address (port 4433).
    Migration,
    /// HTTP/3 (ALPN h3, the h3 crate over h3-quinn): one connection, every
    /// request a GET on its own stream, all in parallel.
    Http3,
}

impl Mode {
    /// The mode for a TESTCASE value in a role, or `None` when it is not supported.
    pub fn parse(testcase: &str, is_server: bool) -> Option<Mode> {
        Some(match testcase {
            // A server answers unknown versions with Version Negotiation by
            // itself; the client cannot start with an unsupported version.
            "versionnegotiation" if is_server => Mode::Transfer,
            // ecn: quinn-udp marks ECT(0) and reports ECN counts by itself;
            // rebind-*: quinn validates the client's new path by itself.
            "handshake" | "transfer" | "ecn" | "rebind-port" | "rebind-addr" => Mode::Transfer,
            "retry" => Mode::Retry,
            "resumption" => Mode::Resumption,
            "zerortt" => Mode::ZeroRtt,
            // rustls's ClientHello also lists TLS_EMPTY_RENEGOTIATION_INFO_SCSV
            // (0x00ff), a signalling value, not a suite (RFC 5746 §3.3).
            "chacha20" => Mode::ChaCha20,
            "keyupdate" => Mode::KeyUpdate,
            "multiconnect" => Mode::MultiConnect,
            "connectionmigration" if is_server => Mode::Migration,
            "http3" => Mode::Http3,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Mode;

    #[test]
    fn known_and_unknown_test_cases() {
        assert_eq!(Mode::parse("handshake", false), Some(Mode::Transfer));
        assert_eq!(Mode::parse("zerortt", true), Some(Mode::ZeroRtt));
        assert_eq!(Mode::parse("versionnegotiation", true), Some(Mode::Transfer));
        assert_eq!(Mode::parse("versionnegotiation", false), None);
        assert_eq!(Mode::parse("chacha20", true), Some(Mode::ChaCha20));
        assert_eq!(Mode::parse("chacha20", false), Some(Mode::ChaCha20));
        assert_eq!(Mode::parse("connectionmigration", true), Some(Mode::Migration));
        assert_eq!(Mode::parse("connectionmigration", false), None);
        assert_eq!(Mode::parse("http3", true), Some(Mode::Http3));
        assert_eq!(Mode::parse("http3", false), Some(Mode::Http3));
        for unsupported in ["v2", "nosuchtest", ""] {
            for is_server in [false, true] {
                assert_eq!(Mode::parse(unsupported, is_server), None, "{}", unsupported);
            }
        }
    }
}
