// Shell histories (source/shell_history.h): lines kept, entries and times in the context,
// shells' own encodings undone, detection, and binary junk reported once.
#include "source/shell_history.h"

#include <gtest/gtest.h>

#include <string>

#include "formats_lines/line_support.h"
#include "source/line_format_support.h"
#include "support/tokens.h"

namespace tokensweep::source {
namespace {

using namespace std::string_literals;

// 2026-01-02T03:04:05Z and 2026-01-02T03:05:00Z.
constexpr const char* kT1 = "1767323045";
constexpr const char* kT2 = "1767323100";

// zsh's metafy(): NUL and 0x83..0xA2 become Meta (0x83) followed by the byte XOR 32.
std::string metafy(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0 || (u >= 0x83 && u <= 0xA2)) {
      out += '\x83';
      out += static_cast<char>(u ^ 32);
    } else {
      out += c;
    }
  }
  return out;
}

TEST(Timestamps, AreUtcIso8601ToTheSecond) {
  EXPECT_EQ(line_support::format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(line_support::format_utc(1767323045), "2026-01-02T03:04:05Z");
  EXPECT_EQ(line_support::format_utc(951868799), "2000-02-29T23:59:59Z");
  EXPECT_EQ(line_support::format_utc(253402300799), "9999-12-31T23:59:59Z");
  int64_t t = 0;
  EXPECT_TRUE(line_support::parse_epoch("1767323045", t));
  EXPECT_EQ(t, 1767323045);
  EXPECT_FALSE(line_support::parse_epoch("253402300800", t));  // year 10000
  EXPECT_FALSE(line_support::parse_epoch("12a", t));
  EXPECT_FALSE(line_support::parse_epoch("", t));
}

// ---------------------------------------------------------------------------------------
// bash

TEST(BashHistory, EachLineIsAnEntryAndTheTextIsUnchanged) {
  const std::string input = "ls -la\ncd /srv\nexport API_TOKEN=abc\n";
  const auto out = run_lines(&make_bash_history, ".bash_history", input);
  EXPECT_EQ(out.text, input);
  EXPECT_EQ(out.at(1, "history_entry"), "1");
  EXPECT_EQ(out.at(3, "history_entry"), "3");
  EXPECT_EQ(out.at(3, "timestamp"), "<none>");
  EXPECT_TRUE(out.warnings.empty());
}

TEST(BashHistory, TimestampLinesGiveTheFollowingEntryItsTime) {
  const std::string input = std::string("ls\n#") + kT1 + "\nvim notes\n#" + kT2 +
                            "\ncurl -H 'Authorization: Bearer x' \\\n  https://api.invented.test\n";
  const auto out = run_lines(&make_bash_history, ".bash_history", input);
  EXPECT_EQ(out.text, input);
  EXPECT_EQ(out.at(1, "history_entry"), "1");  // before any timestamp: untimed
  EXPECT_EQ(out.at(1, "timestamp"), "<none>");
  EXPECT_EQ(out.at(3, "history_entry"), "2");
  EXPECT_EQ(out.at(3, "timestamp"), "2026-01-02T03:04:05Z");
  // As bash reads a timed file: the lines up to the next timestamp are one entry.
  EXPECT_EQ(out.at(5, "history_entry"), "3");
  EXPECT_EQ(out.at(6, "history_entry"), "3");
  EXPECT_EQ(out.at(6, "timestamp"), "2026-01-02T03:05:00Z");
}

TEST(BashHistory, ACommentThatIsNotATimestampIsACommand) {
  const auto out = run_lines(&make_bash_history, ".bash_history", "#12 not a time\nls\n");
  EXPECT_EQ(out.at(1, "history_entry"), "1");
  EXPECT_EQ(out.at(2, "history_entry"), "2");
  EXPECT_EQ(out.at(1, "timestamp"), "<none>");
}

TEST(BashHistory, SameOutcomeWhereverTheInputIsSplit) {
  expect_split_invariant(&make_bash_history, ".bash_history",
                         std::string("pwd\n#") + kT1 + "\nls\r\n#" + kT2 + "\na\nb\nc");
}

TEST(BashHistory, LongRunsOfOneLineEntriesAreNumberedInOrder) {
  std::string input;
  for (int i = 0; i < 5000; ++i) input += "echo " + std::to_string(i) + "\n";
  const auto out = run_lines(&make_bash_history, ".bash_history", input);
  EXPECT_EQ(out.at(4321, "history_entry"), "4321");
  EXPECT_EQ(out.line(4321), "echo 4320");
}

TEST(BashHistory, BinaryJunkWarnsOnceNamingTheLineAndEverythingIsStillProduced) {
  const std::string token = testing::checksummed_token("ghp_", 7);
  const std::string input = "ls\nabc\0def\n\xff\xfe junk\nexport GH="s + token + "\n";
  ASSERT_EQ(input[6], '\0');
  const auto out = run_lines(&make_bash_history, ".bash_history", input);
  ASSERT_EQ(out.warnings.size(), 1U);
  EXPECT_NE(out.warnings[0].find("line 2"), std::string::npos) << out.warnings[0];
  EXPECT_NE(out.warnings[0].find("binary"), std::string::npos) << out.warnings[0];
  EXPECT_EQ(out.warnings[0].find(token), std::string::npos);
  EXPECT_EQ(out.text, input);
  EXPECT_EQ(out.at(4, "history_entry"), "4");
}

TEST(BashHistory, ValidUtf8IsNotJunk) {
  const auto out = run_lines(&make_bash_history, ".bash_history", "echo \xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91\n");
  EXPECT_TRUE(out.warnings.empty());
  // Overlong forms and surrogates are not UTF-8.
  EXPECT_FALSE(line_support::is_text("\xC0\xAF"));
  EXPECT_FALSE(line_support::is_text("\xED\xA0\x80"));
  EXPECT_FALSE(line_support::is_text("\xE2\x82"));
  EXPECT_TRUE(line_support::is_text("plain ascii text, long enough for the fast path"));
}

TEST(BashHistory, DetectedByNameAlsoAsAnArchiveMemberAndByTimestampLines) {
  EXPECT_TRUE(detect_bash_history("/home/u/.bash_history", "ls\n"));
  EXPECT_TRUE(detect_bash_history("backup.tar.gz!home/u/.bash_history", ""));
  EXPECT_TRUE(detect_bash_history("/root/.bash_history.bak", ""));
  EXPECT_TRUE(detect_bash_history("history.txt", std::string("#") + kT1 + "\nls\n#" + kT2 + "\npwd\n"));
  EXPECT_FALSE(detect_bash_history("notes.txt", "ls\ncd\n"));
  EXPECT_FALSE(detect_bash_history("README.md", "#1 first heading\ntext\n#2 second\n"));
  EXPECT_FALSE(detect_bash_history("x.txt", std::string("#") + kT1 + "\nls\n"));  // one line is not enough
  EXPECT_FALSE(detect_bash_history("/home/u/.bash_history_notes/x", "ls\n"));
}

// ---------------------------------------------------------------------------------------
// zsh

TEST(ZshHistory, ExtendedEntriesWithContinuationLines) {
  const std::string input = std::string(": ") + kT1 + ":0;ls\n: " + kT2 +
                            ":12;curl -H 'Authorization: Bearer x' \\\n  https://api.invented.test\\\n  -d a=b\n"
                            ": 1767323200:0;pwd\n";
  const auto out = run_lines(&make_zsh_history, ".zsh_history", input);
  EXPECT_EQ(out.text, input);
  EXPECT_EQ(out.at(1, "history_entry"), "1");
  EXPECT_EQ(out.at(1, "timestamp"), "2026-01-02T03:04:05Z");
  for (uint64_t line : {2, 3, 4}) {
    EXPECT_EQ(out.at(line, "history_entry"), "2") << line;
    EXPECT_EQ(out.at(line, "timestamp"), "2026-01-02T03:05:00Z") << line;
  }
  EXPECT_EQ(out.at(5, "history_entry"), "3");
}

TEST(ZshHistory, PlainHistoryWithoutTimes) {
  const auto out = run_lines(&make_zsh_history, ".zsh_history", "ls\necho a\\\nb\npwd\n");
  EXPECT_EQ(out.at(3, "history_entry"), "2");
  EXPECT_EQ(out.at(4, "history_entry"), "3");
  EXPECT_EQ(out.at(4, "timestamp"), "<none>");
}

TEST(ZshHistory, MetafiedBytesAreUnmetafiedAndLinesKept) {
  // "пароль" and "ă" hold bytes zsh metafies (0x84, 0x83...); the file has them as Meta pairs.
  const std::string command = "echo \xD0\xBF\xD0\xB0\xD1\x80\xD0\xBE\xD0\xBB\xD1\x8C=x \xC4\x83";
  const std::string file = std::string(": ") + kT1 + ":0;" + metafy(command) + "\n: " + kT2 + ":0;ls\n";
  ASSERT_NE(file.find('\x83'), std::string::npos);
  const auto out = run_lines(&make_zsh_history, ".zsh_history", file);
  EXPECT_EQ(out.line(1), std::string(": ") + kT1 + ":0;" + command);
  EXPECT_EQ(count_lines(out.text), count_lines(file));
  EXPECT_TRUE(out.warnings.empty()) << out.warnings[0];
  EXPECT_EQ(out.at(2, "history_entry"), "2");
}

TEST(ZshHistory, AMetaThatWouldMakeANewlineOrEndsALineLeavesTheLinesAlone) {
  const std::string file = "echo a\x83*b\nls\x83\npwd\n";
  const auto out = run_lines(&make_zsh_history, ".zsh_history", file);
  EXPECT_EQ(out.text, "echo a b\nls\npwd\n");
  EXPECT_EQ(out.at(3, "history_entry"), "3");
}

TEST(ZshHistory, SameOutcomeWhereverTheInputIsSplit) {
  const std::string command = "echo \xD1\x84\xD1\x84 \xC4\x83 a\\";
  expect_split_invariant(&make_zsh_history, ".zsh_history",
                         std::string(": ") + kT1 + ":0;" + metafy(command) + "\nnext\n: " + kT2 + ":1;x\x83");
}

TEST(ZshHistory, ALineLongerThanWhatIsHeldIsPassedOnInPiecesStillUnmetafied) {
  // Past LineSplitter::kMaxHeldLine a line goes on in segments; a Meta pair may straddle one.
  std::string command = "echo ";
  while (command.size() < 3 * line_support::LineSplitter::kMaxHeldLine) command += "\xD1\x84\xC4\x83 abc ";
  const std::string file = ": "s + kT1 + ":0;" + metafy(command) + "\n: " + kT2 + ":0;ls\n";
  for (std::size_t cut : {std::size_t{1} << 20, (std::size_t{1} << 20) + 1, file.size() / 2}) {
    const auto out = run_lines(&make_zsh_history, ".zsh_history", file, {cut});
    EXPECT_EQ(out.line(1), ": "s + kT1 + ":0;" + command) << "cut " << cut;
    EXPECT_EQ(out.at(2, "history_entry"), "2");
    EXPECT_TRUE(out.warnings.empty());
  }
}

TEST(ZshHistory, BinaryJunkWarnsOnce) {
  const auto out = run_lines(&make_zsh_history, ".zsh_history", std::string(": ") + kT1 + ":0;ls\n\xff\xff\n\xfe\n");
  ASSERT_EQ(out.warnings.size(), 1U);
  EXPECT_NE(out.warnings[0].find("line 2"), std::string::npos) << out.warnings[0];
  EXPECT_EQ(out.line(3), "\xfe");
}

TEST(ZshHistory, DetectedByNameOrByAnExtendedHistoryFirstLine) {
  EXPECT_TRUE(detect_zsh_history("/home/u/.zsh_history", ""));
  EXPECT_TRUE(detect_zsh_history("home.tar!u/.histfile", ""));
  EXPECT_TRUE(detect_zsh_history("/home/u/.zhistory", ""));
  EXPECT_TRUE(detect_zsh_history("saved.txt", ": 1767323045:0;ls\n: 1767323100:0;pwd\n"));
  EXPECT_FALSE(detect_zsh_history("notes.txt", ": a note\n"));
  EXPECT_FALSE(detect_zsh_history("notes.txt", ": 12:x;\n"));
  EXPECT_FALSE(detect_zsh_history("notes.txt", "ls\n: 1767323045:0;ls\n"));
}

// ---------------------------------------------------------------------------------------
// fish

TEST(FishHistory, EntriesTimesAndEscapes) {
  const std::string input = std::string("- cmd: printf 'a\\\\b\\nsecond line'\n  when: ") + kT1 +
                            "\n  paths:\n    - /tmp/x\n- cmd: ls\n  when: " + kT2 + "\n";
  const auto out = run_lines(&make_fish_history, "fish_history", input);
  EXPECT_EQ(count_lines(out.text), count_lines(input));
  // "\\" is a backslash, "\n" a newline, scanned as a space so the line stays one line.
  EXPECT_EQ(out.line(1), "- cmd: printf 'a\\b second line'");
  for (uint64_t line : {1, 2, 3, 4}) {
    EXPECT_EQ(out.at(line, "history_entry"), "1") << line;
    EXPECT_EQ(out.at(line, "timestamp"), "2026-01-02T03:04:05Z") << line;
  }
  EXPECT_EQ(out.at(5, "history_entry"), "2");
  EXPECT_EQ(out.at(5, "timestamp"), "2026-01-02T03:05:00Z");
}

TEST(FishHistory, ANewlineEscapeDoesNotGlueAWordToTheTokenAfterIt) {
  const std::string token = testing::checksummed_token("ghp_", 3);
  const auto out = run_lines(&make_fish_history, "fish_history", "- cmd: echo x\\n" + token + "\n  when: 1\n");
  EXPECT_EQ(out.line(1), "- cmd: echo x " + token);
}

TEST(FishHistory, TheCommandIsHeldUntilItsTimeIsKnown) {
  auto format = make_fish_history("fish_history");
  std::string out;
  format->feed(std::string("- cmd: ls\n  when: ") + kT1 + "\n", out);
  EXPECT_EQ(out, "");  // the entry may have more lines
  format->feed("- cmd: pwd\n", out);
  EXPECT_EQ(out, std::string("- cmd: ls\n  when: ") + kT1 + "\n");
  const SourceContext* c = format->context(1);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(*c, (SourceContext{{"history_entry", "1"}, {"timestamp", "2026-01-02T03:04:05Z"}}));
  format->finish(out);
  EXPECT_EQ(out, std::string("- cmd: ls\n  when: ") + kT1 + "\n- cmd: pwd\n");
  c = format->context(3);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(*c, (SourceContext{{"history_entry", "2"}}));
}

TEST(FishHistory, LinesBeforeTheFirstEntryHaveNoContext) {
  const auto out = run_lines(&make_fish_history, "fish_history", "junk\n- cmd: ls\n");
  EXPECT_TRUE(out.contexts[0].empty());
  EXPECT_EQ(out.at(2, "history_entry"), "1");
}

TEST(FishHistory, SameOutcomeWhereverTheInputIsSplit) {
  expect_split_invariant(&make_fish_history, "fish_history",
                         std::string("x\n- cmd: a\\\\\\nb\\q\\\n  when: ") + kT1 + "\n  paths:\n    - /p\\\\q\n- cmd: z\\");
}

TEST(FishHistory, DetectedByNameOrByCmdAndWhenLines) {
  EXPECT_TRUE(detect_fish_history("/home/u/.local/share/fish/fish_history", ""));
  EXPECT_TRUE(detect_fish_history("home.tgz!u/.local/share/fish/work_history", ""));
  EXPECT_TRUE(detect_fish_history("copy.txt", "- cmd: ls\n  when: 1767323045\n"));
  EXPECT_FALSE(detect_fish_history("tasks.yaml", "- cmd: ls\n  args: [a]\n"));
  EXPECT_FALSE(detect_fish_history("/home/u/work_history", "ls\n"));
}

// ---------------------------------------------------------------------------------------
// PowerShell

TEST(PowerShellHistory, CrlfLinesAndBacktickContinuations) {
  // PSReadLine writes a newline inside a command as "`\n" and ends each entry with CRLF.
  const std::string input =
      "git status\r\nInvoke-RestMethod -Uri https://api.invented.test `\n  -Headers @{a='b'}\r\nGet-ChildItem\r\n";
  const auto out = run_lines(&make_powershell_history, "ConsoleHost_history.txt", input);
  EXPECT_EQ(out.text, input);
  EXPECT_EQ(out.at(1, "history_entry"), "1");
  EXPECT_EQ(out.at(2, "history_entry"), "2");
  EXPECT_EQ(out.at(3, "history_entry"), "2");
  EXPECT_EQ(out.at(4, "history_entry"), "3");
  EXPECT_EQ(out.at(4, "timestamp"), "<none>");
}

TEST(PowerShellHistory, SameOutcomeWhereverTheInputIsSplit) {
  expect_split_invariant(&make_powershell_history, "ConsoleHost_history.txt", "a `\r\nb\r\nc`\nd\r\n\r\ne");
}

TEST(PowerShellHistory, DetectedByName) {
  EXPECT_TRUE(detect_powershell_history(
      "C:\\Users\\u\\AppData\\Roaming\\Microsoft\\Windows\\PowerShell\\PSReadLine\\ConsoleHost_history.txt", ""));
  EXPECT_TRUE(detect_powershell_history("profile.zip!consolehost_history.txt", ""));
  EXPECT_TRUE(detect_powershell_history("x.zip!PSReadLine/Visual Studio Code Host_history.txt", ""));
  EXPECT_FALSE(detect_powershell_history("notes/Visual Studio Code Host_history.txt", "ls\r\n"));
  EXPECT_FALSE(detect_powershell_history("history.txt", "Get-ChildItem\r\n"));
}

// ---------------------------------------------------------------------------------------
// The catalogue (format.cc)

TEST(HistoryCatalogue, EachHistoryFormatIsALineFormatTheCatalogueDetects) {
  const std::pair<const char*, const char*> cases[] = {
      {"bash-history", "backup.tar.gz!home/u/.bash_history"},
      {"zsh-history", "backup.tar.gz!home/u/.zsh_history"},
      {"fish-history", "backup.tar.gz!home/u/.local/share/fish/fish_history"},
      {"powershell-history", "backup.zip!PSReadLine/ConsoleHost_history.txt"},
  };
  for (const auto& [name, path] : cases) {
    const FormatInfo* info = find_format(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_NE(info->make_lines, nullptr) << name;
    EXPECT_EQ(info->make_records, nullptr) << name;
    const FormatInfo* detected = detect_format(path, "ls\n");
    ASSERT_NE(detected, nullptr) << path;
    EXPECT_EQ(detected->name, name) << path;
  }
  EXPECT_EQ(detect_format("notes.txt", "ls\ncd /tmp\n"), nullptr);
}

}  // namespace
}  // namespace tokensweep::source
