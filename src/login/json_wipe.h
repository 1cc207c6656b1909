// Helpers for JSON documents that carry secrets: take a string member into a Secret,
// and wipe every string left in a parsed document before it is destroyed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "login/secret.h"

namespace tokensweep::login {

// Wipes every string value (and key) in `doc`, recursively.
void wipe_json(nlohmann::json& doc);

// Moves doc[key] (when it is a string) into a Secret and wipes the node.
Secret take_secret(nlohmann::json& doc, std::string_view key);

// doc[key] when it is a string, else "".
std::string string_member(const nlohmann::json& doc, std::string_view key);

// Parses without throwing; a document that does not parse comes back discarded.
nlohmann::json parse_json(std::string_view text);

}  // namespace tokensweep::login
