// The HTML report's inline style sheet and script: written here, no framework, no network, so
// the page works from file:// and from a CI artifact.
#pragma once

namespace qir::report {

/// The report's CSS (badge colours follow the reference's site: green, grey, red; yellow for ‽).
extern const char* const kHtmlStyle;

/// The report's JavaScript: filter buttons (server, client, test, verdict) kept in the URL's
/// hash as "s=a,b&c=x&t=handshake&v=failed", and the details view of the cell in "cell=N".
/// Elements carrying data-s / data-c / data-t / data-v are hidden when their value is filtered
/// out; the details view copies row "cell-N" of the cells table.
extern const char* const kHtmlScript;

}  // namespace qir::report
