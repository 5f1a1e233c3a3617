//! A client crypto configuration that edits the server's transport
//! parameters before quinn-proto 0.11.9 sees them, for two behaviours of
//! quinn-proto that break interop traces or peers:
//!
//! 1. No cleared QUIC bit (RFC 9287) in the first packets of a resumed
//!    connection. quinn-proto greases the QUIC bit of every packet it builds
//!    once the peer's transport parameters carry grease_quic_bit
//!    (packet_builder.rs: `if conn.peer_params.grease_quic_bit &&
//!    conn.rng.gen()`), and for a resumed connection those are the parameters
//!    remembered with the session ticket (Connection::init_0rtt). So about
//!    every other resumed connection started with an Initial whose QUIC bit
//!    was 0, which RFC 9287 §3.1 allows a client only in an Initial that
//!    carries a NEW_TOKEN token (quinn sends none). ngtcp2's server drops such
//!    an Initial (conn_verify_fixed_bit: "RFC 9287 requires that a token from
//!    NEW_TOKEN"), and because it was the connection's first, the whole
//!    connection state with it (ERR_DROP_CONN), so the 0-RTT requests that
//!    came with it were lost and quinn resent them in 1-RTT. The remembered
//!    parameters are handed on without grease_quic_bit; the ones the server
//!    sends in this handshake keep it, so later packets are greased as before.
//! 2. No ACK-frequency extension (draft-ietf-quic-ack-frequency): min_ack_delay
//!    (0xff04de1b) is dropped from every server parameter set. With it, quinn
//!    answers a PATH_CHALLENGE on its active path (a NAT rebinding it cannot
//!    see) with an IMMEDIATE_ACK frame (0x1f) instead of a PING; trace
//!    analyzers that do not know that frame type (qir's, tshark 4.0's) cannot
//!    parse past it, lose the PATH_RESPONSE behind it, and rebind-port /
//!    rebind-addr against a quinn server failed "the client never answered
//!    PATH_CHALLENGE". quinn sends ACK_FREQUENCY frames only when configured
//!    to, so nothing else changes.
//!
//! And a server configuration for a server with a preferred address: it hands
//! quinn-proto the client's active_connection_id_limit one lower. quinn-proto
//! issues that limit minus one connection IDs in NEW_CONNECTION_ID frames
//! (Connection::issue_first_cids: "Subtract 1 to account for the CID we
//! supplied while handshaking") and forgets the preferred address's own
//! (sequence number 1), so clients that count (quinn's, limit 5; quic-go's,
//! limit 4) closed the connection with CONNECTION_ID_LIMIT_ERROR.
use quinn::crypto::{self, ExportKeyingMaterialError, HeaderKey, KeyPair, Keys, PacketKey};
use quinn::{ConnectError, ConnectionId, Side};
use quinn_proto::transport_parameters::TransportParameters;
use quinn_proto::TransportError;
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// RFC 9287 §3.
const GREASE_QUIC_BIT: u64 = 0x2ab2;
/// draft-ietf-quic-ack-frequency, as quinn-proto 0.11.9 numbers it.
const MIN_ACK_DELAY: u64 = 0xff04de1b;
/// RFC 9000 §18.2.
const ACTIVE_CONNECTION_ID_LIMIT: u64 = 0x0e;

pub struct ClientConfig(pub Arc<dyn crypto::ClientConfig>);

impl crypto::ClientConfig for ClientConfig {
    fn start_session(
        self: Arc<Self>,
        version: u32,
        server_name: &str,
        params: &TransportParameters,
    ) -> Result<Box<dyn crypto::Session>, ConnectError> {
        let inner = self.0.clone().start_session(version, server_name, params)?;
        Ok(Box::new(Session { inner, side: Side::Client, remembered: AtomicBool::new(true) }))
    }
}

/// For a server that offers a preferred address.
pub struct PreferredAddressServerConfig(pub Arc<dyn crypto::ServerConfig>);

impl crypto::ServerConfig for PreferredAddressServerConfig {
    fn initial_keys(&self, version: u32, dst_cid: &ConnectionId) -> Result<Keys, crypto::UnsupportedVersion> {
        self.0.initial_keys(version, dst_cid)
    }
    fn retry_tag(&self, version: u32, orig_dst_cid: &ConnectionId, packet: &[u8]) -> [u8; 16] {
        self.0.retry_tag(version, orig_dst_cid, packet)
    }
    fn start_session(self: Arc<Self>, version: u32, params: &TransportParameters) -> Box<dyn crypto::Session> {
        let inner = self.0.clone().start_session(version, params);
        Box::new(Session { inner, side: Side::Server, remembered: AtomicBool::new(false) })
    }
}

struct Session {
    inner: Box<dyn crypto::Session>,
    /// Our side: a client edits the server's parameters, a server the client's.
    side: Side,
    /// No parameters handed out yet. With a ticket that allows early data,
    /// quinn-proto's first request (init_0rtt, before anything is sent) gets
    /// the remembered ones; every later one follows the server's handshake.
    remembered: AtomicBool,
}

