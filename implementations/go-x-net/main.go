// Command qir-go-x-net is qir's interop endpoint on golang.org/x/net/quic
// (Debian trixie's golang-golang-x-net-dev, 0.27), client and server in one
// program, behind the interop runner's endpoint contract: ROLE
// (server|client), TESTCASE, REQUESTS, SSLKEYLOGFILE, QLOGDIR; files from
// /www, downloads into /downloads, certificates in /certs. HTTP/0.9 over the
// ALPN hq-interop: "GET /path\r\n" on a bidirectional stream, answered with
// the file and FIN. Exits 127 for test cases the library cannot do (see
// mode.go), 1 on failure.
package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"golang.org/x/net/quic"
	"golang.org/x/net/quic/qlog"
)

const alpn = "hq-interop"

// How long a connection may stay silent, and how long a handshake may take.
// x/net/quic's defaults (30 s idle, 10 s handshake) are too short for
// handshakes through 30 % loss (handshakeloss: every lost flight doubles
// the PTO); the runner's limit for a test is 60 s or more.
const (
	idleTimeout      = 60 * time.Second
	handshakeTimeout = 60 * time.Second
)

func main() {
	role, testcase := os.Getenv("ROLE"), os.Getenv("TESTCASE")
	if role != "server" && role != "client" {
		fmt.Fprintf(os.Stderr, "go-x-net: unknown ROLE %q\n", role)
		os.Exit(1)
	}
	m, why := parseMode(testcase, role == "server")
	if m == modeUnsupported {
		fmt.Fprintf(os.Stderr, "go-x-net %s: unsupported TESTCASE %q: %s\n", role, testcase, why)
		os.Exit(127)
	}
	var err error
	if role == "server" {
		err = runServer(m)
	} else {
		err = runClient(m, os.Getenv("REQUESTS"))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-x-net %s: %v\n", role, err)
		os.Exit(1)
	}
}

// baseConfig is the part of the QUIC configuration both roles share.
func baseConfig(tlsConfig *tls.Config) *quic.Config {
	config := &quic.Config{
		TLSConfig:        tlsConfig,
		MaxIdleTimeout:   idleTimeout,
		HandshakeTimeout: handshakeTimeout,
	}
	if dir := os.Getenv("QLOGDIR"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err == nil {
			// Packet level: one event per packet sent or received, without
			// every frame (that would slow the 10 MiB transfers down).
			config.QLogLogger = slog.New(qlog.NewJSONHandler(qlog.HandlerOptions{
				Level: quic.QLogLevelPacket,
				Dir:   dir,
			}))
		}
	}
	return config
}

// keyLog opens SSLKEYLOGFILE for appending, or returns nil when it is unset.
func keyLog() io.Writer {
	path := os.Getenv("SSLKEYLOGFILE")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-x-net: no key log: %v\n", err)
		return nil
	}
	return f
}
