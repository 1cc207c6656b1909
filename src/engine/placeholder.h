// Placeholders and masks that are never findings, whatever rule matched them:
// "XXXX", "<YOUR_TOKEN>", "${{ secrets.X }}", "***", "ghp_abc…", "changeme", a body of
// one repeated character. Cheap: called once per confirmed match, not per byte.
#pragma once

#include <string_view>

namespace tokensweep::engine {

// `public_prefix` is skipped before the checks that look at the body ("ghp_" + "0000…").
bool is_placeholder(std::string_view secret, std::string_view public_prefix);

}  // namespace tokensweep::engine
