// The webhook/exec protocol of design §3.4 (JSON), shared by both hook types.
//   request  {"action":"check"|"revoke","findings":[{"fingerprint","kind","provider","rule_id"[,"secret"]}]}
//   response {"results":[{"fingerprint","status":"active|inactive|revoked|unknown"}]}
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker/hook.h"

namespace tokensweep::broker {

// The request body. "secret" is written only when `send_secret` (and the item has
// one); the caller wipes the returned string when done with it.
std::string encode_request(std::string_view action, std::span<const Item> items, bool send_secret);

// One verdict per item, matched by fingerprint. A body that does not parse, a result
// missing for an item, or a status outside the four is `unknown` with a detail.
std::vector<Verdict> decode_response(std::string_view body, std::span<const Item> items);

}  // namespace tokensweep::broker
