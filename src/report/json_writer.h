// JSON text for findings written straight into a string, without building a json tree
// per finding (a dense input has hundreds of thousands). The bytes are exactly those
// nlohmann::ordered_json::dump(indent, ' ', false, error_handler_t::replace) gives for
// the same values, which is what the json and jsonl sinks wrote before (design §3.2 is a
// contract, byte for byte); tests/report/json_writer_test.cc holds the two side by side.
#pragma once

#include <string>
#include <string_view>

#include "report/finding.h"

namespace tokensweep::report {

// Appends `s` as a JSON string literal. Valid UTF-8 is copied as is; '"', '\\' and
// control characters are escaped; each invalid UTF-8 sequence becomes U+FFFD, as
// nlohmann's `replace` error handler does. Cost: one pass; strings that need escaping or
// replacing (rare: paths, source context) go through nlohmann's serializer itself.
void append_json_string(std::string& out, std::string_view s);

// Appends the finding object of design §3.2. `indent` < 0: compact, one line (jsonl);
// otherwise pretty-printed with two spaces per level, the object's own braces at `indent`
// spaces (its first line is not indented: the caller places it).
void append_finding_json(std::string& out, const Finding& f, int indent);

}  // namespace tokensweep::report
