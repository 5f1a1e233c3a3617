// Expected-pass files (expectations.h).
#include "report/expectations.h"

#include <cerrno>
#include <cstring>

#include "report/matrix_cells.h"
#include "util/temp_file.h"

namespace qir::report {
namespace {

std::vector<std::string> Fields(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r') {
      if (!field.empty()) fields.push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty()) fields.push_back(std::move(field));
  return fields;
}

bool Matches(const ExpectRule& rule, const std::string& server, const std::string& client,
             const std::string& test) {
  return WildcardMatch(rule.server, server) && WildcardMatch(rule.client, client) &&
         WildcardMatch(rule.test, test);
}

/// "failed: why", "timed out: why", "is unsupported (...)", for an unmet expectation.
std::string WhatHappened(const results::CellResult* cell) {
  if (cell == nullptr) return "did not run";
  const std::string why = cell->reason.empty() ? "" : ": " + OneLine(cell->reason);
  switch (cell->outcome) {
    case results::Outcome::kFailed:
      return "failed" + why;
    case results::Outcome::kTimeout:
      return "timed out" + why;
    case results::Outcome::kError:
      return "could not be run" + why;
    case results::Outcome::kCrashed:
      return "crashed" + why;
    case results::Outcome::kUnsupported:
      return "was unsupported" + why;
    case results::Outcome::kSucceeded:
      break;
  }
  return "succeeded";
}

}  // namespace

Result<std::vector<ExpectRule>> ParseExpectations(std::string_view text, const std::string& file) {
  std::vector<ExpectRule> rules;
  int number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    const std::string_view content = line.substr(0, line.find('#'));
    std::vector<std::string> fields = Fields(content);
    if (fields.empty()) continue;
    if (fields.size() != 3) {
      return Fail(Error::kParse,
                  file + ":" + std::to_string(number) +
                      ": expected three fields 'server client test', got " +
                      std::to_string(fields.size()),
                  OneLine(line));
    }
    rules.push_back({.server = fields[0], .client = fields[1], .test = fields[2], .line = number});
  }
  return rules;
}

Result<std::vector<ExpectRule>> LoadExpectations(const std::string& path) {
  std::optional<std::string> text = util::ReadFileText(path);
  if (!text) return Fail(Error::kNotFound, "cannot read " + path + ": " + std::strerror(errno));
  return ParseExpectations(*text, path);
}

bool WildcardMatch(std::string_view pattern, std::string_view name) {
  // Greedy with one backtrack point, the classic linear-time '*'-only glob.
  size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string ExpectationsFrom(const results::RunResults& run, const std::string& source) {
  std::string body;
  int count = 0;
  for (const std::string& client : run.clients) {
    for (const std::string& server : run.servers) {
      for (const results::TestInfo& test : run.tests) {
        const results::CellResult* cell = run.Find(server, client, test.name);
        if (cell == nullptr || cell->outcome != results::Outcome::kSucceeded) continue;
        body += server + " " + client + " " + test.name + "\n";
        ++count;
      }
    }
  }
  return "# qir expected-pass file: cells that must succeed, one per line: server client test\n"
         "# ('*' in a field matches any name; '#' starts a comment). Check with\n"
         "# qir run --expect FILE or qir expect --check FILE result.json.\n"
         "# From " +
         OneLine(source) + ": " + std::to_string(count) + " succeeded cell(s).\n" + body;
}

std::string UnmetExpectation::Message() const {
  return server + " × " + client + " " + test + " was expected to succeed but " +
         WhatHappened(cell) + " (rule at line " + std::to_string(line) + ")";
}

ExpectationReport CheckExpectations(const std::vector<ExpectRule>& rules,
                                    const results::RunResults& run) {
  ExpectationReport report;
  std::vector<bool> used(rules.size(), false);
  const CellIndex index(run);
  for (const std::string& client : run.clients) {
    for (const std::string& server : run.servers) {
      for (const results::TestInfo& test : run.tests) {
        int line = 0;
        for (size_t i = 0; i < rules.size(); ++i) {
          if (!Matches(rules[i], server, client, test.name)) continue;
          if (line == 0) line = rules[i].line;
          used[i] = true;
        }
        if (line == 0) continue;
        ++report.expected;
        const results::CellResult* cell = index.Find(server, client, test.name);
        if (cell != nullptr && cell->outcome == results::Outcome::kSucceeded) continue;
        report.unmet.push_back(
            {.server = server, .client = client, .test = test.name, .cell = cell, .line = line});
      }
    }
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!used[i]) report.unused_lines.push_back(rules[i].line);
  }
  return report;
}

}  // namespace qir::report
