#include "corpus.h"

#include <time.h>

#include <algorithm>
#include <array>
#include <random>

#include "engine/validators.h"

namespace tokensweep::bench {
namespace {

constexpr std::array<const char*, 12> kWords = {
    "request", "handler", "cache", "timeout", "user", "session", "deploy", "build",
    "artifact", "retry", "upstream", "config"};

std::string base62(std::mt19937& rng, std::size_t n) {
  static constexpr char kAlpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += kAlpha[rng() % 62];
  return s;
}

std::string token(std::mt19937& rng) {
  switch (rng() % 4) {
    case 0: {
      const std::string body = base62(rng, 30);
      return "export GITHUB_TOKEN=gho_" + body + engine::crc32_base62(body);
    }
    case 1: return "Authorization: Bearer " + base62(rng, 40);
    case 2: return "{\"refresh_token\":\"" + base62(rng, 48) + "\"}";
    default: return "access_token=ya29." + base62(rng, 90);
  }
}

void log_line(std::mt19937& rng, std::string& out) {
  out += "2026-11-27T10:";
  out += std::to_string(10 + rng() % 50) + ":" + std::to_string(10 + rng() % 50) + ".";
  out += std::to_string(100000 + rng() % 900000) + "Z ";
  if (rng() % 4 == 0) out += "\x1b[32m";
  out += (rng() % 5 == 0) ? "WARN " : "INFO ";
  if (rng() % 4 == 0) out += "\x1b[0m";
  const int words = 6 + static_cast<int>(rng() % 10);
  for (int i = 0; i < words; ++i) {
    out += kWords[rng() % kWords.size()];
    out += (rng() % 7 == 0) ? "=" + std::to_string(rng() % 100000) + " " : " ";
  }
  out += "id=" + base62(rng, 12) + "\n";
}

void source_line(std::mt19937& rng, std::string& out) {
  const int indent = static_cast<int>(rng() % 4) * 2;
  out.append(static_cast<std::size_t>(indent), ' ');
  switch (rng() % 5) {
    case 0: out += "if (" + std::string(kWords[rng() % kWords.size()]) + "_count > " + std::to_string(rng() % 64) + ") {\n"; break;
    case 1: out += "return " + std::string(kWords[rng() % kWords.size()]) + "->next();\n"; break;
    case 2: out += "// TODO: handle the " + std::string(kWords[rng() % kWords.size()]) + " case\n"; break;
    case 3: out += "const auto " + std::string(kWords[rng() % kWords.size()]) + " = load(\"" + base62(rng, 8) + "\");\n"; break;
    default: out += "}\n";
  }
}

// One message of a chat or ticket export as JSON Lines (Slack-like keys). Its text is a
// JSON string, so a planted token's quotes arrive escaped (\") and its slashes as \/, as
// exporters write them.
void jsonl_line(std::mt19937& rng, std::string& out, const std::string& planted = "") {
  out += "{\"type\":\"message\",\"ts\":\"17642" + std::to_string(10000 + rng() % 90000) + "." +
         std::to_string(100000 + rng() % 900000) + "\",\"channel\":\"C" + base62(rng, 8) + "\",\"user\":\"U" +
         base62(rng, 8) + "\",\"text\":\"";
  if (planted.empty()) {
    const int words = 5 + static_cast<int>(rng() % 12);
    for (int i = 0; i < words; ++i) {
      if (i > 0) out += ' ';
      out += kWords[rng() % kWords.size()];
    }
    if (rng() % 3 == 0) out += " see https:\\/\\/ci.example.com\\/builds\\/" + std::to_string(rng() % 100000);
  } else {
    out += "here you go: ";
    for (const char c : planted) {
      if (c == '"' || c == '\\' || c == '/') out += '\\';
      out += c;
    }
  }
  out += "\",\"reply_count\":" + std::to_string(rng() % 5) + "}\n";
}

}  // namespace

bool parse_shape(const std::string& name, Shape& shape) {
  if (name == "log") shape = Shape::kLog;
  else if (name == "source") shape = Shape::kSource;
  else if (name == "jsonl") shape = Shape::kJsonl;
  else return false;
  return true;
}

std::string make_corpus(Shape shape, std::size_t bytes, std::size_t token_every, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out;
  out.reserve(bytes + 256);
  std::size_t next_token = token_every ? token_every / 2 + rng() % token_every : SIZE_MAX;
  while (out.size() < bytes) {
    if (out.size() >= next_token) {
      if (shape == Shape::kJsonl) jsonl_line(rng, out, token(rng)); else out += token(rng) + "\n";
      next_token = out.size() + token_every / 2 + rng() % token_every;
    }
    switch (shape) {
      case Shape::kLog: log_line(rng, out); break;
      case Shape::kSource: source_line(rng, out); break;
      case Shape::kJsonl: jsonl_line(rng, out); break;
    }
  }
  return out;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

int count_hit(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  ++*static_cast<unsigned long long*>(ctx);
  return 0;
}

}  // namespace tokensweep::bench
