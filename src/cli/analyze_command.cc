// `qir analyze FILE`: per-packet QUIC summary of a capture (placeholder until
// the analyzer lands: prints the plaintext headers).
#include <cstdio>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "trace/trace.h"

namespace qir::cli {

int AnalyzeCommand(int argc, char** argv) {
  if (argc != 2) return UsageError("analyze", "usage: qir analyze FILE.pcap");
  Result<trace::Trace> t = trace::LoadTrace(argv[1]);
  if (!t.ok()) {
    std::fprintf(stderr, "qir analyze: %s\n", t.error().Text().c_str());
    return 1;
  }
  for (const trace::Packet& p : t->packets) {
    std::printf("%s", fmt::format("{:6} {} {}\n", p.frame_index, trace::DirectionName(p.direction),
                                  trace::PacketTypeName(p.header.type)).c_str());
  }
  return 0;
}

}  // namespace qir::cli
