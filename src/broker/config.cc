// The one file that calls yaml-cpp for the broker: its exceptions stop here.
#include "broker/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace tokensweep::broker {

const char* hook_type_name(HookType t) {
  switch (t) {
    case HookType::kOauth: return "oauth";
    case HookType::kWebhook: return "webhook";
    case HookType::kExec: return "exec";
  }
  return "?";
}

namespace {

std::string_view strip_slash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

bool rule_matches(const std::string& pattern, const std::string& rule_id) {
  if (!pattern.empty() && pattern.back() == '*') {
    return rule_id.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  return pattern == rule_id;
}

// Thrown inside this file only, caught in parse_broker_config.
struct ConfigError {
  std::string location;
  std::string message;
};

class Parser {
 public:
  explicit Parser(std::string path) : path_(std::move(path)) {}

  std::string where(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    return m.line >= 0 ? path_ + ":" + std::to_string(m.line + 1) : path_;
  }
  [[noreturn]] void fail(const YAML::Node& n, const std::string& message) const {
    throw ConfigError{where(n), message};
  }

  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, what + " must be a string");
    return n.as<std::string>();
  }
  std::vector<std::string> list(const YAML::Node& n, const std::string& what) const {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.as<std::string>());
      return out;
    }
    if (!n.IsSequence()) fail(n, what + " must be a list of strings");
    for (const auto& item : n) out.push_back(scalar(item, what + " entries"));
    return out;
  }
  long long number(const YAML::Node& n, const std::string& what, long long lo, long long hi) const {
    long long v = 0;
    if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v) || v < lo || v > hi) {
      fail(n, what + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    return v;
  }
  bool boolean(const YAML::Node& n, const std::string& what) const {
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) fail(n, what + " must be true or false");
    return v;
  }

  HookConfig hook(const YAML::Node& n) const {
    if (!n.IsMap()) fail(n, "each hook must be a mapping");
    HookConfig h;
    h.location = where(n);
    const std::string label = n["name"] && n["name"].IsScalar() ? "hook '" + n["name"].as<std::string>() + "': " : "hook: ";
    bool have_type = false;
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "name") h.name = scalar(v, label + "name");
      else if (key == "type") {
        const std::string t = scalar(v, label + "type");
        if (t == "oauth") h.type = HookType::kOauth;
        else if (t == "webhook") h.type = HookType::kWebhook;
        else if (t == "exec") h.type = HookType::kExec;
        else fail(v, label + "unknown type '" + t + "' (expected oauth, webhook or exec)");
        have_type = true;
      }
      else if (key == "issuer") h.issuer = scalar(v, label + "issuer");
      else if (key == "introspection_endpoint") h.introspection_endpoint = scalar(v, label + key);
      else if (key == "revocation_endpoint") h.revocation_endpoint = scalar(v, label + key);
      else if (key == "client_id") h.client_id = scalar(v, label + key);
      else if (key == "client_secret" || key == "secret" || key == "client_secret_value") {
        // Design §3.4: never inline. A secret in a config file leaks with the file.
        fail(kv.first, label + "an inline '" + key +
                           "' is refused: put the secret in an environment variable (client_secret_env) "
                           "or a file (client_secret_file)");
      }
      else if (key == "client_secret_env") h.client_secret_env = scalar(v, label + key);
      else if (key == "client_secret_file") h.client_secret_file = scalar(v, label + key);
      else if (key == "url") h.url = scalar(v, label + key);
      else if (key == "send_secret") h.send_secret = boolean(v, label + key);
      else if (key == "batch_size") h.batch_size = static_cast<std::size_t>(number(v, label + key, 1, 1000));
      else if (key == "command") h.command = list(v, label + key);
      else if (key == "ca_file") h.ca_file = scalar(v, label + key);
      else if (key == "connect_timeout") h.connect_timeout = std::chrono::seconds(number(v, label + key, 1, 300));
      else if (key == "timeout") h.timeout = std::chrono::seconds(number(v, label + key, 1, 600));
      else if (key == "timeout_ms") h.timeout = std::chrono::milliseconds(number(v, label + key, 10, 600'000));
      else if (key == "concurrency") h.concurrency = static_cast<unsigned>(number(v, label + key, 1, 64));
      else if (key == "max_attempts") h.max_attempts = static_cast<int>(number(v, label + key, 1, 10));
      else if (key == "max_retry_after") h.max_retry_after = std::chrono::seconds(number(v, label + key, 0, 3600));
      else if (key == "match") h.match = match(v, label);
      else fail(kv.first, label + "unknown key '" + key + "'");
    }
    if (h.name.empty()) fail(n, "a hook needs a name");
    if (!have_type) fail(n, label + "needs a type (oauth, webhook or exec)");
    if (h.connect_timeout > h.timeout) h.connect_timeout = h.timeout;
    validate(n, h, label);
    return h;
  }

  Match match(const YAML::Node& n, const std::string& label) const {
    if (!n.IsMap()) fail(n, label + "match must be a mapping");
    Match m;
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      if (key == "providers") m.providers = list(kv.second, label + "match.providers");
      else if (key == "rules") m.rules = list(kv.second, label + "match.rules");
      else if (key == "jwt_issuers") m.jwt_issuers = list(kv.second, label + "match.jwt_issuers");
      else fail(kv.first, label + "unknown match key '" + key + "' (expected providers, rules, jwt_issuers)");
    }
    return m;
  }

  void validate(const YAML::Node& n, const HookConfig& h, const std::string& label) const {
    if (h.match.providers.empty() && h.match.rules.empty() && h.match.jwt_issuers.empty()) {
      fail(n, label + "match claims no findings (give providers, rules or jwt_issuers)");
    }
    if (!h.client_secret_env.empty() && !h.client_secret_file.empty()) {
      fail(n, label + "give client_secret_env or client_secret_file, not both");
    }
    switch (h.type) {
      case HookType::kOauth:
        if (h.client_id.empty()) fail(n, label + "an oauth hook needs client_id");
        if (h.client_secret_env.empty() && h.client_secret_file.empty()) {
          fail(n, label + "an oauth hook needs client_secret_env or client_secret_file");
        }
        if (h.issuer.empty() && h.introspection_endpoint.empty()) {
          fail(n, label + "an oauth hook needs issuer (for discovery) or introspection_endpoint");
        }
        if (h.send_secret) fail(n, label + "send_secret applies to webhook and exec hooks only");
        break;
      case HookType::kWebhook:
        if (h.url.empty()) fail(n, label + "a webhook hook needs url");
        if ((!h.client_secret_env.empty() || !h.client_secret_file.empty()) && h.client_id.empty()) {
          fail(n, label + "client_secret_env/client_secret_file on a webhook need client_id");
        }
        break;
      case HookType::kExec:
        if (h.command.empty() || h.command[0].empty()) fail(n, label + "an exec hook needs command: [PROGRAM, ARGS...]");
        break;
    }
  }

  BrokerConfig file(const YAML::Node& root) const {
    BrokerConfig config;
    config.path = path_;
    if (!root.IsMap()) throw ConfigError{path_, "expected a mapping with a 'hooks' list"};
    for (const auto& kv : root) {
      if (kv.first.as<std::string>() != "hooks") fail(kv.first, "unknown key '" + kv.first.as<std::string>() + "'");
    }
    const YAML::Node hooks = root["hooks"];
    if (!hooks || !hooks.IsSequence() || hooks.size() == 0) throw ConfigError{path_, "'hooks' must be a non-empty list"};
    std::set<std::string> names;
    for (const auto& n : hooks) {
      HookConfig h = hook(n);
      if (!names.insert(h.name).second) fail(n, "hook name '" + h.name + "' is used twice");
      config.hooks.push_back(std::move(h));
    }
    return config;
  }

 private:
  std::string path_;
};

}  // namespace

bool Match::claims(const report::Finding& f) const {
  if (std::find(providers.begin(), providers.end(), f.provider) != providers.end()) return true;
  for (const auto& r : rules) {
    if (rule_matches(r, f.rule_id)) return true;
  }
  if (!f.jwt_issuer.empty()) {
    for (const auto& iss : jwt_issuers) {
      if (strip_slash(iss) == strip_slash(f.jwt_issuer)) return true;
    }
  }
  return false;
}

Result<BrokerConfig> parse_broker_config(const std::string& text, const std::string& path) {
  Parser parser(path);
  try {
    return parser.file(YAML::Load(text));
  } catch (const ConfigError& e) {
    return make_error(ErrorCode::kInvalidArgument, e.message, e.location);
  } catch (const YAML::Exception& e) {
    const std::string where = e.mark.line >= 0 ? path + ":" + std::to_string(e.mark.line + 1) : path;
    return make_error(ErrorCode::kInvalidArgument, e.msg, where);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, e.what(), path);
  }
}

Result<BrokerConfig> load_broker_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, "cannot read the broker file", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_broker_config(text.str(), path);
}

}  // namespace tokensweep::broker