impl crypto::Session for Session {
    fn initial_keys(&self, dst_cid: &ConnectionId, side: Side) -> Keys {
        self.inner.initial_keys(dst_cid, side)
    }
    fn handshake_data(&self) -> Option<Box<dyn Any>> {
        self.inner.handshake_data()
    }
    fn peer_identity(&self) -> Option<Box<dyn Any>> {
        self.inner.peer_identity()
    }
    fn early_crypto(&self) -> Option<(Box<dyn HeaderKey>, Box<dyn PacketKey>)> {
        self.inner.early_crypto()
    }
    fn early_data_accepted(&self) -> Option<bool> {
        self.inner.early_data_accepted()
    }
    fn is_handshaking(&self) -> bool {
        self.inner.is_handshaking()
    }
    fn read_handshake(&mut self, buf: &[u8]) -> Result<bool, TransportError> {
        self.inner.read_handshake(buf)
    }
    fn transport_parameters(&self) -> Result<Option<TransportParameters>, TransportError> {
        let params = self.inner.transport_parameters()?;
        if self.side == Side::Server {
            return Ok(params.map(|params| rewritten(params, self.side, &[], true)));
        }
        let remembered = self.remembered.swap(false, Ordering::SeqCst) && self.inner.early_crypto().is_some();
        let drop: &[u64] = if remembered { &[GREASE_QUIC_BIT, MIN_ACK_DELAY] } else { &[MIN_ACK_DELAY] };
        Ok(params.map(|params| rewritten(params, self.side, drop, false)))
    }
    fn write_handshake(&mut self, buf: &mut Vec<u8>) -> Option<Keys> {
        self.inner.write_handshake(buf)
    }
    fn next_1rtt_keys(&mut self) -> Option<KeyPair<Box<dyn PacketKey>>> {
        self.inner.next_1rtt_keys()
    }
    fn is_valid_retry(&self, orig_dst_cid: &ConnectionId, header: &[u8], payload: &[u8]) -> bool {
        self.inner.is_valid_retry(orig_dst_cid, header, payload)
    }
    fn export_keying_material(
        &self,
        output: &mut [u8],
        label: &[u8],
        context: &[u8],
    ) -> Result<(), ExportKeyingMaterialError> {
        self.inner.export_keying_material(output, label, context)
    }
}

/// `params` re-encoded without the parameters `drop` and, with `fewer_cids`,
/// active_connection_id_limit one lower (not below 2); `params` themselves if
/// that failed, which it cannot for what quinn-proto wrote.
fn rewritten(params: TransportParameters, side: Side, drop: &[u64], fewer_cids: bool) -> TransportParameters {
    let mut encoded = Vec::new();
    params.write(&mut encoded);
    let stripped = rewrite_list(&encoded, drop, fewer_cids)
        .and_then(|kept| TransportParameters::read(side, &mut std::io::Cursor::new(kept)).ok());
    match stripped {
        Some(stripped) => stripped,
        None => {
            eprintln!("quinn: the peer's transport parameters do not re-encode; kept as they are");
            params
        }
    }
}

/// A transport-parameter list (RFC 9000 §18: id, length, value; ids and
/// lengths as variable-length integers) without the parameters `drop` and,
/// with `fewer_cids`, active_connection_id_limit one lower (not below 2).
fn rewrite_list(mut list: &[u8], drop: &[u64], fewer_cids: bool) -> Option<Vec<u8>> {
    let mut kept = Vec::with_capacity(list.len());
    while !list.is_empty() {
        let start = list;
        let this = varint(&mut list)?;
        let len = usize::try_from(varint(&mut list)?).ok()?;
        if list.len() < len {
            return None;
        }
        let mut value = &list[..len];
        list = &list[len..];
        if drop.contains(&this) {
            continue;
        }
        if fewer_cids && this == ACTIVE_CONNECTION_ID_LIMIT {
            let limit = varint(&mut value)?.saturating_sub(1).max(2);
            let encoded = encode_varint(limit);
            kept.extend_from_slice(&encode_varint(this));
            kept.extend_from_slice(&encode_varint(encoded.len() as u64));
            kept.extend_from_slice(&encoded);
            continue;
        }
        kept.extend_from_slice(&start[..start.len() - list.len()]);
    }
    Some(kept)
}

fn encode_varint(v: u64) -> Vec<u8> {
    match v {
        0..=0x3f => vec![v as u8],
        0x40..=0x3fff => ((v as u16) | 0x4000).to_be_bytes().to_vec(),
        0x4000..=0x3fff_ffff => ((v as u32) | 0x8000_0000).to_be_bytes().to_vec(),
        _ => (v | 0xc000_0000_0000_0000).to_be_bytes().to_vec(),
    }
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let first = *buf.first()?;
    let len = 1usize << (first >> 6);
    if buf.len() < len {
        return None;
    }
    let mut value = u64::from(first & 0x3f);
    for b in &buf[1..len] {
        value = (value << 8) | u64::from(*b);
    }
    *buf = &buf[len..];
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::rewrite_list;

    #[test]
    fn drops_and_lowers_only_what_is_asked() {
        // max_idle_timeout (0x01) = 30000, grease_quic_bit (0x2ab2, empty),
        // active_connection_id_limit (0x0e) = 5, max_udp_payload_size (0x03) = 1472
        let list = [0x01, 0x04, 0x80, 0x00, 0x75, 0x30, 0x6a, 0xb2, 0x00, 0x0e, 0x01, 0x05, 0x03, 0x02, 0x45, 0xc0];
        let without_grease = [0x01, 0x04, 0x80, 0x00, 0x75, 0x30, 0x0e, 0x01, 0x05, 0x03, 0x02, 0x45, 0xc0];
        assert_eq!(rewrite_list(&list, &[0x2ab2], false).unwrap(), without_grease);
        assert_eq!(rewrite_list(&list, &[0x99], false).unwrap(), list);
        let mut lower = list;
        lower[11] = 0x04;
        assert_eq!(rewrite_list(&list, &[], true).unwrap(), lower);
        assert_eq!(rewrite_list(&[0x0e, 0x01, 0x02], &[], true).unwrap(), [0x0e, 0x01, 0x02]);
        assert!(rewrite_list(&list[..5], &[0x2ab2], false).is_none());
    }
}
