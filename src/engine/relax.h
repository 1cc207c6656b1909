// Relaxed patterns for confirmation: RE2 expands a counted repeat such as {20,1000} into
// about a thousand instructions, and a program that size makes both the DFA (huge states)
// and capture extraction (the NFA, since the bit-state engine's bitmap is sized by the
// program) slow on every hit. The same pattern with its large upper bounds dropped,
// {20,}, is a few dozen instructions and matches a superset; the engine confirms with it
// and then checks the exact pattern on the matched span only (engine.cc).
#pragma once

#include <string>
#include <string_view>

namespace tokensweep::engine {

// Counted repeats with an upper bound of at least this are relaxed.
inline constexpr unsigned kRelaxRepeatsFrom = 64;

// `pattern` with every `{m,n}` quantifier whose n >= kRelaxRepeatsFrom written `{m,}`;
// braces escaped or inside a character class are left alone. Returns `pattern` unchanged
// when there is none. `smallest`, when given, receives the smallest n relaxed: a relaxed
// match no longer than that repeated nothing more than n times (each repetition takes at
// least a byte), so it is the exact pattern's match too — leftmost-first picks, among the
// same ordered parses, one the exact pattern also has.
std::string relax_counted_repeats(std::string_view pattern, std::size_t* smallest = nullptr);

}  // namespace tokensweep::engine
