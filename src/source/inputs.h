// Turning the PATH arguments of `scan` into a list of inputs: files, directories walked
// recursively, and '-' for stdin. Problems (unreadable directories, FIFOs met while
// walking, vanished entries) become diagnostics; the walk goes on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/diagnostic.h"

namespace tokensweep::source {

enum class InputType {
  kFile,    // a regular file: size known, read in blocks
  kStream,  // stdin, or a FIFO named on the command line (`scan <(cmd)`): read to EOF
  kMemory,  // bytes already read (a git blob): `data`
  kImageLayout,  // a directory holding an OCI image layout (an `oci-layout` file): one image
};

struct Input {
  std::string path;      // as reported in findings; "<stdin>" for '-'
  std::string open_path; // what to open; "-" for stdin
  InputType type = InputType::kFile;
  uint64_t size = 0;     // for kFile, at walk time
  std::shared_ptr<const std::string> data;  // for kMemory
  // Copied into the `source` of each finding in this input (git: commit, author, date).
  std::vector<std::pair<std::string, std::string>> source;
};

struct WalkOptions {
  bool follow_symlinks = false;  // symlinks met while walking (named ones are always followed)
  // Path allowlist (source/path_glob.h), matched against each walked path relative to
  // the root it was found under; a matching directory is not descended into. A root
  // named on the command line is matched as given.
  std::vector<std::string> exclude{};
};

struct WalkStats {
  uint64_t excluded = 0;  // files and directories left out by WalkOptions::exclude
};

// Hands each input named by `roots` to `emit` as soon as the walk meets it, in a
// deterministic order (each directory sorted): a scan can start on the first files while
// the walk goes on.
void collect_inputs(const std::vector<std::string>& roots, const WalkOptions& options,
                    const std::function<void(Input)>& emit, std::vector<Diagnostic>& diagnostics,
                    WalkStats* stats = nullptr);

// The same, appended to `inputs`.
void collect_inputs(const std::vector<std::string>& roots, const WalkOptions& options,
                    std::vector<Input>& inputs, std::vector<Diagnostic>& diagnostics,
                    WalkStats* stats = nullptr);

}  // namespace tokensweep::source
