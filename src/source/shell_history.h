// Shell histories as LineFormats (format.h): what people typed, with the entry number and
// time of each command. Every '\n' of the file is kept, so a finding's line is the line of
// the history file; bytes inside a line may be rewritten (zsh's metafied bytes, fish's
// escapes), so its column counts in the rewritten line.
//
// Context of a finding, in order:
//   {"history_entry", "42"}                    1-based number of the command in the file
//                                              (an entry spans all its lines), and
//   {"timestamp", "2026-01-02T03:04:05Z"}      when the shell recorded one: UTC, ISO 8601,
//                                              to the second.
// A line before the first entry (junk at the top of a fish history) has no context.
//
// bash-history — one command per line. A `#<epoch>` line (written when HISTTIMEFORMAT is
//   set) starts an entry with that time; as bash reads it, the lines up to the next
//   `#<epoch>` line are one (multi-line) entry. Lines before the first `#<epoch>` line are
//   one entry each. Detected by the name `.bash_history` (also `bash_history`,
//   `.bash_history.<suffix>`), or by content: a first line `#<epoch>` and another such
//   line among the first eight.
// zsh-history — extended history `: <epoch>:<seconds>;<command>` or plain lines. As zsh
//   reads it (hist.c, readhistline), a line ending in a backslash continues the entry on
//   the next line: zsh writes a newline inside a command as backslash-newline. zsh stores
//   the bytes 0x00 and 0x83..0xA2 "metafied", as Meta (0x83) followed by the byte XOR 0x20;
//   what is scanned is unmetafied, so a UTF-8 command reads as UTF-8 (a Meta at the end of
//   a line is dropped; one that would yield a newline yields a space). Detected by the
//   names `.zsh_history`, `zsh_history`, `.zhistory`, `.histfile`, or by a first line
//   `: <digits>:<digits>;`.
// fish-history — fish's YAML-like file: `- cmd: <command>`, then `  when: <epoch>` and
//   optionally `  paths:` with `    - <path>` lines, all of which belong to the entry.
//   fish escapes a backslash as `\\` and a newline as `\n`; the scanned text has `\`
//   and a space for them (a newline would add a line). The time follows the command, so
//   an entry's lines are held back until the next `- cmd:` (or the end), at most
//   LineSplitter::kMaxHeldLine bytes. Detected by the name `fish_history` (any
//   `<session>_history` under a `fish` folder), or by a first line `- cmd: ` followed by a
//   `  when: ` line.
// powershell-history — PSReadLine's `ConsoleHost_history.txt` (any `<host>_history.txt` in
//   a `PSReadLine` folder): one command per line, CRLF or LF; a line ending in a backtick
//   continues the entry (PSReadLine writes a newline inside a command as "`\n"). No times.
//   Detected by name only.
//
// Binary junk — a NUL or bytes that are not UTF-8 (after unmetafying) — gives one warning
// naming the first such line; the whole input is still scanned.
//
// Cost: one pass over the bytes, one copy into the output. Memory: the longest line (up
// to kMaxHeldLine, then it is passed on in pieces) plus the EntryIndex (nothing for
// untimed one-line entries, else 24 bytes per entry).
#pragma once

#include <memory>
#include <string_view>

#include "source/format.h"

namespace tokensweep::source {

bool detect_bash_history(std::string_view path, std::string_view head);
std::unique_ptr<LineFormat> make_bash_history(std::string_view path);

bool detect_zsh_history(std::string_view path, std::string_view head);
std::unique_ptr<LineFormat> make_zsh_history(std::string_view path);

bool detect_fish_history(std::string_view path, std::string_view head);
std::unique_ptr<LineFormat> make_fish_history(std::string_view path);

bool detect_powershell_history(std::string_view path, std::string_view head);
std::unique_ptr<LineFormat> make_powershell_history(std::string_view path);

}  // namespace tokensweep::source
