// Writes a generated corpus to stdout: `gen_corpus log|source|jsonl BYTES [TOKEN_EVERY]`.
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <string>

#include "corpus.h"

int main(int argc, char** argv) {
  constexpr const char* kUsage = "usage: gen_corpus log|source|jsonl BYTES [TOKEN_EVERY]\n";
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  tokensweep::bench::Shape s{};
  if (!tokensweep::bench::parse_shape(argv[1], s)) {
    std::fprintf(stderr, "gen_corpus: unknown shape '%s' (log, source or jsonl)\n%s", argv[1], kUsage);
    return 2;
  }
  // A count: digits only, and a positive number of bytes.
  const auto count = [&](const char* arg, const char* what, bool zero_ok) -> unsigned long long {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(arg, &end, 10);
    if (*arg < '0' || *arg > '9' || *end != '\0' || (v == 0 && !zero_ok)) {
      std::fprintf(stderr, "gen_corpus: %s '%s' is not a %s number\n%s", what, arg, zero_ok ? "whole" : "positive", kUsage);
      std::exit(2);
    }
    return v;
  };
  const auto bytes = count(argv[2], "BYTES", false);
  const auto every = argc > 3 ? count(argv[3], "TOKEN_EVERY", true) : 64 * 1024;
  // In pieces of 64 MiB, each from its own seed, so a 1 GiB corpus never sits in memory twice.
  constexpr std::size_t kPiece = 64U << 20;
  for (std::size_t done = 0, piece = 0; done < bytes; done += kPiece, ++piece) {
    const std::string data = tokensweep::bench::make_corpus(s, std::min<std::size_t>(kPiece, bytes - done), every,
                                                            static_cast<uint32_t>(piece + 1));
    std::fwrite(data.data(), 1, data.size(), stdout);
  }
  return 0;
}
