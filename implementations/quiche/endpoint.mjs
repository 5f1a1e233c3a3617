// qir's quiche endpoint: an hq-interop (HTTP/0.9 over QUIC) client and server
// on Cloudflare quiche 0.18 through the native bindings that the npm package
// @matrixai/quic ships (its own QUICServer always sends a Retry and speaks only
// its own ALPN, so the raw quiche Config/Connection API is driven here, the way
// quiche's apps do). Contract: ROLE, TESTCASE, REQUESTS, SSLKEYLOGFILE; exit
// 127 for test cases quiche or the bindings cannot do (no cipher selection, no
// key update initiation, no ECN, no HTTP/3 or v2 binding), 1 on failure.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import path from 'node:path';

const binding = new URL('./bin/node_modules/@matrixai/quic/dist/native/quiche.js', import.meta.url);
const ALPN = 'hq-interop';
const MODES = {
  handshake: 'transfer', transfer: 'transfer', multiconnect: 'multiconnect', retry: 'retry',
  resumption: 'resumption', zerortt: 'zerortt',
  // rebinding: the server follows the client's address (class Peer).
  'rebind-port': 'transfer', 'rebind-addr': 'transfer',
};
// Server side only: it answers a client's key update and unknown versions by
// itself, and BoringSSL picks ChaCha20 when it is all the client offers. As a
// client none of these is reachable: quiche 0.18 has no call that starts a key
// update (it only follows the peer's), and neither quiche's Config nor the
// bindings' withBoringSslCtx (key, certificates, CA, signature algorithms)
// can restrict BoringSSL's fixed TLS 1.3 cipher list.
const SERVER_ONLY = { keyupdate: 'transfer', versionnegotiation: 'transfer', chacha20: 'transfer' };
// 60 s, not 30: under handshakeloss ngtcp2's client (started with --timeout=180s)
// backs off its retransmissions to 50 s apart, and a server that went idle
// after 30 s had dropped the connection by the time it came back (one
// handshake then took 200 s and the test its 300 s).
const IDLE_TIMEOUT_MS = 60000;
// How long a server holds quiche's timers after probing a rebound client's
// address (class Peer): a round trip with a full queue and the ACK delay.
const CHALLENGE_HOLD_MS = 200;
// How long small datagrams to a rebound client's new address may wait for the
// full-size one that carries the PATH_CHALLENGE (Peer.outgoing).
const CHALLENGE_DEFER_MS = 100;
// The largest datagram taken for quiche's ACK-only packet: short header with
// a 20-byte connection ID, an ACK frame of a few ranges, the 16-byte tag.
const ACK_ONLY_MAX = 64;
const log = (...args) => console.error('quiche', process.env.ROLE, ...args);

/** quiche configuration shared by every connection of one role. */
function makeConfig(quiche, role) {
  const config = role === 'server'
    ? quiche.Config.withBoringSslCtx(false, false, null,
      [fs.readFileSync('/certs/priv.key')], [fs.readFileSync('/certs/cert.pem')], null)
    : quiche.Config.withBoringSslCtx(false, false, null, null, null, null);
  config.setApplicationProtos([ALPN]);
  config.setMaxIdleTimeout(IDLE_TIMEOUT_MS);
  config.setMaxRecvUdpPayloadSize(quiche.MAX_UDP_PACKET_SIZE);
  config.setMaxSendUdpPayloadSize(quiche.MAX_DATAGRAM_SIZE);
  config.setInitialMaxData(role === 'client' ? 4 << 20 : 1 << 20);
  config.setInitialMaxStreamDataBidiLocal(1 << 20);
  config.setInitialMaxStreamDataBidiRemote(1 << 20);
  config.setInitialMaxStreamDataUni(0);
  config.setInitialMaxStreamsBidi(100);
  config.setInitialMaxStreamsUni(0);
  config.setDisableActiveMigration(false);
  // A client hands its server spare connection IDs (issueSpareCids); quiche
  // caps them at its own limit, 2 by default.
  if (role === 'client') config.setActiveConnectionIdLimit(4);
  config.enableEarlyData();
  if (process.env.SSLKEYLOGFILE) config.logKeys();
  return config;
}

