//! One quinn endpoint on two UDP sockets: the server's own address (port 443)
//! and its preferred address (RFC 9000 §9.6; port 4433 on the same IP, as
//! ngtcp2's server in this runner does). quinn 0.11 runs an endpoint on one
//! socket, and a connection that moves to the preferred address must stay in
//! the endpoint that knows its connection IDs, so both sockets feed one
//! endpoint.
//!
//! quinn-proto tells paths apart by the peer's address only (it never learns
//! the local port a datagram came to), and a client that follows a preferred
//! address on the same IP often keeps its own address and port (ngtcp2's does):
//! the new path then differs from the old one only in the server's port. So a
//! peer address seen on the preferred socket is handed to quinn-proto as a
//! stand-in address of its own (an address from the IPv6 discard prefix
//! 100::/64, RFC 6666, that never appears on the wire); datagrams quinn sends
//! to a stand-in go out of the preferred socket to the real address. quinn
//! then sees the move as a migration to a new peer address and validates it
//! (PATH_CHALLENGE) like any other.
use quinn::udp::{RecvMeta, Transmit};
use quinn::{AsyncUdpSocket, UdpPoller};
use std::collections::HashMap;
use std::fmt;
use std::io::{self, IoSliceMut};
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Real peer addresses on the preferred socket and their stand-ins, both ways.
#[derive(Default, Debug)]
struct StandIns {
    by_real: HashMap<SocketAddr, SocketAddr>,
    by_stand_in: HashMap<SocketAddr, SocketAddr>,
}

impl StandIns {
    fn stand_in(&mut self, real: SocketAddr) -> SocketAddr {
        if let Some(s) = self.by_real.get(&real) {
            return *s;
        }
        let n = self.by_real.len() as u64 + 1;
        let ip = Ipv6Addr::new(0x100, 0, 0, 0, (n >> 48) as u16, (n >> 32) as u16, (n >> 16) as u16, n as u16);
        let s = SocketAddr::V6(SocketAddrV6::new(ip, real.port(), 0, 0));
        self.by_real.insert(real, s);
        self.by_stand_in.insert(s, real);
        s
    }
}

/// The main socket (index 0) and the preferred-address socket (index 1).
pub struct TwoSockets {
    main: Arc<dyn AsyncUdpSocket>,
    preferred: Arc<dyn AsyncUdpSocket>,
    stand_ins: Mutex<StandIns>,
    /// Which socket poll_recv tries first, alternated so neither starves.
    preferred_first: AtomicBool,
}

impl fmt::Debug for TwoSockets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwoSockets").field("main", &self.main).field("preferred", &self.preferred).finish()
    }
}

impl TwoSockets {
    pub fn new(main: Arc<dyn AsyncUdpSocket>, preferred: Arc<dyn AsyncUdpSocket>) -> Self {
        TwoSockets { main, preferred, stand_ins: Mutex::default(), preferred_first: AtomicBool::new(false) }
    }

    fn recv_main(&self, cx: &mut Context, bufs: &mut [IoSliceMut<'_>], meta: &mut [RecvMeta]) -> Poll<io::Result<usize>> {
        self.main.poll_recv(cx, bufs, meta)
    }

    fn recv_preferred(
        &self,
        cx: &mut Context,
        bufs: &mut [IoSliceMut<'_>],
        meta: &mut [RecvMeta],
    ) -> Poll<io::Result<usize>> {
        let n = match self.preferred.poll_recv(cx, bufs, meta) {
            Poll::Ready(Ok(n)) => n,
            other => return other,
        };
        let mut stand_ins = self.stand_ins.lock().unwrap();
        for m in &mut meta[..n] {
            m.addr = stand_ins.stand_in(m.addr);
        }
        Poll::Ready(Ok(n))
    }
}

impl AsyncUdpSocket for TwoSockets {
    fn create_io_poller(self: Arc<Self>) -> Pin<Box<dyn UdpPoller>> {
        Box::pin(TwoPollers { main: self.main.clone().create_io_poller(), preferred: self.preferred.clone().create_io_poller() })
    }

    fn try_send(&self, transmit: &Transmit) -> io::Result<()> {
        let real = self.stand_ins.lock().unwrap().by_stand_in.get(&transmit.destination).copied();
        match real {
            Some(destination) => self.preferred.try_send(&Transmit { destination, ..*transmit }),
            None => self.main.try_send(transmit),
        }
    }

    fn poll_recv(&self, cx: &mut Context, bufs: &mut [IoSliceMut<'_>], meta: &mut [RecvMeta]) -> Poll<io::Result<usize>> {
        // Both are polled when the first has nothing, so both wakers are registered.
        if self.preferred_first.fetch_xor(true, Ordering::Relaxed) {
            match self.recv_preferred(cx, bufs, meta) {
                Poll::Pending => self.recv_main(cx, bufs, meta),
                ready => ready,
            }
        } else {
            match self.recv_main(cx, bufs, meta) {
                Poll::Pending => self.recv_preferred(cx, bufs, meta),
                ready => ready,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.main.local_addr()
    }

    fn max_transmit_segments(&self) -> usize {
        self.main.max_transmit_segments().min(self.preferred.max_transmit_segments())
    }

    fn max_receive_segments(&self) -> usize {
        self.main.max_receive_segments().max(self.preferred.max_receive_segments())
    }

    fn may_fragment(&self) -> bool {
        self.main.may_fragment() || self.preferred.may_fragment()
    }
}

/// Writable when both sockets are (UDP sockets nearly always are); a send
/// may go to either.
#[derive(Debug)]
struct TwoPollers {
    main: Pin<Box<dyn UdpPoller>>,
    preferred: Pin<Box<dyn UdpPoller>>,
}

impl UdpPoller for TwoPollers {
    fn poll_writable(mut self: Pin<&mut Self>, cx: &mut Context) -> Poll<io::Result<()>> {
        let main = self.main.as_mut().poll_writable(cx);
        let preferred = self.preferred.as_mut().poll_writable(cx);
        match (main, preferred) {
            (Poll::Ready(Err(e)), _) | (_, Poll::Ready(Err(e))) => Poll::Ready(Err(e)),
            (Poll::Ready(Ok(())), Poll::Ready(Ok(()))) => Poll::Ready(Ok(())),
            _ => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StandIns;

    #[test]
    fn stand_ins_are_stable_and_distinct() {
        let mut s = StandIns::default();
        let a: std::net::SocketAddr = "193.167.0.100:5000".parse().unwrap();
        let b: std::net::SocketAddr = "[fd00:cafe:cafe::100]:5000".parse().unwrap();
        let (sa, sb) = (s.stand_in(a), s.stand_in(b));
        assert_ne!(sa, sb);
        assert_eq!(s.stand_in(a), sa);
        assert_eq!(sa.port(), 5000);
        assert_eq!(s.by_stand_in[&sb], b);
    }
}
