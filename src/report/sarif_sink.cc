// The SARIF 2.1.0 sink, shaped for GitHub code scanning (issue 8) and the SARIF
// Multitool's validation rules.
//
// Choices, and why:
// - tool.driver.rules holds the rules that have results, sorted by id, so the file
//   stays small and the same findings give the same bytes whatever order the rules
//   were loaded in. A result whose rule is not in the RuleSet still gets a descriptor,
//   built from the finding, so every ruleIndex points at a rule with its ruleId.
// - reportingDescriptor.name is a PascalCase form of the rule name
//   ("GitHubOAuthAccessToken"): SARIF §3.49.7 wants an identifier, the Multitool
//   (SARIF2012) a Pascal one; the human name goes in shortDescription.
// - partialFingerprints["tokensweep/v1"] is the finding's fingerprint (SHA-256 of the
//   secret): stable when lines move. GitHub matches alerts by rule, path and
//   fingerprint, so one secret repeated in one file is one alert, which is what it is:
//   one credential to revoke.
// - Paths under SinkOptions::base_dir are relative references with uriBaseId
//   "%SRCROOT%" (GitHub resolves them against the checkout); absolute paths elsewhere
//   become file:// URIs. Bytes outside RFC 3986 pchar are percent-encoded, which also
//   carries non-UTF-8 bytes losslessly. The nesting '!' is a sub-delim and stays.
// - region columns are the finding's byte columns. SARIF counts UTF-16 code units by
//   default; the two agree on ASCII lines, which is where tokens live.
// - No snippet or context region is ever written: it would contain the secret.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/sink.h"

namespace tokensweep::report {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

constexpr std::string_view kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kSrcRoot = "%SRCROOT%";
constexpr std::string_view kFingerprintKey = "tokensweep/v1";

// What a reportingDescriptor is built from: a Rule, or failing that a Finding.
struct RuleInfo {
  std::string id, name, kind, provider, confidence;
  std::vector<std::string> references;
  bool checksum = false;  // an offline checksum confirms every match
};

RuleInfo info_from_rule(const rules::Rule& r) {
  RuleInfo info{r.id, r.name, std::string(rules::kind_name(r.kind)), r.provider,
                std::string(rules::confidence_name(r.confidence)), r.references, false};
  info.checksum = r.validate == rules::Validator::kGithubCrc32 ||
                  r.validate == rules::Validator::kNpmCrc32;
  return info;
}

RuleInfo info_from_finding(const Finding& f) {
  return RuleInfo{f.rule_id, f.rule_name, f.kind, f.provider, f.confidence, {}, false};
}

// What a leaked secret of each kind (design §3.2) lets its holder do.
std::string_view kind_blurb(std::string_view kind) {
  static const std::map<std::string_view, std::string_view> kBlurbs{
      {"device_code", "An OAuth 2.0 device code (RFC 8628). Until it expires, whoever holds it "
                      "can poll the token endpoint and receive the tokens its user approves."},
      {"user_code", "An OAuth 2.0 device-flow user code (RFC 8628). With the verification URI "
                    "it lets someone else approve a login, or lure the user into approving theirs."},
      {"access_token", "An access token. Whoever holds it can call the provider's APIs as its "
                       "owner until it expires or is revoked."},
      {"refresh_token", "A refresh token. Whoever holds it can mint new access tokens, often for "
                        "weeks or months, until it is revoked."},
      {"id_token", "An OpenID Connect ID token. It carries claims about the user and may be "
                   "accepted as proof of login by services that trust its issuer."},
      {"pat", "A personal access token: a long-lived credential with its owner's permissions."},
      {"api_key", "An API key: it authenticates calls to the provider's API."},
      {"session_token", "A session token: it acts as an existing session until that session ends."},
      {"client_secret", "An OAuth client secret: it lets anyone authenticate as the application."},
      {"private_key", "A private key: it lets anyone sign or decrypt as its owner."},
      {"password", "A password."},
  };
  auto it = kBlurbs.find(kind);
  return it == kBlurbs.end() ? std::string_view("A credential.") : it->second;
}

// GitHub reads "security-severity" as a CVSS-like score: 9.0+ critical, 7.0+ high,
// 4.0+ medium. What matters is how much a holder can do and for how long.
std::string_view security_severity(std::string_view kind) {
  if (kind == "private_key" || kind == "refresh_token" || kind == "pat" ||
      kind == "client_secret")
    return "9.0";
  if (kind == "user_code") return "4.0";
  if (kind == "id_token") return "6.0";
  if (kind == "device_code") return "7.0";
  return "8.0";  // access tokens, API keys, session tokens, passwords, unknown kinds
}

std::string_view precision(const RuleInfo& r) {
  if (r.confidence == "high") return r.checksum ? "very-high" : "high";
  if (r.confidence == "low") return "low";
  return "medium";
}

std::string_view default_level(std::string_view confidence) {
  return confidence == "low" ? "warning" : "error";
}

// A live token is an error whatever the rule's confidence; one the broker says is dead
// is a note; an expired one a warning.
std::string_view result_level(const Finding& f) {
  if (f.status == BrokerStatus::kActive) return "error";
  if (f.status == BrokerStatus::kRevoked || f.status == BrokerStatus::kInactive) return "note";
  if (f.validation == Validation::kExpired) return "warning";
  return default_level(f.confidence);
}

std::string pascal_name(std::string_view words) {
  std::string out;
  bool start = true;
  for (char c : words) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      start = true;
      continue;
    }
    out += (start && c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    start = false;
  }
  return out;
}