/** One UDP socket plus the send/timer plumbing every connection needs. */
class Transport {
  constructor(quiche, socket, local) {
    this.quiche = quiche;
    this.socket = socket;
    this.local = local;
    this.out = Buffer.alloc(quiche.MAX_UDP_PACKET_SIZE);
  }

  /** Sends everything `conn` has queued and re-arms its timer. */
  flush(conn, state) {
    const peer = state.peer;
    for (const d of peer?.overdue() ?? []) this.socket.send(d, peer.now.port, peer.now.host);
    for (;;) {
      let sent;
      try { sent = conn.send(this.out); } catch (e) { log('send:', e.message); break; }
      if (sent == null) break;
      const [n, info] = sent;
      const datagram = Buffer.from(this.out.subarray(0, n));
      // A server sends to where its client is now (see `Peer`); quiche only
      // knows the client's first address.
      if (peer == null) this.socket.send(datagram, info.to.port, info.to.host);
      else for (const d of peer.outgoing(datagram)) this.socket.send(d, peer.now.port, peer.now.host);
    }
    clearTimeout(state.timer);
    const ms = conn.timeout();
    if (ms != null && !conn.isClosed()) {
      const now = performance.now();
      let wait = Math.max(0, ms, (peer?.holdTimeoutsUntil ?? 0) - now);
      if (peer?.deferred.length) wait = Math.min(wait, Math.max(0, peer.movedAt + CHALLENGE_DEFER_MS - now));
      state.timer = setTimeout(() => { conn.onTimeout(); state.onEvent(); }, wait);
    }
  }

  recv(conn, msg, rinfo, state) {
    try {
      conn.recv(msg, { from: state.peer?.first ?? { host: rinfo.address, port: rinfo.port }, to: this.local });
    } catch (e) {
      log('recv:', e.message);
    }
  }
}

/**
 * quiche truncates the key log file it is given, once per connection: each
 * connection logs to its own file in /tmp, appended to SSLKEYLOGFILE once the
 * handshake is done (or the connection closed).
 */
class KeyLog {
  constructor() {
    this.target = process.env.SSLKEYLOGFILE;
    this.count = 0;
  }

  /** Starts logging `conn`'s secrets; returns the connection's own file or null. */
  attach(conn) {
    if (!this.target) return null;
    const file = `/tmp/quiche-keys-${process.pid}-${this.count++}.log`;
    conn.setKeylog(file);
    return file;
  }

  /** Appends `state.keyFile` to SSLKEYLOGFILE when its handshake is over. */
  collect(state) {
    if (state.keyFile == null || !(state.conn.isEstablished() || state.conn.isClosed())) return;
    try {
      fs.appendFileSync(this.target, fs.readFileSync(state.keyFile));
      fs.unlinkSync(state.keyFile);
    } catch (e) {
      log('key log:', e.message);
    }
    state.keyFile = null;
  }
}
const keyLog = new KeyLog();

async function openSocket(family, port) {
  const socket = dgram.createSocket(family === 6 ? { type: 'udp6', ipv6Only: false } : { type: 'udp4' });
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, family === 6 ? '::' : '0.0.0.0', () => { socket.off('error', reject); resolve(); });
  });
  return socket;
}

// ---------------------------------------------------------------- server

/** Serves /www until killed: one stream per request "GET /<path>\r\n". */
async function runServer(quiche, mode) {
  const config = makeConfig(quiche, 'server');
  let socket;
  try { socket = await openSocket(6, 443); } catch { socket = await openSocket(4, 443); }
  const address = socket.address();
  const transport = new Transport(quiche, socket, { host: address.address, port: address.port });
  const tokenKey = crypto.randomBytes(32);
  const conns = new Map();  // connection ID (hex) → server connection state
  socket.on('message', (msg, rinfo) => {
    let header;
    try { header = quiche.Header.fromSlice(msg, quiche.MAX_CONN_ID_LEN); } catch { return; }
    let state = conns.get(Buffer.from(header.dcid).toString('hex'));
    if (state == null) {
      state = accept(quiche, config, transport, conns, header, msg, rinfo, mode === 'retry', tokenKey);
      if (state == null) return;
    }
    const moved = state.peer.update(rinfo);
    transport.recv(state.conn, msg, rinfo, state);
    // Validate the client's new address: quiche puts a PATH_CHALLENGE into the
    // next packet it builds, the first one that goes there.
    if (moved) safe(() => state.conn.probePath(transport.local, state.peer.first));
    state.onEvent();
  });
  log(`listening on [${address.address}]:${address.port} (${mode})`);
  await new Promise(() => {});
}

