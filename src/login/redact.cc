#include "login/redact.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/base64.h"
#include "common/sha256.h"
#include "http/client.h"
#include "http/url.h"

namespace tokensweep::login {
namespace {

constexpr std::array<std::string_view, 10> kSecretNames = {
    "access_token", "refresh_token", "id_token",  "device_code", "token",
    "client_secret", "code",         "password",  "assertion",   "subject_token"};

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '~' || c == '+' || c == '/' || c == '=' || c == '%';
}

bool is_b64url(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '/') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

bool starts_marker(std::string_view text, std::size_t at) {
  return text.substr(at, 10) == "[REDACTED ";
}

// Layer 2: values after secret-bearing names.
std::string redact_named_values(std::string_view text, bool user_codes) {
  std::vector<std::string_view> names(kSecretNames.begin(), kSecretNames.end());
  if (user_codes) names.push_back("user_code");
  std::string out;
  std::size_t copied = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    for (std::string_view name : names) {
      if (text.compare(i, name.size(), name) != 0) continue;
      if (i > 0 && is_name_char(text[i - 1])) continue;
      std::size_t j = i + name.size();
      if (j < text.size() && is_name_char(text[j])) continue;
      bool json = false;
      if (j < text.size() && text[j] == '"') {  // "name": "value"
        ++j;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
        if (j >= text.size() || text[j] != ':') continue;
        ++j;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
        if (j >= text.size() || text[j] != '"') continue;
        ++j;
        json = true;
      } else if (j < text.size() && text[j] == '=') {  // name=value
        ++j;
      } else {
        continue;
      }
      std::size_t end = j;
      if (json) {
        while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
        end = std::min(end, text.size());
      } else {
        while (end < text.size() && text[end] != '&' && text[end] != ' ' && text[end] != '\n' &&
               text[end] != '\r' && text[end] != '"' && text[end] != ',' && text[end] != ';') {
          ++end;
        }
      }
      if (end > j && !starts_marker(text, j)) {
        out.append(text.substr(copied, j - copied));
        out += redaction_marker(text.substr(j, end - j));
        copied = end;
      }
      i = end;
      matched = true;
      break;
    }
    if (!matched) ++i;
  }
  out.append(text.substr(copied));
  return out;
}

// Layer 3a: Authorization: Bearer/Basic/DPoP <credential>.
std::string redact_auth_schemes(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (std::string_view scheme : {std::string_view("Bearer "), std::string_view("Basic "),
                                    std::string_view("DPoP "), std::string_view("bearer ")}) {
      if (text.compare(i, scheme.size(), scheme) != 0) continue;
      if (i > 0 && is_name_char(text[i - 1])) continue;
      std::size_t j = i + scheme.size();
      std::size_t end = j;
      while (end < text.size() && is_token_char(text[end])) ++end;
      if (end - j >= 8 && !starts_marker(text, j)) {
        out.append(text.substr(copied, j - copied));
        out += redaction_marker(text.substr(j, end - j));
        copied = end;
        i = end;
      }
      break;
    }
  }
  out.append(text.substr(copied));
  return out;
}

// Layer 3b: JWTs (header and payload are base64url JSON objects: "eyJ").
std::string redact_jwts(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  std::size_t i = 0;
  while ((i = text.find("eyJ", i)) != std::string_view::npos) {
    if (i > 0 && is_b64url(text[i - 1])) {
      i += 3;
      continue;
    }
    std::size_t end = i;
    int dots = 0;
    while (end < text.size() && (is_b64url(text[end]) || (text[end] == '.' && dots < 2))) {
      if (text[end] == '.') ++dots;
      ++end;
    }
    if (dots >= 1 && end - i >= 16) {
      out.append(text.substr(copied, i - copied));
      out += redaction_marker(text.substr(i, end - i));
      copied = end;
    }
    i = std::max(end, i + 3);
  }
  out.append(text.substr(copied));
  return out;
}

void replace_all(std::string& text, std::string_view needle, std::string_view replacement) {
  if (needle.empty()) return;
  std::size_t at = 0;
  while ((at = text.find(needle, at)) != std::string::npos) {
    text.replace(at, needle.size(), replacement);
    at += replacement.size();
  }
}

}  // namespace

std::string redaction_marker(std::string_view secret) {
  return "[REDACTED sha256:" + sha256_hex(secret).substr(0, 12) + "]";
}

void Redactor::add_secret(std::string_view value) {
  if (value.size() < 8) return;  // too short to be a token; would shred ordinary text
  Known k;
  k.fingerprint = redaction_marker(value);
  for (const auto& known : known_) {
    if (known.fingerprint == k.fingerprint) return;
  }
  std::vector<std::string> forms = {
      std::string(value),
      http::percent_encode(value),
      http::form_escape(value),
      json_escape(value),
      base64_encode(value, false, true),
      base64_encode(value, false, false),
      base64_encode(value, true, false),
  };
  for (auto& form : forms) {
    bool duplicate = false;
    for (const auto& f : k.forms) duplicate = duplicate || f.view() == form;
    if (!duplicate) k.forms.emplace_back(form);
    http::wipe(form);
  }
  known_.push_back(std::move(k));
}

std::string Redactor::redact(std::string_view text, bool user_codes) const {
  std::string out(text);
  for (const auto& k : known_) {
    for (const auto& form : k.forms) replace_all(out, form.view(), k.fingerprint);
  }
  std::string named = redact_named_values(out, user_codes);
  http::wipe(out);
  std::string schemes = redact_auth_schemes(named);
  http::wipe(named);
  std::string jwts = redact_jwts(schemes);
  http::wipe(schemes);
  return jwts;
}

}  // namespace tokensweep::login
