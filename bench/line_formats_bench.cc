// Throughput of the line formats (shell histories, CI logs) on generated ~256 MiB inputs:
// the format alone, the format plus the engine on what it produces, and the engine on the
// raw bytes (plain scanning), each in 1 MiB pieces as LineFormatSource reads them.
// Run: build/bench/line_formats_bench. With LINE_FORMATS_BENCH_WRITE=<dir> it writes the
// inputs there instead (for a whole-process `tokensweep scan` comparison) and exits.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>

#include "corpus.h"
#include "engine/engine.h"
#include "rules/loader.h"
#include "source/ci_log.h"
#include "source/shell_history.h"

namespace tokensweep::bench {
namespace {

constexpr std::size_t kInputBytes = std::size_t{256} << 20;
constexpr std::size_t kPiece = std::size_t{1} << 20;

struct Input {
  const char* name;  // the format
  const char* file;  // a file name it is detected by (for LINE_FORMATS_BENCH_WRITE)
  std::unique_ptr<source::LineFormat> (*make)(std::string_view);
};

constexpr Input kInputs[] = {
    {"bash-history", ".bash_history", &source::make_bash_history},
    {"zsh-history", ".zsh_history", &source::make_zsh_history},
    {"fish-history", "fish_history", &source::make_fish_history},
    {"powershell-history", "ConsoleHost_history.txt", &source::make_powershell_history},
    {"github-actions-log", "github-job.txt", &source::make_github_actions_log},
    {"gitlab-log", "gitlab-job.log", &source::make_gitlab_log},
    {"jenkins-log", "consoleText", &source::make_jenkins_log},
};

// The log corpus of engine_bench (sparse planted tokens), one line of it per entry/line,
// wrapped in each format's shape.
std::string generate(std::string_view format) {
  const std::string base = make_corpus(Shape::kLog, kInputBytes, std::size_t{1} << 20, 7);
  std::mt19937 rng(11);
  std::string out;
  out.reserve(base.size() + base.size() / 2);
  int64_t epoch = 1767323045;
  uint64_t n = 0;
  std::size_t at = 0;
  while (at < base.size()) {
    std::size_t nl = base.find('\n', at);
    if (nl == std::string::npos) nl = base.size();
    const std::string_view line(base.data() + at, nl - at);
    at = nl + 1;
    ++n;
    epoch += rng() % 30;
    if (format == "bash-history") {
      out += "#" + std::to_string(epoch) + "\n";
      out += line;
      out += '\n';
    } else if (format == "zsh-history") {
      out += ": " + std::to_string(epoch) + ":0;";
      out += line;
      // Now and then a metafied UTF-8 word ("пароль") and a continued entry.
      if (n % 16 == 0) out += " \xD0\xBF\xD0\xB0\xD1\x83\xA0\xD0\xBE\xD0\xBB\xD1\x83\xAC";
      out += n % 32 == 0 ? " \\\n  --continued\n" : "\n";
    } else if (format == "fish-history") {
      out += "- cmd: ";
      out += line;
      out += n % 16 == 0 ? "\\nsecond line\\\\x\n" : "\n";
      out += "  when: " + std::to_string(epoch) + "\n";
      if (n % 8 == 0) out += "  paths:\n    - /srv/app\n";
    } else if (format == "powershell-history") {
      out += line;
      out += n % 32 == 0 ? " `\n  -Continued\r\n" : "\r\n";
    } else if (format == "github-actions-log") {
      if (n % 500 == 1) out += "2026-01-02T03:04:05.1234567Z ##[group]Run ./step-" + std::to_string(n) + ".sh\n";
      if (n % 500 == 3) out += "2026-01-02T03:04:05.1234567Z ##[endgroup]\n";
      out += "2026-01-02T03:04:05.1234567Z ";
      out += line;
      out += '\n';
    } else if (format == "gitlab-log") {
      if (n % 500 == 1) {
        out += "2026-01-02T03:04:05.123456Z 00O section_start:" + std::to_string(epoch) + ":step_" +
               std::to_string(n) + "\r\x1b[0K\n";
      }
      out += n % 64 == 0 ? "2026-01-02T03:04:05.123456Z 01E+" : "2026-01-02T03:04:05.123456Z 00O ";
      out += line;
      out += '\n';
      if (n % 500 == 0) out += "2026-01-02T03:04:05.123456Z 00O section_end:" + std::to_string(epoch) + ":step_" +
                               std::to_string(n - 499) + "\r\x1b[0K\n";
    } else if (format == "jenkins-log") {
      if (n % 500 == 1) out += "[Pipeline] { (Stage " + std::to_string(n) + ")\n";
      if (n % 5 == 0) out += "\x1b[8mha:////4AAAAKx+LCAAAAAAAAP9b85aBtbiIQTGjNKU4P08vOT+vOD8nVc83PyU1x6OyILUoJzMv2y+/JJUBAhiZGBgqihhk0NSjKDWzXb3RdlLBUSYGJk8GtpzUvPSSDB8G5tK8kpJUANVQAPqhAAAA\x1b[0m";
      out += line;
      out += '\n';
      if (n % 500 == 0) out += "[Pipeline] }\n";
    }
  }
  return out;
}

const std::shared_ptr<const engine::Engine>& builtin_engine() {
  static const auto engine = [] {
    auto rules = rules::load_rule_set(true, {});
    return engine::Engine::compile(std::move(rules).value()).value();
  }();
  return engine;
}

// One input at a time in memory (each is ~256-400 MiB).
const std::string& input(const Input& in) {
  static std::string name;
  static std::string data;
  if (name != in.name) {
    data.clear();
    data.shrink_to_fit();
    data = generate(in.name);
    name = in.name;
  }
  return data;
}

void BM_Format(benchmark::State& state, const Input& in) {
  const std::string& data = input(in);
  std::string out;
  for (auto _ : state) {
    auto format = in.make(in.file);
    std::size_t produced = 0;
    for (std::size_t off = 0; off < data.size(); off += kPiece) {
      out.clear();
      format->feed(std::string_view(data).substr(off, kPiece), out);
      produced += out.size();
    }
    out.clear();
    format->finish(out);
    produced += out.size();
    benchmark::DoNotOptimize(produced);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

void BM_FormatAndScan(benchmark::State& state, const Input& in) {
  const std::string& data = input(in);
  engine::Scanner scanner(builtin_engine());
  std::vector<engine::Match> matches;
  std::string out;
  for (auto _ : state) {
    auto format = in.make(in.file);
    std::size_t found = 0;
    for (std::size_t off = 0; off <= data.size(); off += kPiece) {
      out.clear();
      if (off < data.size()) {
        format->feed(std::string_view(data).substr(off, kPiece), out);
      } else {
        format->finish(out);
      }
      matches.clear();
      if (!scanner.scan(out, matches)) state.SkipWithError("scan failed");
      found += matches.size();
    }
    state.counters["matches"] = static_cast<double>(found);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

void BM_PlainScan(benchmark::State& state, const Input& in) {
  const std::string& data = input(in);
  engine::Scanner scanner(builtin_engine());
  std::vector<engine::Match> matches;
  for (auto _ : state) {
    std::size_t found = 0;
    for (std::size_t off = 0; off < data.size(); off += kPiece) {
      matches.clear();
      if (!scanner.scan(std::string_view(data).substr(off, kPiece), matches)) state.SkipWithError("scan failed");
      found += matches.size();
    }
    state.counters["matches"] = static_cast<double>(found);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

int write_inputs(const std::string& dir) {
  for (const auto& in : kInputs) {
    const std::string path = dir + "/" + in.file;
    std::ofstream file(path, std::ios::binary);
    const std::string& data = input(in);
    file.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!file) {
      std::cerr << "cannot write " << path << "\n";
      return 1;
    }
    std::cout << path << "\t" << data.size() << " bytes\n";
  }
  return 0;
}

}  // namespace
}  // namespace tokensweep::bench

int main(int argc, char** argv) {
  using namespace tokensweep::bench;
  if (const char* dir = std::getenv("LINE_FORMATS_BENCH_WRITE")) return write_inputs(dir);
  // Grouped by input so each is generated once.
  for (const auto& in : kInputs) {
    const std::string name = in.name;
    benchmark::RegisterBenchmark(("Format/" + name).c_str(), BM_Format, in)->Unit(benchmark::kMillisecond)->Iterations(2);
    benchmark::RegisterBenchmark(("FormatAndScan/" + name).c_str(), BM_FormatAndScan, in)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(2);
    benchmark::RegisterBenchmark(("PlainScan/" + name).c_str(), BM_PlainScan, in)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(2);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