/** A new server connection for a client Initial, after Version Negotiation or Retry when due. */
function accept(quiche, config, transport, conns, header, msg, rinfo, retry, tokenKey) {
  if (header.ty !== quiche.Type.Initial) return null;
  const reply = (n) => transport.socket.send(Buffer.from(transport.out.subarray(0, n)), rinfo.port, rinfo.address);
  if (!quiche.versionIsSupported(header.version)) {
    reply(quiche.negotiateVersion(header.scid, header.dcid, transport.out));
    return null;
  }
  let scid = crypto.randomBytes(quiche.MAX_CONN_ID_LEN);
  let odcid = null;
  if (retry) {
    const token = header.token ? Buffer.from(header.token) : Buffer.alloc(0);
    if (token.length === 0) {
      const minted = mintToken(tokenKey, rinfo, Buffer.from(header.dcid));
      reply(quiche.retry(header.scid, header.dcid, scid, minted, header.version, transport.out));
      return null;
    }
    odcid = validateToken(tokenKey, rinfo, token);
    if (odcid == null) return null;
    scid = Buffer.from(header.dcid);
  }
  const conn = quiche.Connection.accept(scid, odcid, transport.local,
    { host: rinfo.address, port: rinfo.port }, config);
  const state = {
    conn, timer: null, requests: new Map(), responses: new Map(), keyFile: keyLog.attach(conn),
    peer: new Peer({ host: rinfo.address, port: rinfo.port }),
  };
  state.onEvent = () => serveEvent(transport, conns, state);
  conns.set(scid.toString('hex'), state);
  conns.set(Buffer.from(header.dcid).toString('hex'), state);
  log(`connection from [${rinfo.address}]:${rinfo.port}`);
  return state;
}

/**
 * The client's address as quiche sees it (`first`) and as it is now (`now`).
 * A NAT rebinding (new client port or address) is kept from quiche: given the
 * real address, quiche 0.18 opens a second path and moves to it, but the
 * packets still in flight on the old path stay in that path's own loss
 * recovery, which is never run again once it is not the active path, so their
 * stream data is never retransmitted: the download stalls at the first lost
 * offset (measured against ngtcp2's client: 2.5 MB and 5.0 MB of 10 MB, then
 * an idle timeout). On one path, quiche's loss detection covers everything;
 * the endpoint asks quiche to validate the path again (probePath) whenever the
 * client's address changes and sends every packet to the current address.
 *
 * quiche counts every PATH_CHALLENGE still unanswered when any loss-detection
 * timer of the path fires as lost, and a server then fails the path at once
 * if its anti-amplification allowance, left over from the handshake on the
 * first path, is below 1200 bytes; with its only path failed the connection
 * closes silently (1 of 8 rebind cells against quinn's client, right after
 * the losses a rebinding causes). So quiche's timers wait CHALLENGE_HOLD_MS
 * after the challenge went out, time for the PATH_RESPONSE to come back.
 */
class Peer {
  constructor(first) {
    this.first = first;
    this.now = first;
    this.holdTimeoutsUntil = 0;
    this.movedAt = null;  // set until the PATH_CHALLENGE to the new address went out
    this.deferred = [];
  }

  /** Records the datagram's source; true when the client moved. */
  update(rinfo) {
    if (rinfo.address === this.now.host && rinfo.port === this.now.port) return false;
    log(`client moved from [${this.now.host}]:${this.now.port} to [${rinfo.address}]:${rinfo.port}`);
    this.now = { host: rinfo.address, port: rinfo.port };
    this.movedAt = performance.now();
    return true;
  }

