#include "common/newlines.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace tokensweep {
namespace {

TEST(CountNewlines, AgreesWithStdCountAtEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string data(1024, 'x');
  for (auto& c : data) c = rng() % 5 == 0 ? '\n' : static_cast<char>(rng() % 256);
  for (std::size_t start = 0; start < 17; ++start) {
    for (std::size_t n = 0; start + n <= 300; ++n) {
      const auto expected = static_cast<uint64_t>(std::count(data.begin() + start, data.begin() + start + n, '\n'));
      ASSERT_EQ(count_newlines(data.data() + start, n), expected) << "start " << start << " n " << n;
    }
  }
}

TEST(CountNewlines, CountsAllNewlinesAndNoneOfTheNeighbouringBytes) {
  EXPECT_EQ(count_newlines(std::string(4096, '\n').data(), 4096), 4096U);
  const std::string near = std::string(128, '\x0b') + std::string(128, '\x09') + std::string(128, '\x8a');
  EXPECT_EQ(count_newlines(near.data(), near.size()), 0U);
}

}  // namespace
}  // namespace tokensweep
