#include "login/json_wipe.h"

#include "http/client.h"

namespace tokensweep::login {

void wipe_json(nlohmann::json& doc) {
  if (doc.is_string()) {
    http::wipe(doc.get_ref<std::string&>());
  } else if (doc.is_array() || doc.is_object()) {
    for (auto& item : doc) wipe_json(item);
  }
}

Secret take_secret(nlohmann::json& doc, std::string_view key) {
  if (!doc.is_object()) return {};
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_string()) return {};
  auto& value = it->get_ref<std::string&>();
  Secret secret(value);
  http::wipe(value);
  return secret;
}

std::string string_member(const nlohmann::json& doc, std::string_view key) {
  if (!doc.is_object()) return {};
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

nlohmann::json parse_json(std::string_view text) {
  return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace tokensweep::login
