// Archives and compressed streams through libarchive: tar, zip, 7z, cpio and the gzip,
// zstd, bzip2 and xz filters, in any combination, recognised by content, not by name.
// Members are streamed: nothing is held whole in memory, and caps on the expansion ratio
// and on the bytes produced stop a bomb early with an error that says which cap bit.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_source.h"
#include "common/result.h"

namespace tokensweep::decode {

// True when `head` (the first bytes of a stream, 512 or more when available) starts like
// an archive or compressed stream this module reads.
bool looks_like_archive(std::string_view head);

struct ArchiveLimits {
  uint64_t max_ratio = 250;               // bytes produced per compressed byte read, past 1 MiB
  uint64_t max_output = 16ULL << 30;      // bytes produced in total
};

struct ArchiveMember {
  std::string name;                    // "" for a bare compressed stream (x.gz)
  std::vector<std::string> decoders;   // this level's chain: {"gzip", "tar"}, {"zip"}, {"zstd"}
};

// Reads the archive in `input` (whose first bytes are `head`); for each regular member
// calls `on_member` with a source of its bytes, valid during the call. A compressed
// stream is one member, its decompressed bytes (a .tar.gz is two levels: gzip, then tar).
// A member that `on_member` does not read to the end is skipped past. A member that
// cannot be read whole (corrupt, truncated, over a cap) fails its own reads — its reader
// reports that — and ends the walk. Fails (naming nothing: the caller knows the path)
// when the archive itself is malformed; members before that were delivered.
Status read_archive(std::string_view head, ByteSource& input, const ArchiveLimits& limits,
                    const std::function<void(const ArchiveMember&, ByteSource&)>& on_member);

}  // namespace tokensweep::decode
