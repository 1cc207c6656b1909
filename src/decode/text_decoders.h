// Text decoders: each rewrites a buffer with one encoding undone in place — JSON string
// escapes, percent-encoding, HTML entities, ANSI/VT escape sequences, base64 runs — so
// that a token hidden by the encoding reaches the engine whole, with its context (a
// `\"access_token\":\"…\"` becomes `"access_token":"…"`). Text that is not encoded is
// copied unchanged. Pure functions; thread-safe; linear in the input.
#pragma once

#include <array>
#include <cstdint>
#include <vector>
#include <string>
#include <string_view>

namespace tokensweep::decode {

enum class TextDecoder { kJsonUnescape, kPercent, kHtmlEntities, kAnsi, kBase64 };

inline constexpr std::array<TextDecoder, 5> kTextDecoders = {
    TextDecoder::kAnsi, TextDecoder::kJsonUnescape, TextDecoder::kPercent, TextDecoder::kHtmlEntities,
    TextDecoder::kBase64};

// The name recorded in a finding's `decoders`: "json-unescape", "percent", "html-entities",
// "ansi", "base64".
const char* decoder_name(TextDecoder decoder);

// Writes `in` with the encoding undone to `out` (replacing its contents). Returns false,
// leaving `out` unspecified, when nothing in `in` was encoded that way: the caller then
// has nothing new to scan.
bool decode_text(TextDecoder decoder, std::string_view in, std::string& out);

// The ANSI decoding of only the lines of `in` that hold an escape byte, each followed by
// '\n', written at the start of `out` (which is left longer than that: the returned view is
// the decoding); `line_starts` receives where each one starts in `in` (offsets_to_lines
// turns the few that hold a finding into line numbers: counting every line would cost more
// than the decoding). Lines without one decode to themselves, and the caller scanned them
// already: a CI log with a colour code on every other line is rescanned not whole but
// those lines. Empty when no line changed.
std::string_view decode_ansi_lines(std::string_view in, std::string& out, std::vector<uint64_t>& line_starts);

// The byte every line encoded by `decoder` holds, for the decoders whose encodings stay
// inside a line and that decode_changed_lines takes (JSON escapes '\\', percent-encoding
// '%', HTML entities '&'); 0 for the others (ANSI, with its own view above; base64).
char line_marker(TextDecoder decoder);

// For the decoders with a line_marker: `in` decoded line by line into `out`,
// where a line that the decoding leaves as it is (most: no '\\', '%' or '&') becomes an
// empty line. The scan of `out` then reads only what decoding changed — the caller scanned
// `in` already — and its line numbers count the lines of `in` and those a changed line's
// escapes decode to ("\n"): every line keeps its '\n'. False, with no use for `out`, when
// no line changed or `decoder` is not one of these.
bool decode_changed_lines(TextDecoder decoder, std::string_view in, std::string& out);

// Replaces each byte offset in `offsets` (in any order) by the 0-based number of the line
// of `in` it is on, in one pass over `in` up to the largest.
void offsets_to_lines(std::string_view in, std::vector<uint64_t>& offsets);

// What the base64 decoder looks for, as Hyperscan patterns compiled beside the rules (see
// engine::Trigger): a buffer is decoded only when the one scan it gets anyway has seen a
// trigger, so plain text costs the decoders nothing. Base64 runs are decoded where the
// text says what they are (a JSON object's "eyJ", HTTP Basic, Kubernetes data, docker
// "auth") rather than at every long identifier.
struct DecoderTrigger {
  const char* pattern;
  TextDecoder decoder;
};
const std::vector<DecoderTrigger>& decoder_triggers();

// The other decoders' triggers start with one byte, and are looked for outside Hyperscan:
// it reports every occurrence of a literal to itself, even of a pattern that reports only
// once, and their two-byte literals are everywhere in some text (a colour code on every
// other line of a CI log, "\/" in every URL of a JSON export). As Hyperscan triggers they
// slowed its scan of the generated corpora by x1.35 (log), x1.23 (source) and x1.49
// (JSON lines); the base64 ones alone by x1.01-1.03 (paired medians of 25 rounds).
inline constexpr std::array<TextDecoder, 4> kByteLedDecoders = {TextDecoder::kAnsi, TextDecoder::kJsonUnescape,
                                                               TextDecoder::kPercent, TextDecoder::kHtmlEntities};
// The byte each trigger of `decoder` starts with: ESC, '\\', '%', '&'; 0 for base64.
char lead_byte(TextDecoder decoder);
// Whether `in` holds a trigger of `decoder` (one of kByteLedDecoders): ESC '[' or ']';
// \" \/ or \uXXXX; %XX of a character that hides a token's context (2X, 3A-3F, 40, 5B-5D,
// 7B-7D); &quot; &amp; &lt; &gt; &apos; &sol; &equals; &colon; &plus; or a numeric entity.
bool holds_trigger(TextDecoder decoder, std::string_view in);
inline constexpr uint32_t trigger_bit(TextDecoder d) { return 1U << static_cast<unsigned>(d); }

// Base64 runs shorter than this are left alone: the encoding of 24 bytes, too short to
// hide a token with its context, and common as ordinary identifiers.
inline constexpr std::size_t kMinBase64Run = 32;

}  // namespace tokensweep::decode
