#include "source/exports.h"

namespace tokensweep::source {

std::string_view innermost_name(std::string_view path) {
  const std::size_t bang = path.rfind('!');
  return bang == std::string_view::npos ? path : path.substr(bang + 1);
}

std::string_view base_name(std::string_view name) {
  const std::size_t slash = name.find_last_of("/\\");
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

std::string_view skip_bom_and_space(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  while (!head.empty() && (head[0] == ' ' || head[0] == '\t' || head[0] == '\r' || head[0] == '\n')) {
    head.remove_prefix(1);
  }
  return head;
}

bool contains_nocase(std::string_view haystack, std::string_view needle) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  if (needle.empty()) return true;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && lower(haystack[i + j]) == lower(needle[j])) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

std::vector<bool> repeated_in_others(const std::vector<std::string_view>& texts) {
  std::vector<bool> repeated(texts.size(), false);
  std::size_t bytes = 0;
  for (const auto t : texts) bytes += t.size();
  if (texts.size() < 2 || texts.size() * bytes > (std::size_t{64} << 20)) return repeated;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    for (std::size_t j = 0; j < texts.size() && !repeated[i]; ++j) {
      if (j == i || repeated[j]) continue;
      const bool longer = texts[j].size() > texts[i].size() || (texts[j].size() == texts[i].size() && j < i);
      if (longer && texts[j].find(texts[i]) != std::string_view::npos) repeated[i] = true;
    }
  }
  return repeated;
}

}  // namespace tokensweep::source
