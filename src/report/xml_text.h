// Text and attribute escaping for the XML and HTML reports: the five markup characters become
// entities, and characters XML 1.0 forbids (C0 controls other than tab, newline and carriage
// return) become U+FFFD, so an endpoint's odd output cannot break a report.
#pragma once

#include <string>
#include <string_view>

namespace qir::report {

/// `text` safe inside an element or a quoted attribute of XML or HTML.
std::string XmlEscape(std::string_view text);

}  // namespace qir::report
