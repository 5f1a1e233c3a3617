package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/net/quic"
)

const (
	www      = "/www"
	certFile = "/certs/cert.pem"
	keyFile  = "/certs/priv.key"
	// Concurrent bidirectional streams a client may open. The multiplexing
	// test requires initial_max_streams_bidi <= 1000; x/net/quic raises the
	// limit with MAX_STREAMS as streams finish.
	maxStreams = 1000
)

// runServer serves /www on UDP port 443 (IPv4 and IPv6) until it is killed.
func runServer(m mode) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return err
	}
	tlsConfig := &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{alpn},
		KeyLogWriter: keyLog(),
	}
	config := baseConfig(tlsConfig)
	config.MaxBidiRemoteStreams = maxStreams
	config.RequireAddressValidation = m == modeRetry
	if _, err := rand.Read(config.StatelessResetKey[:]); err != nil {
		return err
	}
	endpoint, err := quic.Listen("udp", ":443", config)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "go-x-net server: listening on %v (retry: %v)\n", endpoint.LocalAddr(), config.RequireAddressValidation)
	for {
		conn, err := endpoint.Accept(context.Background())
		if err != nil {
			return err
		}
		go serveConn(conn)
	}
}

func serveConn(conn *quic.Conn) {
	fmt.Fprintf(os.Stderr, "go-x-net server: %v: handshake done\n", conn)
	for {
		stream, err := conn.AcceptStream(context.Background())
		if err != nil {
			fmt.Fprintf(os.Stderr, "go-x-net server: %v: closed: %v\n", conn, err)
			return
		}
		go serveStream(stream)
	}
}

// serveStream answers one HTTP/0.9 request, "GET /path\r\n".
func serveStream(stream *quic.Stream) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	stream.SetReadContext(ctx)
	stream.SetWriteContext(ctx)
	name, err := readRequest(stream)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-x-net server: bad request: %v\n", err)
		stream.Reset(1)
		stream.CloseRead()
		return
	}
	f, err := os.Open(name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-x-net server: %v\n", err)
		stream.Reset(2)
		stream.CloseRead()
		return
	}
	defer f.Close()
	if _, err := io.Copy(stream, f); err != nil {
		fmt.Fprintf(os.Stderr, "go-x-net server: sending %s: %v\n", name, err)
		stream.Reset(3)
		return
	}
	// Flushes, sends FIN and waits for the client to acknowledge everything.
	if err := stream.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "go-x-net server: closing %s: %v\n", name, err)
	}
}

// readRequest reads "GET /path" up to CRLF (or the stream's end) and returns
// the file below /www it names.
func readRequest(stream *quic.Stream) (string, error) {
	line, err := bufio.NewReaderSize(io.LimitReader(stream, 8192), 512).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	target, ok := strings.CutPrefix(line, "GET ")
	if !ok {
		return "", fmt.Errorf("not a GET: %q", line)
	}
	target = strings.TrimSpace(target)
	// path.Clean of a rooted path never climbs above the root.
	clean := path.Clean("/" + target)
	return filepath.Join(www, filepath.FromSlash(clean)), nil
}
