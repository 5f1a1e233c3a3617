// Helpers shared by qir's subcommands: comma lists, locating the built-in
// implementations file, one-line errors.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "runner/implementations.h"
#include "util/result.h"

namespace qir::cli {

/// "a,b,,c" → {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& text);

/// Absolute path of the running qir executable.
std::string SelfPath();

/// The built-in implementations file: $QIR_IMPLEMENTATIONS, else
/// <qir executable>/../implementations/implementations.json, else the source tree's.
std::string DefaultImplementationsFile();

/// Built-in implementations plus each of `extra_files` (later files override earlier names).
Result<std::vector<runner::Implementation>> LoadAllImplementations(const std::vector<std::string>& extra_files);

/// Parses the arguments into `app`. False when the command should stop at once, with
/// `*exit_code` 0 after --help and 2 after a usage error (CLI11 has printed it).
bool ParseArgs(CLI::App& app, int argc, char** argv, int* exit_code);

/// Prints "qir <command>: <message>" to stderr and returns 2 (usage/config error).
int UsageError(const std::string& command, const std::string& message);

}  // namespace qir::cli
