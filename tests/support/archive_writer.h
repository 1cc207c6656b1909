// Builds archives and compressed streams in memory with libarchive, for tests that need
// fixtures: tar, zip, gzip/zstd/xz/bzip2-filtered tar, and bare compressed streams.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tokensweep::testing {

enum class ArchiveFormat { kTar, kZip, kRaw };  // kRaw: one bare compressed stream
enum class Compression { kNone, kGzip, kZstd, kXz, kBzip2 };

using Members = std::vector<std::pair<std::string, std::string>>;  // name, content

// An archive of `members` (kRaw takes exactly one, whose name is ignored).
std::string make_archive(ArchiveFormat format, Compression compression, const Members& members);

}  // namespace tokensweep::testing
