// An on-disk cache of compiled Hyperscan databases, so that a run on a small file starts
// in milliseconds instead of paying the rule set's compile (seconds for large repeats).
//
// The key is the SHA-256 of everything the compiled bytes depend on: the cache format,
// the Hyperscan version, the CPU platform Hyperscan tunes for, and every rule's pattern
// and flags in order. Entries are written to a temporary file and renamed into place,
// so concurrent runs never read a half-written entry; an unreadable, corrupt or foreign
// entry is ignored and rewritten. Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct hs_database;

namespace tokensweep::engine {

struct CachedRule {
  bool prefilter = false;
  uint32_t max_width = 0;
};

struct CachedDatabase {
  std::vector<CachedRule> rules;
  hs_database* database = nullptr;  // owned by the caller once returned
};

class DatabaseCache {
 public:
  // `dir` empty: the default, $TOKENSWEEP_CACHE_DIR, else $XDG_CACHE_HOME/tokensweep, else
  // $HOME/.cache/tokensweep. The directory is created on first store.
  explicit DatabaseCache(std::string dir = {});

  static std::string key(const std::vector<std::string>& patterns, unsigned base_flags);

  std::optional<CachedDatabase> load(const std::string& key, std::size_t rule_count) const;
  // Best effort: a cache that cannot be written only costs the next run a compile.
  bool store(const std::string& key, const std::vector<CachedRule>& rules, const hs_database* db) const;

  const std::string& dir() const { return dir_; }

 private:
  static constexpr std::size_t kMaxEntries = 16;
  std::string path_for(const std::string& key) const;
  void evict() const;
  std::string dir_;
};

}  // namespace tokensweep::engine
