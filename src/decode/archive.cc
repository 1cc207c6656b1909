// The one file that calls libarchive.
#include "decode/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace tokensweep::decode {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr const char* kStopped = "; the rest of this archive was not read";
constexpr uint64_t kRatioGrace = 1 << 20;  // the ratio cap applies past the first MiB

// libarchive pulls bytes through this callback from our ByteSource.
struct Feed {
  ByteSource* input;
  std::vector<char> buffer = std::vector<char>(kReadChunk);
  uint64_t consumed = 0;
  std::string error;
};

la_ssize_t feed_read(archive* a, void* client, const void** out) {
  auto* feed = static_cast<Feed*>(client);
  auto n = feed->input->read(feed->buffer.data(), feed->buffer.size());
  if (!n) {
    feed->error = n.error().message;
    archive_set_error(a, EIO, "%s", feed->error.c_str());
    return -1;
  }
  feed->consumed += n.value();
  *out = feed->buffer.data();
  return static_cast<la_ssize_t>(n.value());
}

// A member's bytes, decompressed on demand, with the caps checked as they are produced.
class MemberSource : public ByteSource {
 public:
  MemberSource(archive* a, const Feed& feed, const ArchiveLimits& limits, uint64_t& produced)
      : a_(a), feed_(feed), limits_(limits), produced_(produced) {}

  Result<std::size_t> read(char* buf, std::size_t n) override {
    if (!error_.empty()) return make_error(failure_code_, error_);
    // Small reads: when the data turns out truncated or corrupt, what came before the
    // bad spot has already been handed out.
    const la_ssize_t r = archive_read_data(a_, buf, std::min(n, kReadChunk));
    if (r < 0) {
      const char* why = archive_error_string(a_);
      error_ = std::string(why ? why : "cannot read member") + kStopped;
      failure_code_ = ErrorCode::kMalformed;
      return make_error(failure_code_, error_);
    }
    produced_ += static_cast<uint64_t>(r);
    if (produced_ > limits_.max_output) {
      return fail("decompressed output passed " + std::to_string(limits_.max_output >> 20) + " MiB");
    }
    if (produced_ > kRatioGrace && produced_ > limits_.max_ratio * std::max<uint64_t>(feed_.consumed, 1)) {
      return fail("expansion ratio passed " + std::to_string(limits_.max_ratio) + ":1 (a compression bomb?)");
    }
    return static_cast<std::size_t>(r);
  }

  bool failed() const { return !error_.empty(); }

 private:
  Result<std::size_t> fail(std::string message) {
    error_ = std::move(message) + kStopped;
    failure_code_ = ErrorCode::kLimit;
    return make_error(failure_code_, error_);
  }

  archive* a_;
  const Feed& feed_;
  const ArchiveLimits& limits_;
  uint64_t& produced_;
  std::string error_;
  ErrorCode failure_code_ = ErrorCode::kMalformed;
};

std::string filter_name(archive* a, int i) {
  const char* name = archive_filter_name(a, i);
  return name ? name : "?";
}

// "gzip" for libarchive's "gzip"; "zstd"; "bzip2"; "xz"; the format as "tar", "zip", ...
std::vector<std::string> chain_of(archive* a) {
  std::vector<std::string> chain;
  // Filters are numbered from the outermost-to-the-format (0) outwards; list them outermost first.
  const int filters = archive_filter_count(a);
  for (int i = filters - 1; i >= 0; --i) {
    if (archive_filter_code(a, i) == ARCHIVE_FILTER_NONE) continue;
    chain.push_back(filter_name(a, i));
  }
  const int format = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
  switch (format) {
    case ARCHIVE_FORMAT_RAW: break;  // a bare compressed stream: the filters say it all
    case ARCHIVE_FORMAT_TAR: chain.emplace_back("tar"); break;
    case ARCHIVE_FORMAT_ZIP: chain.emplace_back("zip"); break;
    case ARCHIVE_FORMAT_7ZIP: chain.emplace_back("7z"); break;
    case ARCHIVE_FORMAT_CPIO: chain.emplace_back("cpio"); break;
    case ARCHIVE_FORMAT_AR: chain.emplace_back("ar"); break;
    default: chain.emplace_back(archive_format_name(a) ? archive_format_name(a) : "archive");
  }
  return chain;
}

}  // namespace

namespace {

bool starts_with(std::string_view h, std::string_view magic) { return h.substr(0, magic.size()) == magic; }

bool is_compressed_stream(std::string_view h) {
  return starts_with(h, "\x1f\x8b") ||                                // gzip
         starts_with(h, std::string_view("\x28\xb5\x2f\xfd", 4)) ||    // zstd
         starts_with(h, "BZh") ||                                      // bzip2
         starts_with(h, std::string_view("\xfd" "7zXZ\x00", 6));      // xz
}

}  // namespace

bool looks_like_archive(std::string_view h) {
  return is_compressed_stream(h) ||
         starts_with(h, std::string_view("PK\x03\x04", 4)) ||          // zip
         starts_with(h, std::string_view("PK\x05\x06", 4)) ||          // empty zip
         starts_with(h, std::string_view("7z\xbc\xaf\x27\x1c", 6)) ||  // 7z
         (h.size() >= 262 && h.substr(257, 5) == "ustar");             // tar
}

Status read_archive(std::string_view head, ByteSource& input, const ArchiveLimits& limits,
                    const std::function<void(const ArchiveMember&, ByteSource&)>& on_member) {
  ArchivePtr a(archive_read_new());
  if (!a) return make_error(ErrorCode::kInternal, "libarchive: out of memory");
  archive_read_support_filter_all(a.get());
  if (is_compressed_stream(head)) {
    // One level at a time: the decompressed stream is one member, which is looked at
    // again (a tar inside). Reading it as tar here would let a stream of zeros pass as an
    // empty tar and hide the bomb.
    archive_read_support_format_raw(a.get());
  } else {
    archive_read_support_format_all(a.get());
  }
  Feed feed;
  feed.input = &input;
  if (archive_read_open(a.get(), &feed, nullptr, feed_read, nullptr) != ARCHIVE_OK) {
    return make_error(ErrorCode::kMalformed, std::string("not a readable archive: ") +
                                                 (archive_error_string(a.get()) ? archive_error_string(a.get()) : "?"));
  }
  uint64_t produced = 0;
  while (true) {
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) return Status::ok();
    if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY) {
      const char* why = archive_error_string(a.get());
      return make_error(ErrorCode::kMalformed, std::string("malformed archive: ") + (why ? why : "?"));
    }
    // ARCHIVE_WARN: the header is usable (an odd extension, a bad checksum in one field).
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    ArchiveMember member;
    member.decoders = chain_of(a.get());
    if ((archive_format(a.get()) & ARCHIVE_FORMAT_BASE_MASK) != ARCHIVE_FORMAT_RAW) {
      const char* name = archive_entry_pathname(entry);
      member.name = name ? name : "?";
    }
    MemberSource source(a.get(), feed, limits, produced);
    on_member(member, source);
    // The reader of the member saw the failure and reports it under the member's path;
    // after it libarchive's state is not to be trusted, so the walk ends here.
    if (source.failed()) return Status::ok();
  }
}

}  // namespace tokensweep::decode
