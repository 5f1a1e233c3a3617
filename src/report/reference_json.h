// The reference's result.json (interop-runner-facts.md §3 "JSON (-j) / result.json"), written
// and read back. qir adds keys the reference readers ignore: per cell reason, outcome,
// duration_s and log_dir, and a top-level "qir" object.
#pragma once

#include <nlohmann/json.hpp>

#include "results/results.h"
#include "util/result.h"

namespace qir::report {

/// Version of qir's additions to the layout, written as "qir": {"format": kQirJsonFormat}.
inline constexpr int kQirJsonFormat = 1;

/// The run in the reference's result.json layout (docs/result.schema.json), keys in this order:
/// start_time, end_time, log_dir, servers, clients, urls, tests {abbr: {name, desc}} (tests, then
/// measurements, in run order), quic_version "0x1", results (client-major list of server lists
/// of {abbr, name, result} in test order, plus qir's reason, outcome, duration_s, log_dir, and
/// auto_unsupported + original_outcome on cells the auto-unsupported rule rewrote),
/// measurements (same shape: {name, abbr, result, details, outcome}) and "qir": {seed, format,
/// test_order, noncompliant, and when the run has a plan record: plan {fingerprint, qir_version,
/// must_include, no_auto_unsupported, cells, missing_shards?, missing_cells?} and shard {index,
/// count, cells: [[server, client, test], ...]}}. A cell never run is absent from its list; cells whose server,
/// client or test is not listed in `run` are not written.
nlohmann::ordered_json ToReferenceJson(const results::RunResults& run);

/// The inverse of ToReferenceJson; also reads plain reference files (outcome from "result",
/// null results skipped, log_dir defaulting to "<server>_<client>/<test>" for succeeded and
/// failed cells, seed 0, test order as the result lists show it, original_outcome from an
/// auto-unsupported reason). Tests named in "measurements" go to measurement_tests.
/// Errors: kParse with the JSON pointer of the offending value in `arg`. Never throws.
Result<results::RunResults> FromReferenceJson(const nlohmann::json& json);

}  // namespace qir::report
