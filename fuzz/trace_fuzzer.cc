// libFuzzer target for the trace reader: the first input byte picks what the
// rest is fed to — a capture file through the whole analyzer (pcap/pcapng →
// IP/UDP → QUIC headers → decryption with a fixed key log → frames → TLS), the
// NSS key log parser (RFC 9850), the frame decoder (RFC 9000 §19), or the TLS
// message decoders (RFC 8446 §4). Any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "trace/capture.h"
#include "trace/frames.h"
#include "trace/keylog.h"
#include "trace/tls.h"
#include "trace/trace.h"

namespace {

// The key log of tests/fixtures/analyze/chacha20_quic-go.pcap, so the corpus captures decrypt.
constexpr std::string_view kKeyLog =
#include "fuzz_keylog.inc"
    ;

const qir::trace::KeyLog& FixedKeyLog() {
  static const qir::trace::KeyLog log = qir::trace::ParseKeyLog(kKeyLog).value();
  return log;
}

void FuzzCapture(std::span<const uint8_t> data) {
  qir::Result<qir::trace::LenientCapture> capture = qir::trace::ReadCaptureLenient(data);
  if (!capture.ok()) return;
  qir::Result<qir::trace::Trace> trace =
      qir::trace::BuildTrace(capture->packets, qir::trace::QirEndpoints());
  if (trace.ok()) qir::trace::AnalyzeTrace(capture->packets, &FixedKeyLog(), *trace);
}

void FuzzTls(std::span<const uint8_t> data) {
  qir::trace::CryptoStream stream;
  (void)stream.Add(0, data);
  for (const qir::trace::TlsMessage& m : stream.TakeMessages()) {
    (void)qir::trace::ParseClientHello(m.body);
    (void)qir::trace::ParseServerHello(m.body);
    (void)qir::trace::ParseEncryptedExtensions(m.body);
    (void)qir::trace::ParseCertificate(m.body);
  }
  (void)qir::trace::ParseTransportParameters(data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> data(bytes + 1, size - 1);
  switch (bytes[0] % 4) {
    case 0:
      FuzzCapture(data);
      break;
    case 1:
      (void)qir::trace::ParseKeyLog(
          std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
      break;
    case 2:
      (void)qir::trace::ParseFrames(data);
      break;
    default:
      FuzzTls(data);
      break;
  }
  return 0;
}
