// The one file that calls yaml-cpp: its exceptions stop here.
#include "rules/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace tokensweep::rules {
namespace {

namespace fs = std::filesystem;

const std::set<std::string, std::less<>> kKnownKeys = {
    "id", "name", "kind", "provider", "pattern", "validate", "confidence",
    "broker", "references", "examples", "negative_examples", "description",
};

std::string where(const std::string& origin, const YAML::Node& node) {
  return origin + ":" + std::to_string(node.Mark().line + 1);
}

bool valid_id(std::string_view id) {
  // provider "." name, lowercase ASCII letters, digits, '-', '_' and further dots.
  const auto dot = id.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == id.size()) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// Reads a scalar, or fails with a message naming the key.
Result<std::string> scalar(const YAML::Node& map, const char* key, bool required,
                           const std::string& loc) {
  const YAML::Node node = map[key];
  if (!node) {
    if (required) return make_error(ErrorCode::kBadRule, std::string("missing field '") + key + "'", loc);
    return std::string();
  }
  if (!node.IsScalar()) {
    return make_error(ErrorCode::kBadRule, std::string("field '") + key + "' must be a string", loc);
  }
  return node.Scalar();
}

Result<std::vector<std::string>> string_list(const YAML::Node& map, const char* key,
                                             const std::string& loc) {
  std::vector<std::string> out;
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) return out;
  if (!node.IsSequence()) {
    return make_error(ErrorCode::kBadRule, std::string("field '") + key + "' must be a list", loc);
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      return make_error(ErrorCode::kBadRule,
                        std::string("every entry of '") + key + "' must be a string", loc);
    }
    out.push_back(item.Scalar());
  }
  return out;
}

Result<Rule> parse_rule(const YAML::Node& node, const std::string& origin) {
  std::string loc = where(origin, node);
  if (!node.IsMap()) return make_error(ErrorCode::kBadRule, "a rule must be a mapping", loc);

  Rule rule;
  rule.origin = loc;
  auto id = scalar(node, "id", true, loc);
  if (!id) return id.error();
  rule.id = id.value();
  loc += " " + rule.id;
  if (!valid_id(rule.id)) {
    return make_error(ErrorCode::kBadRule,
                      "id must be lowercase 'provider.name' (letters, digits, '-', '_', '.')", loc);
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (!kKnownKeys.count(key)) {
      return make_error(ErrorCode::kBadRule, "unknown field '" + key + "'", where(origin, kv.first) + " " + rule.id);
    }
  }

  auto name = scalar(node, "name", true, loc);
  if (!name) return name.error();
  rule.name = name.value();

  auto kind = scalar(node, "kind", true, loc);
  if (!kind) return kind.error();
  const auto parsed_kind = parse_kind(kind.value());
  if (!parsed_kind) return make_error(ErrorCode::kBadRule, "unknown kind '" + kind.value() + "'", loc);
  rule.kind = *parsed_kind;

  auto provider = scalar(node, "provider", true, loc);
  if (!provider) return provider.error();
  rule.provider = provider.value();
  if (rule.id.compare(0, rule.provider.size() + 1, rule.provider + ".") != 0) {
    return make_error(ErrorCode::kBadRule,
                      "id must start with the provider ('" + rule.provider + ".')", loc);
  }

  auto pattern = scalar(node, "pattern", true, loc);
  if (!pattern) return pattern.error();
  if (pattern.value().empty()) return make_error(ErrorCode::kBadRule, "empty pattern", loc);
  rule.pattern = pattern.value();
  rule.public_prefix = literal_capture_prefix(rule.pattern);

  auto validate = scalar(node, "validate", false, loc);
  if (!validate) return validate.error();
  if (!validate.value().empty()) {
    const auto v = parse_validator(validate.value());
    if (!v) return make_error(ErrorCode::kBadRule, "unknown validator '" + validate.value() + "'", loc);
    rule.validate = *v;
  }

  auto confidence = scalar(node, "confidence", false, loc);
  if (!confidence) return confidence.error();
  if (!confidence.value().empty()) {
    const auto c = parse_confidence(confidence.value());
    if (!c) {
      return make_error(ErrorCode::kBadRule,
                        "confidence must be high, medium or low, not '" + confidence.value() + "'", loc);
    }
    rule.confidence = *c;
  }

  if (const YAML::Node broker = node["broker"]; broker && !broker.IsNull()) {
    if (!broker.IsMap()) return make_error(ErrorCode::kBadRule, "field 'broker' must be a mapping", loc);
    for (const auto& kv : broker) {
      if (!kv.second.IsScalar()) {
        return make_error(ErrorCode::kBadRule, "broker hints must be strings", loc);
      }
      rule.broker_hints.emplace_back(kv.first.as<std::string>(), kv.second.Scalar());
    }
  }

  auto refs = string_list(node, "references", loc);
  if (!refs) return refs.error();
  rule.references = std::move(refs).value();
  auto examples = string_list(node, "examples", loc);
  if (!examples) return examples.error();
  rule.examples = std::move(examples).value();
  auto negatives = string_list(node, "negative_examples", loc);
  if (!negatives) return negatives.error();
  rule.negative_examples = std::move(negatives).value();
  return rule;
}

Result<std::vector<Rule>> parse_document(const YAML::Node& doc, const std::string& origin) {
  std::vector<Rule> out;
  if (!doc || doc.IsNull()) return out;  // an empty file holds no rules
  if (!doc.IsMap() || !doc["rules"]) {
    return make_error(ErrorCode::kBadRule, "expected a mapping with a 'rules' list", where(origin, doc));
  }
  for (const auto& kv : doc) {
    const std::string key = kv.first.as<std::string>();
    if (key != "rules") {
      return make_error(ErrorCode::kBadRule, "unknown top-level key '" + key + "'", where(origin, kv.first));
    }
  }
  const YAML::Node list = doc["rules"];
  if (!list.IsSequence()) return make_error(ErrorCode::kBadRule, "'rules' must be a list", where(origin, list));
  for (const auto& node : list) {
    auto rule = parse_rule(node, origin);
    if (!rule) return rule.error();
    out.push_back(std::move(rule).value());
  }
  return out;
}

}  // namespace

Result<std::vector<Rule>> parse_rules_yaml(std::string_view text, const std::string& origin) {
  try {
    return parse_document(YAML::Load(std::string(text)), origin);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kBadRule, "malformed YAML: " + e.msg,
                      origin + ":" + std::to_string(e.mark.line + 1));
  }
}

Result<std::vector<Rule>> load_rules_path(const std::string& path) {
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(path, ec)) {
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      const auto ext = it->path().extension();
      if (ext == ".yaml" || ext == ".yml") files.push_back(it->path().string());
    }
    if (ec) return make_error(ErrorCode::kIo, "cannot list rules directory: " + ec.message(), path);
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  std::vector<Rule> out;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorCode::kIo, "cannot read rules file", file);
    std::ostringstream text;
    text << in.rdbuf();
    auto rules = parse_rules_yaml(text.str(), file);
    if (!rules) return rules.error();
    for (auto& r : rules.value()) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tokensweep::rules
