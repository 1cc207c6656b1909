#include "common/newlines.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace tokensweep {
namespace {

using Count = uint64_t (*)(const char*, std::size_t);

// Every way of counting this machine can run, by name.
std::vector<std::pair<const char*, Count>> counters() {
  std::vector<std::pair<const char*, Count>> all = {{"dispatched", count_newlines},
                                                    {"portable", detail::count_newlines_portable}};
  if (detail::avx2_usable()) all.emplace_back("avx2", detail::count_newlines_avx2);
  return all;
}

TEST(CountNewlines, AgreesWithStdCountAtEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string data(1024, 'x');
  for (auto& c : data) c = rng() % 5 == 0 ? '\n' : static_cast<char>(rng() % 256);
  for (const auto& [name, count] : counters()) {
    for (std::size_t start = 0; start < 33; ++start) {
      for (std::size_t n = 0; start + n <= 300; ++n) {
        const auto expected = static_cast<uint64_t>(std::count(data.begin() + start, data.begin() + start + n, '\n'));
        ASSERT_EQ(count(data.data() + start, n), expected) << name << " start " << start << " n " << n;
      }
    }
  }
}

TEST(CountNewlines, CountsAllNewlinesAndNoneOfTheNeighbouringBytes) {
  // 64 KiB of line breaks: more than 255 strides of either width, where a byte counter
  // that was not summed in time would wrap.
  const std::string all(64 << 10, '\n');
  const std::string near = std::string(128, '\x0b') + std::string(128, '\x09') + std::string(128, '\x8a');
  for (const auto& [name, count] : counters()) {
    EXPECT_EQ(count(all.data(), all.size()), all.size()) << name;
    EXPECT_EQ(count(all.data() + 1, all.size() - 3), all.size() - 3) << name;
    EXPECT_EQ(count(near.data(), near.size()), 0U) << name;
  }
}

}  // namespace
}  // namespace tokensweep
