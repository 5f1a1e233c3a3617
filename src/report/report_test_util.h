// A small, varied run shared by the report tests: two servers × two clients, four tests, every
// outcome, one pair never run.
#pragma once

#include "results/results.h"

namespace qir::report {

/// Servers quic-go, ngtcp2; clients quic-go, picoquic; tests H, DC, S, Z. Cells:
/// quic-go×quic-go: H DC ✓, S ?, Z ✕ (failed); ngtcp2×quic-go: H ✓, DC timeout;
/// quic-go×picoquic: nothing; ngtcp2×picoquic: H error, DC ✓.
inline results::RunResults SampleRun() {
  using results::Outcome;
  results::RunResults run;
  run.start_time = 1764355200.25;
  run.end_time = 1764355800.5;
  run.log_dir = "logs_2025-11-28T18:40:00";
  run.seed = 12345678901234ull;
  run.servers = {"quic-go", "ngtcp2"};
  run.clients = {"quic-go", "picoquic"};
  run.urls = {{"quic-go", "https://github.com/quic-go/quic-go"},
              {"ngtcp2", "https://github.com/ngtcp2/ngtcp2"}};
  run.tests = {{.name = "handshake", .abbr = "H", .desc = "Handshake completes."},
               {.name = "transfer", .abbr = "DC", .desc = "Stream data is transferred."},
               {.name = "retry", .abbr = "S", .desc = "Server sends a Retry."},
               {.name = "zerortt", .abbr = "Z", .desc = "0-RTT data is sent."}};
  auto add = [&](const char* server, const char* client, const char* test, Outcome outcome,
                 const char* reason) {
    run.cells.push_back({.server = server,
                         .client = client,
                         .test = test,
                         .outcome = outcome,
                         .reason = reason,
                         .duration_s = 1.5,
                         .log_dir = std::string(server) + "_" + client + "/" + test});
  };
  // Deliberately not in test order: reporters must order by RunResults::tests.
  add("quic-go", "quic-go", "zerortt", Outcome::kFailed, "no 0-RTT packets in the client trace");
  add("quic-go", "quic-go", "handshake", Outcome::kSucceeded, "");
  add("quic-go", "quic-go", "transfer", Outcome::kSucceeded, "");
  add("quic-go", "quic-go", "retry", Outcome::kUnsupported, "server exited with 127");
  add("ngtcp2", "quic-go", "handshake", Outcome::kSucceeded, "");
  add("ngtcp2", "quic-go", "transfer", Outcome::kTimeout, "deadline of 60 s passed");
  add("ngtcp2", "picoquic", "handshake", Outcome::kError, "netns setup failed");
  add("ngtcp2", "picoquic", "transfer", Outcome::kSucceeded, "");
  return run;
}

/// SampleRun with quic-go × quic-go zerortt rewritten by the auto-unsupported rule (was failed).
inline results::RunResults SampleRunWithAutoUnsupported() {
  results::RunResults run = SampleRun();
  results::CellResult& z = run.cells[0];
  z.original_outcome = z.outcome;
  z.outcome = results::Outcome::kUnsupported;
  z.reason = "auto-unsupported: client quic-go did not succeed against any server; was failed: " +
             z.reason;
  return run;
}

/// Adds a goodput measurement: ngtcp2 × quic-go succeeded with "9559 (± 120) kbps".
inline results::RunResults WithGoodput(results::RunResults run) {
  run.measurement_tests = {{.name = "goodput", .abbr = "G", .desc = "Goodput."}};
  run.measurements = {{.server = "ngtcp2",
                       .client = "quic-go",
                       .test = "goodput",
                       .outcome = results::Outcome::kSucceeded,
                       .details = "9559 (± 120) kbps",
                       .mean_kbps = 9559,
                       .stddev_kbps = 120,
                       .link_kbps = 10000}};
  return run;
}

}  // namespace qir::report
