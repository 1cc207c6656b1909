// Well-known documentation values: credentials that providers, RFCs and library READMEs
// print as samples. They carry no placeholder marker ("EXAMPLE", "xxxx") yet are public,
// so they are never findings, whichever rule matched them. Pure and thread-safe.
#pragma once

#include <string_view>

namespace tokensweep::engine {

// True when `secret` is, or (for long values such as sample JWTs) contains, a published
// sample value. Case-sensitive: the samples are exact strings.
bool is_known_example(std::string_view secret);

}  // namespace tokensweep::engine