  /**
   * The datagrams to send now for one that quiche built. After a move, the
   * first packet to the new address must carry the PATH_CHALLENGE. quiche
   * puts it into the next packet it builds, except when its congestion window
   * is full: then it first builds ACK-only packets (1 of 16 rebind cells).
   * Those are tiny, while the challenge normally shares its packet with the
   * stream data a server has waiting: datagrams of at most ACK_ONLY_MAX bytes
   * wait behind the first larger one (for at most CHALLENGE_DEFER_MS), and
   * the timer hold starts when it goes out.
   */
  outgoing(datagram) {
    if (this.movedAt == null) return [datagram];
    const now = performance.now();
    if (datagram.length <= ACK_ONLY_MAX && now - this.movedAt < CHALLENGE_DEFER_MS) {
      this.deferred.push(datagram);
      return [];
    }
    return [datagram, ...this.release(now)];
  }

  /** The waiting datagrams once CHALLENGE_DEFER_MS have passed without a full one. */
  overdue() {
    const now = performance.now();
    return this.movedAt != null && now - this.movedAt >= CHALLENGE_DEFER_MS ? this.release(now) : [];
  }

  release(now) {
    this.movedAt = null;
    this.holdTimeoutsUntil = now + CHALLENGE_HOLD_MS;
    const out = this.deferred;
    this.deferred = [];
    if (out.length) log(`${out.length} small datagram(s) to the new address held back behind the PATH_CHALLENGE`);
    return out;
  }
}

/** Retry token: HMAC over (client address, original DCID), then the DCID. */
function mintToken(key, rinfo, odcid) {
  const mac = crypto.createHmac('sha256', key).update(`${rinfo.address}|${rinfo.port}|`).update(odcid).digest();
  return Buffer.concat([mac, odcid]);
}

function validateToken(key, rinfo, token) {
  if (token.length < 32) return null;
  const odcid = token.subarray(32);
  return mintToken(key, rinfo, odcid).equals(token) ? odcid : null;
}

/** After any packet or timeout: read requests, push responses, send, clean up. */
const streamBuf = Buffer.allocUnsafe(65536);  // scratch for stream reads, reused

function serveEvent(transport, conns, state) {
  const { conn } = state;
  const buf = streamBuf;
  for (const id of conn.readable()) {
    let chunk;
    while ((chunk = safe(() => conn.streamRecv(id, buf))) != null) {
      const [n, fin] = chunk;
      state.requests.set(id, (state.requests.get(id) ?? '') + buf.toString('latin1', 0, n));
      if (fin) startResponse(state, id);
    }
  }
  for (const [id, response] of state.responses) {
    while (response.offset < response.data.length) {
      const n = safe(() => conn.streamSend(id, response.data.subarray(response.offset), true));
      if (!n) break;
      response.offset += n;
    }
    if (response.offset >= response.data.length) state.responses.delete(id);
  }
  transport.flush(conn, state);
  keyLog.collect(state);
  if (conn.isClosed()) {
    clearTimeout(state.timer);
    for (const [key, value] of conns) if (value === state) conns.delete(key);
  }
}

function startResponse(state, id) {
  const line = state.requests.get(id) ?? '';
  state.requests.delete(id);
  const match = /^GET \/(\S+)/.exec(line);
  const relative = match ? path.normalize(match[1]) : '';
  if (!match || relative.startsWith('..') || path.isAbsolute(relative)) {
    log(`bad request on stream ${id}: ${JSON.stringify(line.slice(0, 80))}`);
    safe(() => state.conn.streamShutdown(id, 1, 1));
    return;
  }
  let data;
  try { data = fs.readFileSync(path.join('/www', relative)); } catch (e) {
    log(`stream ${id}: ${e.message}`);
    safe(() => state.conn.streamShutdown(id, 1, 1));
    return;
  }
  // An empty file still needs its FIN.
  state.responses.set(id, { data: data.length ? data : Buffer.alloc(0), offset: 0 });
  if (!data.length) safe(() => state.conn.streamSend(id, Buffer.alloc(0), true));
}

/** The result of a quiche call, or null when it reports Done or fails. */
function safe(call) {
  try { return call(); } catch { return null; }
}

// ---------------------------------------------------------------- client

