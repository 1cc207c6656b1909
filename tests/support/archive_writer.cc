#include "support/archive_writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdlib>
#include <memory>

namespace tokensweep::testing {
namespace {

la_ssize_t append(archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

void check(int rc, archive* a) {
  if (rc < ARCHIVE_WARN) {
    std::fprintf(stderr, "libarchive: %s\n", archive_error_string(a));
    std::abort();
  }
}

}  // namespace

std::string make_archive(ArchiveFormat format, Compression compression, const Members& members) {
  std::string out;
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  switch (compression) {
    case Compression::kNone: break;
    case Compression::kGzip: check(archive_write_add_filter_gzip(a.get()), a.get()); break;
    case Compression::kZstd: check(archive_write_add_filter_zstd(a.get()), a.get()); break;
    case Compression::kXz: check(archive_write_add_filter_xz(a.get()), a.get()); break;
    case Compression::kBzip2: check(archive_write_add_filter_bzip2(a.get()), a.get()); break;
  }
  switch (format) {
    case ArchiveFormat::kTar: check(archive_write_set_format_pax_restricted(a.get()), a.get()); break;
    case ArchiveFormat::kZip: check(archive_write_set_format_zip(a.get()), a.get()); break;
    case ArchiveFormat::kRaw: check(archive_write_set_format_raw(a.get()), a.get()); break;
  }
  archive_write_set_bytes_in_last_block(a.get(), 1);  // no padding after the data
  check(archive_write_open(a.get(), &out, nullptr, append, nullptr), a.get());
  for (const auto& [name, content] : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(content.size()));
    check(archive_write_header(a.get(), e.get()), a.get());
    if (!content.empty()) {
      const la_ssize_t n = archive_write_data(a.get(), content.data(), content.size());
      if (n < 0) check(ARCHIVE_FATAL, a.get());
    }
  }
  check(archive_write_close(a.get()), a.get());
  return out;
}

}  // namespace tokensweep::testing
