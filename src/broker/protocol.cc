// The one file that parses hook answers with nlohmann::json; its exceptions stop here.
#include "broker/protocol.h"

#include <nlohmann/json.hpp>

#include <unordered_map>

#include "http/client.h"

namespace tokensweep::broker {
namespace {

using Json = nlohmann::json;

// A JSON string literal written straight into `out`, so the secret is never copied
// into a json value that nobody wipes. RFC 8259 §7.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::optional<report::BrokerStatus> parse_status(const std::string& s) {
  if (s == "active") return report::BrokerStatus::kActive;
  if (s == "inactive") return report::BrokerStatus::kInactive;
  if (s == "revoked") return report::BrokerStatus::kRevoked;
  if (s == "unknown") return report::BrokerStatus::kUnknown;
  return std::nullopt;
}

}  // namespace

std::string encode_request(std::string_view action, std::span<const Item> items, bool send_secret) {
  std::string out;
  out.reserve(64 + items.size() * (160 + (send_secret ? 128 : 0)));
  out += "{\"action\":";
  append_json_string(out, action);
  out += ",\"findings\":[";
  bool first = true;
  for (const Item& item : items) {
    if (!first) out += ',';
    first = false;
    out += "{\"fingerprint\":";
    append_json_string(out, item.fingerprint);
    out += ",\"kind\":";
    append_json_string(out, item.kind);
    out += ",\"provider\":";
    append_json_string(out, item.provider);
    out += ",\"rule_id\":";
    append_json_string(out, item.rule_id);
    if (send_secret && !item.secret.empty()) {
      out += ",\"secret\":";
      append_json_string(out, item.secret);
    }
    out += '}';
  }
  out += "]}";
  return out;
}

std::vector<Verdict> decode_response(std::string_view body, std::span<const Item> items) {
  std::unordered_map<std::string, Verdict> by_fingerprint;
  try {
    Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array()) {
      return all_unknown(items.size(), "the hook's answer is not {\"results\":[...]}");
    }
    for (const Json& r : doc["results"]) {
      if (!r.is_object()) continue;
      auto fp = r.find("fingerprint");
      auto st = r.find("status");
      if (fp == r.end() || !fp->is_string() || st == r.end() || !st->is_string()) continue;
      auto status = parse_status(st->get<std::string>());
      Verdict v;
      if (status) {
        v.status = *status;
        if (v.status == report::BrokerStatus::kUnknown) v.detail = "the hook answered unknown";
      } else {
        v.detail = "the hook answered a status outside active/inactive/revoked/unknown";
      }
      by_fingerprint.emplace(fp->get<std::string>(), v);
    }
  } catch (const std::exception&) {
    return all_unknown(items.size(), "the hook's answer could not be read");
  }
  std::vector<Verdict> out;
  out.reserve(items.size());
  for (const Item& item : items) {
    auto it = by_fingerprint.find(item.fingerprint);
    out.push_back(it != by_fingerprint.end() ? it->second
                                             : Verdict{report::BrokerStatus::kUnknown, "the hook gave no result for it"});
  }
  return out;
}

}  // namespace tokensweep::broker
