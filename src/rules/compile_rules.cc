// tokensweep_rules_compile RULES_DIR OUTPUT: the build step that turns rules/*.yaml into
// the C++ table of the built-in rules (rules/builtin_rules.h), so that the scanner never
// parses YAML for them at run time.
//
// It loads the files with the same loader as `--rules` (so the same checks and the same
// "file:line id: message" errors, which here fail the build), rejects duplicate ids as
// load_rule_set does, and writes every field of every rule, in file-name order. Patterns
// are checked against the engines by `rules check` and the test suite, not here: this tool
// links only the rule model and the loader.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/loader.h"
#include "rules/rule_set.h"

namespace tokensweep::rules {
namespace {

namespace fs = std::filesystem;

// A C++ string literal holding exactly `text`: octal escapes (at most three digits, so a
// following digit cannot extend them) for every byte outside printable ASCII, and the
// second '?' of "??" escaped so that no trigraph can form.
std::string literal(std::string_view text) {
  std::string out = "\"";
  char previous = '\0';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\' || c == '"' || (c == '?' && previous == '?')) {
      out += '\\';
      out += ch;
    } else if (c >= 0x20 && c < 0x7f) {
      out += ch;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    }
    previous = ch;
  }
  return out + "\"sv";
}

// Defines an array named `name` for a non-empty list; returns the span expression for it.
std::string list(std::ostream& out, const std::string& name, const std::vector<std::string>& items) {
  if (items.empty()) return "{}";
  out << "constexpr std::string_view " << name << "[] = {";
  for (const auto& item : items) out << "\n    " << literal(item) << ",";
  out << "\n};\n";
  return name;
}

std::string table_source(const RuleSet& set) {
  std::ostringstream arrays;
  std::ostringstream table;
  for (std::size_t i = 0; i < set.size(); ++i) {
    const Rule& r = set[i];
    const std::string n = std::to_string(i);
    std::vector<std::string> hints;
    for (const auto& [key, value] : r.broker_hints) {
      hints.push_back(key);
      hints.push_back(value);
    }
    arrays << "// " << r.id << "\n";
    const std::string hint_list = list(arrays, "kHints" + n, hints);
    const std::string ref_list = list(arrays, "kReferences" + n, r.references);
    const std::string example_list = list(arrays, "kExamples" + n, r.examples);
    const std::string negative_list = list(arrays, "kNegativeExamples" + n, r.negative_examples);
    table << "    {" << literal(r.id) << ",\n     " << literal(r.name) << ",\n     static_cast<Kind>("
          << static_cast<int>(r.kind) << "),\n     " << literal(r.provider) << ",\n     " << literal(r.pattern)
          << ",\n     static_cast<Validator>(" << static_cast<int>(r.validate) << "),\n     static_cast<Confidence>("
          << static_cast<int>(r.confidence) << "),\n     " << hint_list << ", " << ref_list << ", " << example_list
          << ", " << negative_list << ",\n     " << literal(r.public_prefix) << ",\n     " << literal(r.origin)
          << "},\n";
  }
  std::ostringstream src;
  src << "// Generated from rules/*.yaml by tokensweep_rules_compile (src/rules/compile_rules.cc).\n"
      << "// Do not edit: edit rules/ and rebuild.\n"
      << "#include \"rules/builtin_rules.h\"\n\n"
      << "namespace tokensweep::rules {\nnamespace {\n\nusing namespace std::string_view_literals;\n\n"
      << arrays.str() << "\nconstexpr BuiltinRule kRules[] = {\n"
      << table.str() << "};\n\n}  // namespace\n\n"
      << "std::span<const BuiltinRule> builtin_rule_table() { return kRules; }\n\n"
      << "}  // namespace tokensweep::rules\n";
  return src.str();
}

Result<RuleSet> load_dir(const std::string& dir) {
  // *.yaml only, sorted by name: the files the build's glob depends on.
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml") files.push_back(it->path());
  }
  if (ec) return make_error(ErrorCode::kIo, "cannot list rules directory: " + ec.message(), dir);
  std::sort(files.begin(), files.end());
  RuleSet set;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorCode::kIo, "cannot read rules file", file.string());
    std::ostringstream text;
    text << in.rdbuf();
    auto rules = parse_rules_yaml(text.str(), "builtin:rules/" + file.filename().string());
    if (!rules) return rules.error();
    if (auto st = set.add(std::move(rules).value()); !st) return st.error();
  }
  return set;
}

}  // namespace
}  // namespace tokensweep::rules

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: tokensweep_rules_compile RULES_DIR OUTPUT.cc\n");
    return 2;
  }
  auto set = tokensweep::rules::load_dir(argv[1]);
  if (!set) {
    std::fprintf(stderr, "tokensweep_rules_compile: %s\n", set.error().to_string().c_str());
    return 1;
  }
  // Write beside the target and rename, so an interrupted build leaves no half table.
  const std::string output = argv[2];
  const std::string tmp = output + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << tokensweep::rules::table_source(set.value());
    out.close();
    if (!out) {
      std::fprintf(stderr, "tokensweep_rules_compile: cannot write %s\n", tmp.c_str());
      return 1;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, output, ec);
  if (ec) {
    std::fprintf(stderr, "tokensweep_rules_compile: cannot write %s: %s\n", output.c_str(), ec.message().c_str());
    return 1;
  }
  return 0;
}
