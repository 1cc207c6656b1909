// Hyperscan's literal matcher alone (issue #7): two pure-literal databases, built from the
// literal lists bench/hs_literals.sh --time writes ("c HEX" or "i HEX" per line: case-
// sensitive or not, the bytes in hex), scanned in turn (A, B, A, B, ...) over one generated
// corpus in the pipeline's blocks. Prints each database's median seconds in thread CPU time
// and the median of the per-pair ratios: how much faster B's literals alone scan than A's.
//
//   hs_literal_cost [--shape log|source|jsonl] [--mib N] [--rounds N] A.lits B.lits
#include <hs/hs.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "corpus.h"
#include "pipeline/scan.h"

namespace {

using namespace tokensweep;

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "hs_literal_cost: %s\nusage: hs_literal_cost [--shape log|source|jsonl] [--mib N] [--rounds N] A.lits B.lits\n",
               why.c_str());
  std::exit(2);
}

struct Literals {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  std::size_t count = 0;
};

Literals load(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("cannot read '" + path + "'");
  std::vector<std::string> bytes;
  std::vector<unsigned> flags;
  std::string kind, hex;
  std::size_t line = 0;
  while (in >> kind >> hex) {
    ++line;
    std::string lit;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
      unsigned value = 0;
      const auto [ptr, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
      if (ec != std::errc() || ptr != hex.data() + i + 2) break;
      lit += static_cast<char>(value);
    }
    if ((kind != "c" && kind != "i") || hex.empty() || lit.size() * 2 != hex.size()) {
      fail(path + ":" + std::to_string(line) + ": expected 'c HEX' or 'i HEX'");
    }
    bytes.push_back(std::move(lit));
    flags.push_back(kind == "i" ? HS_FLAG_CASELESS : 0);
  }
  if (bytes.empty()) fail("'" + path + "' holds no literals");
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lengths;
  std::vector<unsigned> ids;
  for (const std::string& b : bytes) {
    ptrs.push_back(b.data());
    lengths.push_back(b.size());
    ids.push_back(static_cast<unsigned>(ids.size()));
  }
  Literals l;
  l.count = bytes.size();
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(ptrs.data(), flags.data(), ids.data(), lengths.data(), static_cast<unsigned>(ptrs.size()),
                           HS_MODE_BLOCK, nullptr, &l.db, &err) != HS_SUCCESS) {
    const std::string message = err->message;
    hs_free_compile_error(err);
    fail(path + ": " + message);
  }
  if (hs_alloc_scratch(l.db, &l.scratch) != HS_SUCCESS) fail("cannot allocate Hyperscan scratch");
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  bench::Shape shape = bench::Shape::kSource;
  std::size_t mib = 64;
  int rounds = 9;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto number = [&]() -> std::size_t {
      if (i + 1 >= argc) fail("missing value after " + arg);
      const std::string v = argv[++i];
      std::size_t n = 0;
      const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || ptr != v.data() + v.size() || n == 0) fail("'" + v + "' after " + arg + " is not a positive number");
      return n;
    };
    if (arg == "--shape") {
      if (i + 1 >= argc) fail("missing value after --shape");
      if (!bench::parse_shape(argv[++i], shape)) fail(std::string("unknown shape '") + argv[i] + "'");
    } else if (arg == "--mib") {
      mib = number();
    } else if (arg == "--rounds") {
      rounds = static_cast<int>(number());
    } else {
      files.push_back(arg);
    }
  }
  if (files.size() != 2) fail("give two literal lists");
  Literals a = load(files[0]);
  Literals b = load(files[1]);
  const std::string data = bench::make_corpus(shape, mib << 20, 64 << 10);
  const auto scan = [&](const Literals& l) {
    unsigned long long hits = 0;
    constexpr std::size_t kBlock = pipeline::kDefaultBlockSize;
    const double start = bench::thread_cpu_seconds();
    for (std::size_t off = 0; off < data.size(); off += kBlock) {
      const std::size_t n = std::min(kBlock, data.size() - off);
      hs_scan(l.db, data.data() + off, static_cast<unsigned>(n), 0, l.scratch, bench::count_hit, &hits);
    }
    return bench::thread_cpu_seconds() - start;
  };
  scan(a);  // warm-up
  scan(b);
  std::vector<double> ta, tb, ratio;
  for (int r = 0; r < rounds; ++r) {
    ta.push_back(scan(a));
    tb.push_back(scan(b));
    ratio.push_back(ta.back() / tb.back());
  }
  std::printf("A: %zu literals %.4f s   B: %zu literals %.4f s   B/A speed x%.2f (median of %d pairs, %zu MiB)\n",
              a.count, bench::median(ta), b.count, bench::median(tb), bench::median(ratio), rounds, mib);
  hs_free_scratch(a.scratch);
  hs_free_scratch(b.scratch);
  hs_free_database(a.db);
  hs_free_database(b.db);
  return 0;
}