/** Downloads REQUESTS into /downloads as the mode says; resolves to the number of failures. */
async function runClient(quiche, mode) {
  const urls = (process.env.REQUESTS ?? '').split(/\s+/).filter(Boolean).map(parseUrl);
  if (urls.length === 0) throw new Error('REQUESTS is empty');
  const { address, family } = await dns.lookup(urls[0].host);
  const socket = await openSocket(family, 0);
  const local = { host: family === 6 ? '::' : '0.0.0.0', port: socket.address().port };
  const transport = new Transport(quiche, socket, local);
  const server = { host: address, port: urls[0].port };
  const config = makeConfig(quiche, 'client');
  const session = { ticket: null, at: 0 };
  const batches = mode === 'multiconnect' ? urls.map((u) => [u])
    : (mode === 'resumption' || mode === 'zerortt') ? [urls.slice(0, 1), urls.slice(1)] : [urls];
  let failed = 0;
  for (const [i, batch] of batches.entries()) {
    if (batch.length === 0) continue;
    const early = mode === 'zerortt' && i > 0;
    if (early && session.ticket) await untilTicketAgeFits(session.at);
    failed += await connectAndFetch(quiche, config, transport, server, urls[0].host, batch, session, early);
  }
  socket.close();
  return failed;
}

/** One connection that downloads `batch`; resolves to the number of files not downloaded. */
function connectAndFetch(quiche, config, transport, server, host, batch, session, early) {
  const conn = quiche.Connection.connect(host, crypto.randomBytes(quiche.MAX_CONN_ID_LEN),
    transport.local, server, config);
  const keyFile = keyLog.attach(conn);
  if (session.ticket) safe(() => conn.setSession(session.ticket));
  const pending = batch.map((url, i) => ({
    url, id: 4 * i, fd: null, done: false, request: Buffer.from(`GET /${url.path}\r\n`), written: 0,
  }));
  // 0-RTT: quiche took the server's stream and flow-control limits from the
  // session, so every request is written before the first packet is built
  // and the first flight carries them all in 0-RTT packets (the ClientHello
  // and the early keys come with the first send).
  if (early) sendRequests(conn, pending);
  return new Promise((resolve) => {
    const state = { conn, timer: null, keyFile };
    const buf = Buffer.alloc(65536);
    const canRequest = () => conn.isEstablished() || (early && conn.isInEarlyData());
    state.onEvent = () => {
      if (canRequest()) sendRequests(conn, pending);
      noteTicket(conn, session);
      if (conn.isEstablished()) issueSpareCids(quiche, conn);
      for (const id of conn.readable()) receive(conn, id, pending, buf);
      if (pending.every((p) => p.done) && !state.closing) {
        state.closing = true;
        safe(() => conn.close(true, 0, Buffer.alloc(0)));
      }
      transport.flush(conn, state);
      keyLog.collect(state);
      if (conn.isClosed()) {
        clearTimeout(state.timer);
        transport.socket.off('message', onMessage);
        const missing = pending.filter((p) => !p.done).length;
        log(`connection closed: ${batch.length - missing}/${batch.length} files` +
          (conn.isResumed() ? ', resumed' : '') + (early ? ' (0-RTT attempted)' : '') + closeReason(conn));
        resolve(missing);
      }
    };
    const onMessage = (msg, rinfo) => { transport.recv(conn, msg, rinfo, state); state.onEvent(); };
    transport.socket.on('message', onMessage);
    state.onEvent();  // sends the ClientHello (and with it the 0-RTT requests)
  });
}

/** Why `conn` closed, when it was not by our own NO_ERROR: for the log. */
function closeReason(conn) {
  const describe = (e) => `${e.isApp ? 'application' : 'transport'} error 0x${e.errorCode.toString(16)}` +
    (e.reason?.length ? ` "${Buffer.from(e.reason).toString('latin1').slice(0, 80)}"` : '');
  const peer = safe(() => conn.peerError());
  const local = safe(() => conn.localError());
  if (conn.isTimedOut()) return `; idle timeout after ${Math.round(performance.now())} ms of the process` +
    (conn.isEstablished() ? '' : ', handshake not done');
  if (peer) return `; closed by the peer: ${describe(peer)}`;
  if (local && (local.isApp === false || local.errorCode !== 0)) return `; closed here: ${describe(local)}`;
  return '';
}

