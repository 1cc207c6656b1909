// Writes a generated corpus to stdout: `gen_corpus log|source BYTES [TOKEN_EVERY]`.
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <string>

#include "corpus.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_corpus log|source BYTES [TOKEN_EVERY]\n");
    return 2;
  }
  const std::string shape = argv[1];
  const auto bytes = std::strtoull(argv[2], nullptr, 10);
  const auto every = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 64 * 1024;
  const auto s = shape == "source" ? tokensweep::bench::Shape::kSource : tokensweep::bench::Shape::kLog;
  // In pieces of 64 MiB, each from its own seed, so a 1 GiB corpus never sits in memory twice.
  constexpr std::size_t kPiece = 64U << 20;
  for (std::size_t done = 0, piece = 0; done < bytes; done += kPiece, ++piece) {
    const std::string data = tokensweep::bench::make_corpus(s, std::min<std::size_t>(kPiece, bytes - done), every,
                                                            static_cast<uint32_t>(piece + 1));
    std::fwrite(data.data(), 1, data.size(), stdout);
  }
  return 0;
}
