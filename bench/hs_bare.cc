// The ceiling: Hyperscan alone over a file with the built-in rules' patterns (the same
// flags the engine uses), a callback that only counts, reads of BLOCK bytes (the pipeline's
// block size unless given). `hs_bare FILE [BLOCK]` prints the seconds the reading and
// scanning took (not the compile) and the hit count.
#include <fcntl.h>
#include <hs/hs.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "corpus.h"
#include "engine/engine.h"
#include "pipeline/scan.h"
#include "rules/loader.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: hs_bare FILE [BLOCK_BYTES]\n");
    return 2;
  }
  std::size_t block = tokensweep::pipeline::kDefaultBlockSize;
  if (argc == 3) {
    const char* end = argv[2] + std::strlen(argv[2]);
    const auto [ptr, ec] = std::from_chars(argv[2], end, block);
    if (ec != std::errc() || ptr != end || block == 0 || block > (1U << 30)) {
      std::fprintf(stderr, "hs_bare: block size '%s' is not a number of bytes from 1 to 1 GiB\n", argv[2]);
      return 2;
    }
  }
  auto engine = tokensweep::engine::Engine::compile(tokensweep::rules::load_rule_set(true, {}).value()).value();
  const auto& rules = engine->rules();
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    exprs.push_back(rules[i].pattern.c_str());
    flags.push_back(HS_FLAG_MULTILINE | (engine->is_prefiltered(i) ? HS_FLAG_PREFILTER : 0));
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       nullptr, &db, &err) != HS_SUCCESS) {
    std::fprintf(stderr, "hs_bare: %s\n", err->message);
    return 2;
  }
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(db, &scratch);
  const int fd = ::open(argv[1], O_RDONLY);
  if (fd < 0) {
    std::fprintf(stderr, "hs_bare: cannot open '%s': %s\n", argv[1], std::strerror(errno));
    return 2;
  }
  std::vector<char> buf(block);
  unsigned long long hits = 0;
  // Timed from here: the compile above is not part of the ceiling.
  const auto started = std::chrono::steady_clock::now();
  ssize_t n;
  while ((n = ::read(fd, buf.data(), buf.size())) > 0) {
    hs_scan(db, buf.data(), static_cast<unsigned>(n), 0, scratch, tokensweep::bench::count_hit, &hits);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%.6f %llu\n", seconds, hits);
  hs_free_scratch(scratch);
  hs_free_database(db);
  return 0;
}
