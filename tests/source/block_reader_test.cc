#include "source/block_reader.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace tokensweep::source {
namespace {

// Reassembles the stream from blocks: each block after the first repeats `overlap` bytes.
std::string reassemble(BlockReader& reader, std::size_t overlap, std::vector<Block>* seen = nullptr) {
  std::string out;
  bool first = true;
  while (true) {
    auto block = reader.next();
    EXPECT_TRUE(block.has_value());
    if (!block) break;
    const Block& b = block.value();
    if (seen) seen->push_back(b);
    if (first) {
      out.append(b.data);
    } else {
      EXPECT_EQ(b.base, out.size() - std::min(overlap, out.size()));
      EXPECT_EQ(b.data.substr(0, out.size() - b.base), std::string_view(out).substr(b.base));
      out.append(b.data.substr(out.size() - b.base));
    }
    first = false;
    if (b.last) break;
  }
  return out;
}

std::string pattern_bytes(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + i / 7) & 0xff);
  return s;
}

TEST(BlockReader, BlocksOverlapAndCoverTheWholeFile) {
  testing::TempDir dir;
  for (std::size_t size : {0UL, 1UL, 99UL, 100UL, 101UL, 1000UL, 12345UL}) {
    const std::string data = pattern_bytes(size);
    const std::string path = dir.write("f" + std::to_string(size), data);
    BlockReader reader(100, 20);
    ASSERT_TRUE(reader.open(path, 0).has_value());
    std::vector<Block> blocks;
    EXPECT_TRUE(reassemble(reader, 20, &blocks) == data) << "size " << size;
    EXPECT_FALSE(reader.truncated());
    for (std::size_t i = 0; i + 1 < blocks.size(); ++i) EXPECT_EQ(blocks[i].data.size(), 100U);
  }
}

TEST(BlockReader, LimitStopsEarlyAndSaysSo) {
  testing::TempDir dir;
  const std::string data = pattern_bytes(1000);
  const std::string path = dir.write("f", data);
  BlockReader reader(100, 20);
  ASSERT_TRUE(reader.open(path, 250).has_value());
  EXPECT_TRUE(reassemble(reader, 20) == data.substr(0, 250));
  EXPECT_TRUE(reader.truncated());

  ASSERT_TRUE(reader.open(path, 1000).has_value());  // exactly the size: not truncated
  EXPECT_TRUE(reassemble(reader, 20) == data);
  EXPECT_FALSE(reader.truncated());
}

TEST(BlockReader, MissingFileIsAnIoErrorNamingIt) {
  BlockReader reader(100, 20);
  const auto st = reader.open("/nonexistent/tokensweep/file", 0);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kIo);
  EXPECT_NE(st.error().to_string().find("/nonexistent/tokensweep/file"), std::string::npos);
}

TEST(BlockReader, ADirectoryFailsOnRead) {
  testing::TempDir dir;
  BlockReader reader(100, 20);
  ASSERT_TRUE(reader.open(dir.str(), 0).has_value());
  const auto block = reader.next();
  ASSERT_FALSE(block.has_value());
  EXPECT_EQ(block.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace tokensweep::source
