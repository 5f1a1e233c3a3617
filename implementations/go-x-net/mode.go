package main

// What one run of the endpoint does, chosen by TESTCASE.
type mode int

const (
	modeUnsupported mode = iota
	// One connection, every request on its own stream, all in parallel.
	modeTransfer
	// Like modeTransfer; the server validates the client's address with a Retry first.
	modeRetry
	// Client: the first request on one connection, the rest on a second one
	// that resumes the first one's TLS session.
	modeResumption
	// Client: one connection per request, one after the other.
	modeMultiConnect
)

// parseMode maps a TESTCASE value to a mode for a role, or to
// modeUnsupported with the reason, from x/net/quic 0.27's source, why the
// library cannot do it.
func parseMode(testcase string, isServer bool) (mode, string) {
	switch testcase {
	case "handshake", "transfer":
		return modeTransfer, ""
	case "multiconnect":
		return modeMultiConnect, ""
	case "retry":
		if isServer {
			// Config.RequireAddressValidation.
			return modeRetry, ""
		}
		return modeUnsupported, "the client cannot complete a handshake after a Retry: it keeps the Initial keys derived from its first Destination Connection ID (startTLS in tls.go derives them once; handleRetry in conn_recv.go only switches to the Retry's Source Connection ID), so the server cannot decrypt its next Initial (RFC 9001 §5.2 derives them from the new one)"
	case "keyupdate":
		// Both roles initiate a key update by themselves once they have sent
		// 1-RTT packet number 100 (updatingKeyPair.init in
		// packet_protection.go: "The QUIC interop runner "keyupdate" test
		// requires that the client initiate a key rotation early"); there is
		// no API to start one.
		return modeTransfer, ""
	case "versionnegotiation":
		if isServer {
			// The endpoint answers an Initial of an unknown version with
			// Version Negotiation by itself (Endpoint.handleUnknownDestinationConnectionID).
			return modeTransfer, ""
		}
		return modeUnsupported, "the client only ever sends QUIC v1 (conn_send.go writes quicVersion1; there is no version setting)"
	case "chacha20":
		if isServer {
			// A server takes TLS_CHACHA20_POLY1305_SHA256 when that is all
			// the client offers (checkCipherSuite accepts it).
			return modeTransfer, ""
		}
		return modeUnsupported, "Go's crypto/tls has no setting for the TLS 1.3 cipher suites a client offers (tls.Config.CipherSuites is for TLS 1.0-1.2 only), so the ClientHello cannot be restricted to TLS_CHACHA20_POLY1305_SHA256"
	case "resumption":
		if isServer {
			return modeUnsupported, "the server never sends a session ticket: crypto/tls sends QUIC tickets only from QUICConn.SendSessionTicket (\"QUIC tickets are sent by QUICConn.SendSessionTicket, not automatically\"), and x/net/quic 0.27 never calls it"
		}
		// The client keeps the servers' NewSessionTicket in its
		// tls.ClientSessionCache (crypto/tls does, for the post-handshake
		// CRYPTO data x/net/quic passes on) and offers it on the next connection.
		return modeResumption, ""
	case "zerortt":
		return modeUnsupported, "0-RTT is not supported (doc.go \"Known limitations\"; handleTLSEvents ignores the early-data secrets and conn_recv.go has \"TODO: Discard 0-RTT packets as well, once we support 0-RTT\")"
	case "ecn":
		return modeUnsupported, "no ECN: outgoing datagrams are never marked ECT (datagram.ecn stays ecnNotECT) and ACK frames never carry ECN counts (received ones are parsed and ignored, packet_parser.go)"
	case "v2":
		return modeUnsupported, "QUIC v1 only: quicVersion2 is defined in quic.go but packets of any version other than quicVersion1 are dropped (conn_recv.go) or answered with Version Negotiation (endpoint.go)"
	case "http3":
		return modeUnsupported, "golang.org/x/net 0.27 has no HTTP/3 package on top of quic"
	case "connectionmigration":
		if isServer {
			return modeUnsupported, "server preferred addresses are not supported (doc.go \"Known limitations\"; conn.go \"TODO: preferred_address\"), and a server drops packets from a new client address (conn_recv.go \"We currently don't support connection migration\")"
		}
		return modeUnsupported, "address migration is not supported (doc.go \"Known limitations\"): the client never moves to a server's preferred address"
	}
	return modeUnsupported, "unknown test case"
}