bool is_absolute_uri(std::string_view s) {
  return s.starts_with("https://") || s.starts_with("http://");
}

std::string markdown_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\`*_[]<>#|").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

Json reporting_descriptor(const RuleInfo& r) {
  const std::string title = r.name.empty() ? r.id : r.name;
  const std::string_view blurb = kind_blurb(r.kind);
  const bool known_issuer = !r.provider.empty() && r.provider != "generic";
  const std::string remedy =
      "Revoke or rotate the credential " + (known_issuer ? "at " + r.provider : std::string("with its issuer")) +
      " first: deleting it from the file does not make it safe, because it stays in history, "
      "logs, backups and every copy already made. Then remove it from the file, and from "
      "shared history where you can.";

  std::string text = std::string(blurb) + "\n\n" + remedy + "\n";
  std::string markdown = "**" + markdown_escape(title) + "**\n\n" + std::string(blurb) + "\n\n" + remedy + "\n";
  if (!r.references.empty()) {
    text += "\nReferences:\n";
    markdown += "\n**References**\n\n";
    for (const std::string& ref : r.references) {
      text += "  " + ref + "\n";
      markdown += is_absolute_uri(ref) ? "- <" + ref + ">\n" : "- " + markdown_escape(ref) + "\n";
    }
  }

  Json d;
  d["id"] = r.id;
  d["name"] = pascal_name(r.name.empty() ? r.id : r.name);
  d["shortDescription"] = {{"text", title}};
  d["fullDescription"] = {{"text", std::string(blurb)}};
  d["defaultConfiguration"] = {{"level", default_level(r.confidence)}};
  d["help"] = {{"text", text}, {"markdown", markdown}};
  const auto uri = std::find_if(r.references.begin(), r.references.end(),
                                [](const std::string& s) { return is_absolute_uri(s); });
  if (uri != r.references.end()) d["helpUri"] = *uri;
  Json tags = Json::array({"security"});
  if (!r.kind.empty()) tags.push_back(r.kind);
  if (!r.provider.empty() && r.provider != r.kind) tags.push_back(r.provider);
  d["properties"] = {{"tags", std::move(tags)},
                     {"precision", precision(r)},
                     {"security-severity", security_severity(r.kind)}};
  return d;
}

// RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@". ':' is
// encoded anyway, since in the first segment of a relative reference it would read as a
// scheme (§4.2).
std::string percent_encode_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("-._~!$&'()*+,;=@/").find(ch) != std::string_view::npos;
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

// The scan root that paths are made relative to, normalised once.
class BaseDir {
 public:
  explicit BaseDir(const std::string& base) {
    if (base.empty()) return;
    given_ = normalize(fs::path(base));
    std::error_code ec;
    absolute_ = normalize(fs::absolute(given_, ec));
    if (ec) absolute_ = given_;
  }

  bool empty() const { return given_.empty(); }

  // "file:///abs/base/": SARIF §3.14.14 wants an absolute URI ending in '/'.
  std::string uri() const {
    std::string s = absolute_.generic_string();
    if (s.empty() || s.back() != '/') s += '/';
    return "file://" + percent_encode_path(s);
  }

  // The path of `outer` relative to the base, or "" when it is not strictly under it.
  std::string relative(std::string_view outer) const {
    if (empty() || outer.empty()) return {};
    fs::path p(outer);
    const fs::path* base = &given_;
    if (p.is_absolute() != given_.is_absolute()) {
      std::error_code ec;
      if (p.is_relative()) p = fs::absolute(p, ec);
      if (ec) return {};
      base = &absolute_;
    }
    const fs::path rel = normalize(p).lexically_relative(*base);
    if (rel.empty() || rel == "." || *rel.begin() == "..") return {};
    return rel.generic_string();
  }

 private:
  static fs::path normalize(const fs::path& p) {
    fs::path n = p.lexically_normal();
    if (!n.has_filename() && n.has_relative_path()) n = n.parent_path();  // "a/b/" -> "a/b"
    return n;
  }

  fs::path given_;
  fs::path absolute_;
};

Json artifact_location(std::string_view path, const BaseDir& base) {
  // Only the part before the first '!' is a file system path; the rest names members
  // inside it and is kept as it is.
  const std::size_t bang = path.find('!');
  const std::string_view outer = path.substr(0, bang);
  const std::string_view inner = bang == std::string_view::npos ? "" : path.substr(bang);
  Json loc;
  if (std::string rel = base.relative(outer); !rel.empty()) {
    loc["uri"] = percent_encode_path(rel + std::string(inner));
    loc["uriBaseId"] = kSrcRoot;
  } else if (!outer.empty() && outer.front() == '/') {
    loc["uri"] = "file://" + percent_encode_path(path);
  } else {
    loc["uri"] = percent_encode_path(path);
  }
  return loc;
}

std::string result_message(const Finding& f) {
  std::string text = (f.rule_name.empty() ? f.rule_id : f.rule_name) + " '" + f.redacted + "'";
  std::vector<std::string> facts;
  if (f.validation != Validation::kUnchecked)
    facts.push_back(std::string("validation: ") + validation_name(f.validation));
  if (f.status != BrokerStatus::kUnchecked)
    facts.push_back(std::string("broker: ") + broker_status_name(f.status));
  for (std::size_t i = 0; i < facts.size(); ++i) text += (i == 0 ? " (" : ", ") + facts[i];
  if (!facts.empty()) text += ")";
  return text + ".";  // Multitool SARIF2001: messages are sentences
}

Json result_json(const Finding& f, std::size_t rule_index, const BaseDir& base) {
  Json r;
  r["ruleId"] = f.rule_id;
  r["ruleIndex"] = rule_index;
  r["level"] = result_level(f);
  r["message"] = {{"text", result_message(f)}};
  Json physical;
  physical["artifactLocation"] = artifact_location(f.path, base);
  if (f.line > 0) {  // SARIF §3.30.5: lines and columns are 1-based; 0 means unknown
    Json region;
    region["startLine"] = f.line;
    if (f.column > 0) region["startColumn"] = f.column;
    physical["region"] = std::move(region);
  }
  r["locations"] = Json::array({Json{{"physicalLocation", std::move(physical)}}});
  r["partialFingerprints"] = {{kFingerprintKey, f.fingerprint}};
  Json props;
  props["validation"] = validation_name(f.validation);
  props["status"] = broker_status_name(f.status);
  props["decoders"] = f.decoders;
  props["kind"] = f.kind;
  props["provider"] = f.provider;
  props["confidence"] = f.confidence;
  if (!f.source.empty()) {
    Json source = Json::object();
    for (const auto& [key, value] : f.source) source[key] = value;
    props["source"] = std::move(source);
  }
  r["properties"] = std::move(props);
  return r;
}

Json invocation_json(const Report& report, const BaseDir& base) {
  bool complete = true;
  Json notifications = Json::array();
  for (const Diagnostic& d : report.diagnostics) {
    complete = complete && !d.incomplete;
    Json n;
    n["level"] = d.incomplete ? "error" : "warning";
    n["message"] = {{"text", d.message}};
    if (!d.code.empty()) n["descriptor"] = {{"id", d.code}};
    if (!d.path.empty()) {
      n["locations"] = Json::array(
          {Json{{"physicalLocation", Json{{"artifactLocation", artifact_location(d.path, base)}}}}});
    }
    n["properties"] = {{"incomplete", d.incomplete}};
    notifications.push_back(std::move(n));
  }
  Json inv;
  // An incomplete scan never reads as clean (design §3.1): it is not a successful run.
  inv["executionSuccessful"] = complete;
  if (!notifications.empty()) inv["toolExecutionNotifications"] = std::move(notifications);
  return inv;
}

Json summary_json(const Summary& s) {
  return Json{{"files_scanned", s.files_scanned},
              {"bytes_scanned", s.bytes_scanned},
              {"files_skipped", s.files_skipped},
              {"findings", s.findings},
              {"duplicates_merged", s.duplicates_merged},
              {"rules", s.rules},
              {"suppressed_inline", s.suppressed_inline},
              {"suppressed_baseline", s.suppressed_baseline},
              {"paths_allowlisted", s.paths_allowlisted},
              {"baseline_stale", s.baseline_stale},
              {"seconds", std::isfinite(s.seconds) ? std::round(s.seconds * 1000.0) / 1000.0 : 0.0}};
}

}  // namespace

void write_sarif(const Report& report, const rules::RuleSet& rules, const SinkOptions& options,
                 std::ostream& out) {
  const BaseDir base(options.base_dir);

  // The rules with results, by id.
  std::map<std::string, RuleInfo> infos;
  for (const Finding& f : report.findings) {
    if (infos.count(f.rule_id) != 0) continue;
    const rules::Rule* rule = rules.find(f.rule_id);
    infos.emplace(f.rule_id, rule != nullptr ? info_from_rule(*rule) : info_from_finding(f));
  }
  std::map<std::string_view, std::size_t> index;
  Json descriptors = Json::array();
  for (const auto& [id, info] : infos) {
    index.emplace(id, descriptors.size());
    descriptors.push_back(reporting_descriptor(info));
  }

  Json driver;
  driver["name"] = "tokensweep";
  if (!options.tool_version.empty()) {
    driver["version"] = options.tool_version;
    driver["semanticVersion"] = options.tool_version;
  }
  if (!options.information_uri.empty()) driver["informationUri"] = options.information_uri;
  driver["rules"] = std::move(descriptors);

  Json results = Json::array();
  for (const Finding& f : report.findings) results.push_back(result_json(f, index.at(f.rule_id), base));

  Json run;
  run["tool"] = {{"driver", std::move(driver)}};
  if (!base.empty()) {
    run["originalUriBaseIds"] = {{kSrcRoot, {{"uri", base.uri()}}}};
  }
  run["invocations"] = Json::array({invocation_json(report, base)});
  run["results"] = std::move(results);
  run["properties"] = {{"summary", summary_json(report.summary)}};

  Json doc;
  doc["$schema"] = kSchema;
  doc["version"] = "2.1.0";
  doc["runs"] = Json::array({std::move(run)});
  out << doc.dump(2, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace) << '\n';
}

}  // namespace tokensweep::report