/**
 * Keeps the server supplied with spare connection IDs, as many as the
 * limits allow (quiche sends NEW_CONNECTION_ID only for the IDs the
 * application makes, and caps them at the smaller of both sides'
 * active_connection_id_limit). quic-go's server validates a client's new
 * address (a NAT rebinding) only with an unused connection ID to send there
 * and otherwise stays on the old address; it also retires the first ID
 * right after the handshake, so one spare ID is not enough.
 */
function issueSpareCids(quiche, conn) {
  let left = safe(() => conn.sourceCidsLeft()) ?? 0;
  while (left-- > 0) {
    const token = BigInt(`0x${crypto.randomBytes(16).toString('hex')}`);
    if (safe(() => conn.newSourceCid(crypto.randomBytes(quiche.MAX_CONN_ID_LEN), token, false)) == null) break;
  }
}

/** Records a new session ticket from `conn` and when it arrived. */
function noteTicket(conn, session) {
  const ticket = safe(() => conn.session());
  if (ticket == null || (session.ticket != null && Buffer.compare(ticket, session.ticket) === 0)) return;
  session.ticket = ticket;
  session.at = Date.now();
}

/**
 * BoringSSL (quiche's TLS) reports a ticket's age in whole seconds of wall
 * time, (now's second - the ticket's second) * 1000, which exceeds the real
 * age whenever a second boundary was crossed and now's fraction of a second
 * is below the ticket's. GnuTLS (ngtcp2's server) rejects early data whose
 * reported age is above its own ("replay"), and the requests then go again in
 * 1-RTT: 6 of 9 zerortt runs against ngtcp2 before, each exactly one whose
 * second connection crossed a second boundary that way. Waits (< 1 s) until
 * the ClientHello, built a few ms after this, reports no more than the real age.
 */
async function untilTicketAgeFits(at) {
  const fits = (t) => 1000 * (Math.floor(t / 1000) - Math.floor(at / 1000)) <= t - at;
  // The ClientHello is built within ~20 ms; a ticket from the last 20 ms of
  // its second leaves no such window, and then the server's own age, larger
  // by the one-way delay, absorbs the difference.
  const late = at % 1000 > 975;
  const now = Date.now();
  let wait = 0;
  while (!(fits(now + wait) && (late || fits(now + wait + 20))) && wait < 1100) wait += 1;
  if (wait > 0) {
    log(`waiting ${wait} ms so that the ticket age BoringSSL reports is not above the real one`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** Writes what the peer's stream and flow-control limits allow of every request. */
function sendRequests(conn, pending) {
  for (const p of pending) {
    if (p.written === p.request.length) continue;
    const n = safe(() => conn.streamSend(p.id, p.request.subarray(p.written), true));
    if (n == null) return;  // stream limit or flow control: retry on the next event
    p.written += n;
    if (p.written < p.request.length) return;
  }
}

function receive(conn, id, pending, buf) {
  const p = pending.find((q) => q.id === id);
  if (p == null) return;
  let chunk;
  while ((chunk = safe(() => conn.streamRecv(id, buf))) != null) {
    const [n, fin] = chunk;
    if (p.fd == null) {
      const file = path.join('/downloads', p.url.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      p.fd = fs.openSync(file, 'w');
    }
    fs.writeSync(p.fd, buf, 0, n);
    if (fin) {
      fs.closeSync(p.fd);
      p.done = true;
    }
  }
}

function parseUrl(url) {
  const m = /^https:\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?\/(.+)$/.exec(url);
  if (!m || m[3].split('/').includes('..')) throw new Error(`bad URL ${url}`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2] ?? 443), path: m[3] };
}

// ---------------------------------------------------------------- main

const role = process.env.ROLE ?? '';
const testcase = process.env.TESTCASE ?? '';
const mode = MODES[testcase] ?? (role === 'server' ? SERVER_ONLY[testcase] : undefined);
if (mode == null) {
  log(`unsupported TESTCASE '${testcase}'`);
  process.exit(127);
}
const quiche = (await import(binding)).default;
try {
  if (role === 'server') {
    await runServer(quiche, mode);
  } else if (role === 'client') {
    const failed = await runClient(quiche, mode);
    process.exit(failed === 0 ? 0 : 1);
  } else {
    throw new Error(`unknown ROLE '${role}'`);
  }
} catch (e) {
  log(e.stack ?? String(e));
  process.exit(1);
}
