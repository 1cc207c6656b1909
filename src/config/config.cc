// The one file of src/config that calls yaml-cpp: its exceptions stop here.
#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "source/path_glob.h"

namespace tokensweep::config {
namespace {

namespace fs = std::filesystem;

std::string where(const std::string& origin, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return origin;
  return origin + ":" + std::to_string(mark.line + 1);
}

Error bad(const std::string& origin, const YAML::Node& node, const std::string& key, const std::string& message) {
  return make_error(ErrorCode::kInvalidArgument, key + ": " + message, where(origin, node));
}

// Relative paths in the file are relative to the file, not to where tokensweep runs.
std::string resolve(const std::string& origin, const std::string& value) {
  const fs::path p(value);
  if (p.is_absolute()) return value;
  const fs::path dir = fs::path(origin).parent_path();
  return dir.empty() ? value : (dir / p).lexically_normal().string();
}

Result<std::vector<Located>> string_list(const std::string& origin, const YAML::Node& node, const std::string& key) {
  std::vector<Located> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) return bad(origin, node, key, "expected a list of strings");
  for (const YAML::Node& item : node) {
    if (!item.IsScalar() || item.Scalar().empty()) return bad(origin, item, key, "expected a non-empty string");
    out.push_back({item.Scalar(), where(origin, item)});
  }
  return out;
}

Status parse_selector(const std::string& origin, const YAML::Node& node, const std::string& key,
                      std::vector<Located>& rule_ids, std::vector<Located>& providers) {
  if (node.IsNull()) return Status::ok();
  if (!node.IsMap()) return bad(origin, node, key, "expected a map with 'rules' and/or 'providers'");
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    const std::string full = key + "." + name;
    if (name != "rules" && name != "providers") {
      return bad(origin, kv.first, full, "unknown key (expected 'rules' or 'providers')");
    }
    auto list = string_list(origin, kv.second, full);
    if (!list) return list.error();
    auto& target = name == "rules" ? rule_ids : providers;
    target.insert(target.end(), list.value().begin(), list.value().end());
  }
  return Status::ok();
}

Result<Config> parse_document(const YAML::Node& doc, const std::string& origin) {
  Config config;
  config.path = origin;
  if (doc.IsNull()) return config;  // an empty file: every default
  if (!doc.IsMap()) return bad(origin, doc, "(top level)", "expected a map of settings");
  std::set<std::string> seen;
  for (const auto& kv : doc) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& value = kv.second;
    if (!seen.insert(key).second) return bad(origin, kv.first, key, "given twice");
    if (key == "rules") {
      auto list = string_list(origin, value, key);
      if (!list) return list.error();
      for (const auto& l : list.value()) config.rule_paths.push_back(resolve(origin, l.value));
    } else if (key == "enable") {
      if (auto st = parse_selector(origin, value, key, config.enable_rules, config.enable_providers); !st) {
        return st.error();
      }
    } else if (key == "disable") {
      if (auto st = parse_selector(origin, value, key, config.disable_rules, config.disable_providers); !st) {
        return st.error();
      }
    } else if (key == "allow_paths") {
      auto list = string_list(origin, value, key);
      if (!list) return list.error();
      for (const auto& l : list.value()) {
        if (const std::string problem = source::glob_problem(l.value); !problem.empty()) {
          return make_error(ErrorCode::kInvalidArgument, key + ": '" + l.value + "': " + problem, l.location);
        }
        config.allow_paths.push_back(l.value);
      }
    } else if (key == "min_confidence") {
      if (!value.IsScalar()) return bad(origin, value, key, "expected low, medium or high");
      config.min_confidence = rules::parse_confidence(value.Scalar());
      if (!config.min_confidence) {
        return bad(origin, value, key, "'" + value.Scalar() + "' is not low, medium or high");
      }
    } else if (key == "baseline") {
      if (!value.IsScalar() || value.Scalar().empty()) return bad(origin, value, key, "expected a file path");
      config.baseline = resolve(origin, value.Scalar());
    } else {
      return bad(origin, kv.first, key,
                 "unknown key (expected rules, enable, disable, allow_paths, min_confidence or baseline)");
    }
  }
  return config;
}

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& origin) {
  try {
    return parse_document(YAML::Load(std::string(text)), origin);
  } catch (const YAML::Exception& e) {
    const std::string at = e.mark.line >= 0 ? origin + ":" + std::to_string(e.mark.line + 1) : origin;
    return make_error(ErrorCode::kInvalidArgument, "malformed YAML: " + e.msg, at);
  }
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, "cannot read config file", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

Result<rules::RuleSet> select_rules(const rules::RuleSet& all, const Config& config) {
  std::set<std::string_view> ids, providers;
  for (const auto& r : all.rules()) {
    ids.insert(r.id);
    providers.insert(r.provider);
  }
  auto check = [&](const std::vector<Located>& list, const std::set<std::string_view>& known, const char* key,
                   const char* what) -> Status {
    for (const auto& l : list) {
      if (known.count(l.value) == 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          std::string(key) + ": no " + what + " '" + l.value + "' among the loaded rules", l.location);
      }
    }
    return Status::ok();
  };
  for (const auto& st : {check(config.enable_rules, ids, "enable.rules", "rule"),
                         check(config.enable_providers, providers, "enable.providers", "provider"),
                         check(config.disable_rules, ids, "disable.rules", "rule"),
                         check(config.disable_providers, providers, "disable.providers", "provider")}) {
    if (!st) return st.error();
  }
  auto named = [](const std::vector<Located>& list, std::string_view value) {
    for (const auto& l : list) {
      if (l.value == value) return true;
    }
    return false;
  };
  const bool enable_all = config.enable_rules.empty() && config.enable_providers.empty();
  std::vector<rules::Rule> kept;
  for (const auto& r : all.rules()) {
    if (!enable_all && !named(config.enable_rules, r.id) && !named(config.enable_providers, r.provider)) continue;
    if (named(config.disable_rules, r.id) || named(config.disable_providers, r.provider)) continue;
    if (config.min_confidence && r.confidence < *config.min_confidence) continue;
    kept.push_back(r);
  }
  if (kept.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "enable/disable/min_confidence leave no rule to scan with",
                      config.path);
  }
  rules::RuleSet out;
  if (auto st = out.add(std::move(kept)); !st) return st.error();
  return out;
}

}  // namespace tokensweep::config
