package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/quic"
)

const downloads = "/downloads"

// request is one URL of REQUESTS.
type request struct {
	hostPort string // host:port to dial
	host     string // for SNI
	path     string // as sent in the GET line
}

func parseRequests(list string) ([]request, error) {
	var out []request
	for _, s := range strings.Fields(list) {
		u, err := url.Parse(s)
		if err != nil {
			return nil, err
		}
		port := u.Port()
		if port == "" {
			port = "443"
		}
		p := u.EscapedPath()
		if p == "" {
			p = "/"
		}
		out = append(out, request{hostPort: net.JoinHostPort(u.Hostname(), port), host: u.Hostname(), path: p})
	}
	if len(out) == 0 {
		return nil, errors.New("REQUESTS is empty")
	}
	return out, nil
}

// ticketCache is the client's TLS session cache; it reports when a session
// ticket arrives, so the first connection of a resumption test can wait for
// one before it closes.
type ticketCache struct {
	tls.ClientSessionCache
	once sync.Once
	got  chan struct{}
}

func (c *ticketCache) Put(key string, cs *tls.ClientSessionState) {
	c.ClientSessionCache.Put(key, cs)
	if cs != nil {
		c.once.Do(func() { close(c.got) })
	}
}

func runClient(m mode, list string) error {
	reqs, err := parseRequests(list)
	if err != nil {
		return err
	}
	cache := &ticketCache{ClientSessionCache: tls.NewLRUClientSessionCache(8), got: make(chan struct{})}
	tlsConfig := &tls.Config{
		MinVersion:         tls.VersionTLS13,
		InsecureSkipVerify: true, // the runner's certificates are made up for each test
		NextProtos:         []string{alpn},
		ServerName:         reqs[0].host,
		KeyLogWriter:       keyLog(),
		ClientSessionCache: cache,
	}
	config := baseConfig(tlsConfig)
	// hq-interop needs no streams from the server.
	config.MaxBidiRemoteStreams = -1
	config.MaxUniRemoteStreams = -1
	switch m {
	case modeResumption:
		// The first connection stays open until the ticket is in.
		if err := session(config, reqs[:1], cache.got); err != nil {
			return err
		}
		return session(config, reqs[1:], nil)
	case modeMultiConnect:
		for _, r := range reqs {
			if err := session(config, []request{r}, nil); err != nil {
				return err
			}
		}
		return nil
	default:
		return session(config, reqs, nil)
	}
}

// session downloads reqs over one new connection (from a new UDP socket,
// as a new client process would), all in parallel, each on its own stream.
// With ticket, the connection is closed only once ticket is closed (or after
// a few seconds).
func session(config *quic.Config, reqs []request, ticket <-chan struct{}) error {
	if len(reqs) == 0 {
		return nil
	}
	raddr, err := net.ResolveUDPAddr("udp", reqs[0].hostPort)
	if err != nil {
		return err
	}
	network, local := "udp4", "0.0.0.0:0"
	if raddr.IP.To4() == nil {
		network, local = "udp6", "[::]:0"
	}
	endpoint, err := quic.Listen(network, local, nil)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		endpoint.Close(ctx)
	}()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	conn, err := endpoint.Dial(ctx, network, raddr.String(), config)
	cancel()
	if err != nil {
		return fmt.Errorf("dial %s: %w", raddr, err)
	}
	fmt.Fprintf(os.Stderr, "go-x-net client: %v: handshake done after %v\n", conn, time.Since(start).Round(time.Millisecond))
	errs := make(chan error, len(reqs))
	for _, r := range reqs {
		go func(r request) { errs <- fetch(conn, r) }(r)
	}
	var first error
	for range reqs {
		if err := <-errs; err != nil && first == nil {
			first = err
			conn.Abort(err) // unblocks the other requests
		}
	}
	if first != nil {
		return first
	}
	fmt.Fprintf(os.Stderr, "go-x-net client: %v: %d download(s) done after %v\n", conn, len(reqs), time.Since(start).Round(time.Millisecond))
	if ticket != nil {
		select {
		case <-ticket:
		case <-time.After(5 * time.Second):
			return errors.New("no session ticket from the server")
		}
	}
	// CONNECTION_CLOSE with NO_ERROR; wait a moment for the peer's.
	conn.Abort(nil)
	wctx, wcancel := context.WithTimeout(context.Background(), time.Second)
	conn.Wait(wctx)
	wcancel()
	return nil
}

// fetch sends "GET /path\r\n" on a new stream and stores the answer.
func fetch(conn *quic.Conn, r request) error {
	ctx := context.Background()
	stream, err := conn.NewStream(ctx)
	if err != nil {
		return fmt.Errorf("%s: new stream: %w", r.path, err)
	}
	// No stream.Close(): it waits until the peer has acknowledged the
	// request, which under loss can take many backed-off PTOs after the
	// whole answer is in. The connection's close ends the stream.
	if _, err := stream.Write([]byte("GET " + r.path + "\r\n")); err != nil {
		return fmt.Errorf("%s: %w", r.path, err)
	}
	stream.CloseWrite() // flushes the request with FIN
	name, err := url.PathUnescape(r.path)
	if err != nil {
		name = r.path
	}
	target := filepath.Join(downloads, filepath.FromSlash(path.Clean("/"+name)))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	f, err := os.Create(target)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, stream)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", r.path, err)
	}
	return nil
}
