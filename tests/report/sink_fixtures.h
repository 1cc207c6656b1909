// Reports and rule sets shared by the sink tests. Secrets here are generated at test
// time; nothing in the tree is a real credential.
#pragma once

#include <cstdlib>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/secret_bytes.h"
#include "report/finding.h"
#include "report/sink.h"
#include "rules/rule_set.h"

namespace tokensweep::report::testing {

// A made-up GitHub-classic-PAT-shaped token: "ghp_" and 36 random base62 characters.
inline std::string generate_ghp_token() {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::mt19937_64 gen(device());
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string token = "ghp_";
  for (int i = 0; i < 36; ++i) token += kAlphabet[pick(gen)];
  return token;
}

// A finding built the way the collector builds one: fingerprint and hint from the bytes.
inline Finding finding_for_secret(std::string_view secret, std::string_view prefix, Finding base) {
  auto bytes = std::make_shared<const SecretBytes>(secret);
  base.fingerprint = bytes->fingerprint();
  base.redacted = bytes->redacted(prefix);
  base.secret = std::move(bytes);
  return base;
}

inline Finding pat_finding(std::string path, uint64_t line, uint64_t column) {
  Finding f;
  f.rule_id = "github.pat-classic";
  f.rule_name = "GitHub personal access token (classic)";
  f.kind = "pat";
  f.provider = "github";
  f.confidence = "high";
  f.path = std::move(path);
  f.line = line;
  f.column = column;
  f.offset = line * 100 + column;
  f.validation = Validation::kValid;
  return finding_for_secret("ghp_" + std::string(32, 'a') + std::to_string(line) + "xyz", "ghp_", f);
}

inline Finding bearer_finding(std::string path, uint64_t line, uint64_t column) {
  Finding f;
  f.rule_id = "generic.bearer-header";
  f.rule_name = "Bearer token in an Authorization header";
  f.kind = "access_token";
  f.provider = "generic";
  f.confidence = "medium";
  f.path = std::move(path);
  f.line = line;
  f.column = column;
  f.offset = line * 100 + column;
  f.decoders = {"gzip", "tar", "json-unescape"};
  f.status = BrokerStatus::kActive;
  f.source = {{"history_entry", "42"}, {"timestamp", "2026-01-02T03:04:05Z"}};
  return finding_for_secret("eyJzdWIiOiJ0ZXN0In0." + std::to_string(line), "", f);
}

// Two files; the second a nested archive member.
inline Report sample_report() {
  Report r;
  r.findings.push_back(pat_finding("config/settings.yml", 3, 14));
  r.findings.push_back(bearer_finding("config/settings.yml", 12, 5));
  r.findings.push_back(pat_finding("image.tar!blobs/sha256/ab12!root/.config/gh/hosts.yml", 1, 1));
  r.diagnostics.push_back({"logs/huge.log", "limit", "file larger than 64 MiB; first 64 MiB scanned", true});
  r.diagnostics.push_back({"secret-dir", "io", "permission denied", true});
  r.summary.files_scanned = 12;
  r.summary.bytes_scanned = 1258291;  // 1.2 MiB
  r.summary.files_skipped = 2;
  r.summary.findings = 3;
  r.summary.duplicates_merged = 1;
  r.summary.rules = 3;
  r.summary.seconds = 0.0421;
  return r;
}

inline rules::RuleSet sample_rules() {
  rules::Rule pat;
  pat.id = "github.pat-classic";
  pat.name = "GitHub personal access token (classic)";
  pat.kind = rules::Kind::kPat;
  pat.provider = "github";
  pat.pattern = R"(\b(ghp_[A-Za-z0-9]{36})\b)";
  pat.validate = rules::Validator::kGithubCrc32;
  pat.confidence = rules::Confidence::kHigh;
  pat.references = {"https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats"};
  pat.public_prefix = "ghp_";
  pat.origin = "rules/github.yaml:1";

  rules::Rule bearer;
  bearer.id = "generic.bearer-header";
  bearer.name = "Bearer token in an Authorization header";
  bearer.kind = rules::Kind::kAccessToken;
  bearer.provider = "generic";
  bearer.pattern = R"(Authorization: Bearer ([A-Za-z0-9._-]{20,}))";
  bearer.confidence = rules::Confidence::kMedium;
  bearer.references = {"RFC 6750 section 2.1", "https://www.rfc-editor.org/rfc/rfc6750#section-2.1"};
  bearer.origin = "rules/generic.yaml:1";

  rules::Rule unused;  // no finding uses it: SARIF leaves it out
  unused.id = "slack.bot-token";
  unused.name = "Slack bot token";
  unused.kind = rules::Kind::kAccessToken;
  unused.provider = "slack";
  unused.pattern = R"(\b(xoxb-[0-9A-Za-z-]{20,})\b)";
  unused.origin = "rules/slack.yaml:1";

  rules::RuleSet set;
  // Added in an order unlike id order, so that sorting is visible.
  auto status = set.add({unused, pat, bearer});
  if (!status) std::abort();
  return set;
}

inline std::string render(Format format, const Report& report, const SinkOptions& options = {}) {
  std::ostringstream out;
  write_report(format, report, sample_rules(), options, out);
  return out.str();
}

inline std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    const std::size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(s.substr(start));
      break;
    }
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace tokensweep::report::testing
