#include "common/newlines.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

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

// Blocks with many line breaks, a few (whole chunks without one), one, and none, against
// counting and looking back byte by byte, at random offsets and at every chunk edge.
TEST(NewlineIndex, CountsAndLineStartsAgreeWithAPlainLook) {
  constexpr std::size_t kChunk = NewlineIndex::kChunk;
  std::mt19937 rng(11);
  for (const unsigned one_in : {5U, 6000U, 0U}) {
    for (const std::size_t size : {std::size_t{0}, kChunk, 7 * kChunk + 123}) {
      std::string block(size, 'x');
      if (one_in > 0) {
        for (char& c : block) c = rng() % one_in == 0 ? '\n' : 'x';
      }
      if (one_in == 0 && size > 0) block[size / 2] = '\n';  // just one, mid-block
      NewlineIndex index;
      index.build(block, "\x1b");
      std::vector<std::size_t> offsets;
      for (std::size_t k = 0; k * kChunk <= size; ++k) {
        for (const std::size_t d : {std::size_t{0}, std::size_t{1}}) {
          if (k * kChunk + d <= size) offsets.push_back(k * kChunk + d);
          if (k * kChunk >= d + 1) offsets.push_back(k * kChunk - d - 1);
        }
      }
      for (int i = 0; i < 300 && size > 0; ++i) offsets.push_back(rng() % (size + 1));
      SCOPED_TRACE("one in " + std::to_string(one_in) + ", " + std::to_string(size) + " bytes");
      for (const std::size_t to : offsets) {
        const auto newlines = static_cast<uint64_t>(std::count(block.begin(), block.begin() + to, '\n'));
        ASSERT_EQ(index.before(to), newlines) << "to " << to;
        const std::size_t nl = block.rfind('\n', to == 0 ? 0 : to - 1);
        const std::size_t start = to == 0 || nl == std::string::npos ? 0 : nl + 1;
        ASSERT_EQ(index.line_start(to), start) << "to " << to;
        for (const std::size_t from : offsets) {
          if (from > to) continue;
          ASSERT_EQ(index.between(from, to), static_cast<uint64_t>(std::count(block.begin() + from, block.begin() + to, '\n')))
              << "from " << from << " to " << to;
        }
      }
    }
  }
}

TEST(NewlineIndex, NotesWhichOfTheBytesItIsAskedAboutItHoldsWhereverTheyAre) {
  constexpr std::size_t kChunk = NewlineIndex::kChunk;
  const std::size_t size = 3 * kChunk + 5;
  NewlineIndex index;
  for (const std::size_t at : {std::size_t{0}, kChunk - 1, kChunk, size - 1}) {
    std::string block(size, 'x');
    block[at] = '%';
    block[size - 1 - at] = '\x1b';
    index.build(block, "\x1b\\%&");
    EXPECT_TRUE(index.holds_noted(0)) << "at " << at;
    EXPECT_FALSE(index.holds_noted(1)) << "at " << at;
    EXPECT_TRUE(index.holds_noted(2)) << "at " << at;
    EXPECT_FALSE(index.holds_noted(3)) << "at " << at;
    index.build(block, "&");
    EXPECT_FALSE(index.holds_noted(0)) << "at " << at;  // and nothing carried over
  }
  index.build("", "\x1b");
  EXPECT_FALSE(index.holds_noted(0));
}

}  // namespace
}  // namespace tokensweep
