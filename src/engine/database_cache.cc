#include "engine/database_cache.h"

#include <fcntl.h>
#include <hs/hs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

#include "common/sha256.h"

namespace tokensweep::engine {
namespace {

constexpr char kMagic[8] = {'T', 'S', 'H', 'S', 'D', 'B', '0', '1'};

std::string default_dir() {
  if (const char* d = std::getenv("TOKENSWEEP_CACHE_DIR"); d != nullptr && *d != '\0') return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x == '/') return std::string(x) + "/tokensweep";
  if (const char* h = std::getenv("HOME"); h != nullptr && *h == '/') return std::string(h) + "/.cache/tokensweep";
  return {};
}

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// The whole of a regular file in one exact-size buffer, or nothing. One read, no stream
// buffers and no zero-filling: the entry is about a megabyte per hundred rules, and a
// start-up with a warm cache should touch each of its bytes once before Hyperscan copies it.
struct FileBytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::string_view view() const { return {data.get(), size}; }
};

std::optional<FileBytes> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<FileBytes> out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    FileBytes bytes{std::make_unique_for_overwrite<char[]>(static_cast<std::size_t>(st.st_size)),
                    static_cast<std::size_t>(st.st_size)};
    std::size_t got = 0;
    while (got < bytes.size) {
      const ssize_t n = ::read(fd, bytes.data.get() + got, bytes.size - got);
      if (n > 0) got += static_cast<std::size_t>(n);
      else if (n == 0 || errno != EINTR) break;
    }
    // A file that changed size under us is not the entry we looked at: ignore it.
    if (got == bytes.size) out = std::move(bytes);
  }
  ::close(fd);
  return out;
}

template <typename T>
bool get(std::string_view& in, T& value) {
  if (in.size() < sizeof value) return false;
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return true;
}

}  // namespace

DatabaseCache::DatabaseCache(std::string dir) : dir_(dir.empty() ? default_dir() : std::move(dir)) {}

std::string DatabaseCache::key(const std::vector<std::string>& patterns, unsigned base_flags) {
  std::string material(kMagic, sizeof kMagic);
  material += hs_version();
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) == HS_SUCCESS) {
    put(material, platform.tune);
    put(material, platform.cpu_features);
  }
  put(material, base_flags);
  for (const auto& p : patterns) {
    put(material, static_cast<uint64_t>(p.size()));
    material += p;
  }
  // common/sha256 computes the digest without EVP, whose first use (provider load, method
  // store) cost 1.5-5 ms: a tenth of a warm start-up, only to name the cache entry.
  return sha256_hex(material);
}

std::string DatabaseCache::path_for(const std::string& key) const { return dir_ + "/hsdb-" + key + ".bin"; }

std::optional<CachedDatabase> DatabaseCache::load(const std::string& key, std::size_t rule_count) const {
  if (dir_.empty()) return std::nullopt;
  const std::optional<FileBytes> bytes = read_file(path_for(key));
  if (!bytes) return std::nullopt;
  std::string_view view = bytes->view();

  if (view.substr(0, sizeof kMagic) != std::string_view(kMagic, sizeof kMagic)) return std::nullopt;
  view.remove_prefix(sizeof kMagic);
  uint64_t count = 0;
  if (!get(view, count) || count != rule_count) return std::nullopt;
  CachedDatabase out;
  out.rules.resize(rule_count);
  for (auto& r : out.rules) {
    uint8_t prefilter = 0;
    if (!get(view, prefilter) || !get(view, r.max_width)) return std::nullopt;
    r.prefilter = prefilter != 0;
  }
  uint64_t db_size = 0;
  if (!get(view, db_size) || db_size != view.size()) return std::nullopt;
  hs_database_t* db = nullptr;
  // hs_deserialize_database checks the bytes' own version and platform and fails on a mismatch.
  if (hs_deserialize_database(view.data(), view.size(), &db) != HS_SUCCESS) return std::nullopt;
  out.database = db;
  return out;
}

bool DatabaseCache::store(const std::string& key, const std::vector<CachedRule>& rules, const hs_database* db) const {
  if (dir_.empty()) return false;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  char* raw = nullptr;
  size_t raw_size = 0;
  if (hs_serialize_database(db, &raw, &raw_size) != HS_SUCCESS) return false;
  std::string bytes(kMagic, sizeof kMagic);
  put(bytes, static_cast<uint64_t>(rules.size()));
  for (const auto& r : rules) {
    put(bytes, static_cast<uint8_t>(r.prefilter ? 1 : 0));
    put(bytes, r.max_width);
  }
  put(bytes, static_cast<uint64_t>(raw_size));
  bytes.append(raw, raw_size);
  std::free(raw);  // hs_serialize_database uses the misc allocator, malloc by default

  // Write beside the target, then rename: readers see the old entry or the whole new one.
  std::string tmp = dir_ + "/.hsdb-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return false;
  bool ok = true;
  for (std::size_t off = 0; ok && off < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n > 0) off += static_cast<std::size_t>(n);
    else ok = n < 0 && errno == EINTR;
  }
  ok = ::fchmod(fd, 0644) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (ok) ok = ::rename(tmp.c_str(), path_for(key).c_str()) == 0;
  if (!ok) ::unlink(tmp.c_str());
  evict();
  return ok;
}

void DatabaseCache::evict() const {
  // Each distinct rule set leaves one entry; keep the most recently written ones.
  std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> entries;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("hsdb-", 0) != 0) continue;
    std::error_code tec;
    const auto when = it->last_write_time(tec);
    if (!tec) entries.emplace_back(when, it->path());
  }
  if (entries.size() <= kMaxEntries) return;
  std::sort(entries.begin(), entries.end());
  for (std::size_t i = 0; i + kMaxEntries < entries.size(); ++i) std::filesystem::remove(entries[i].second, ec);
}

}  // namespace tokensweep::engine
