// The measurements after the test matrix, in the terminal and in Markdown: one
// row per pair and measurement with the reference's details string ("9559 (±
// 120) kbps"), the link utilisation, qir's mean CPU seconds per MiB of each endpoint, or the status
// and reason of the repetition that ended the series.
#pragma once

#include <string>

#include "results/results.h"

namespace qir::report {

/// Goodput as a share of the bottleneck: "93 % of 10 Mbit/s"; "-" when the series did not
/// succeed or the rate is unknown.
std::string LinkUtilisation(const results::MeasurementResult& m);

/// Aligned plain-text rows under "Measurements:"; "" when the run had none. Ends with a newline.
std::string TerminalMeasurements(const results::RunResults& run);

/// A GitHub-flavoured Markdown table; "" when the run had none.
std::string MarkdownMeasurements(const results::RunResults& run);

}  // namespace qir::report
