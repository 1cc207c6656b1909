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

// Classes repeated at most this many times are widened (widen_repeated_classes).
inline constexpr std::size_t kWidenRepeatsUpTo = 3;

// For Hyperscan only. Hyperscan folds a small character class next to short literal text
// into its literals, one literal per member: `[a-f0-9]{36}NRAL` becomes sixteen literals
// "0NRA" to "fNRA", `-us[0-9]{1,2}` ten. Its literal matcher slows with every literal it
// holds (issue #7: folded so, those two rules held 24 of the 421 strings of its table, and
// a scan of source text ran ~9% slower for them), while RE2 checks the class on every hit
// anyway. So a class whose members all lie in [0-9A-Za-z_-] (letters, digits, ranges of
// one kind, '_', '-') is written as that whole set when it is repeated ({n}, {m,}, {m,n})
// at most kWidenRepeatsUpTo times, or directly before a letter or digit: a superset of the
// pattern, whose matches end where the pattern's do. A token's body after its literal
// prefix is left as it is: there Hyperscan's own check of the class stops a false start
// early (widening those too made a dense scan 18% slower). Negated classes, classes with
// any other member, range or escape than \-, and uncounted repeats are left alone.
std::string widen_repeated_classes(std::string_view pattern);

}  // namespace tokensweep::engine
