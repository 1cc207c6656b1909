#include "source/format.h"

#include <algorithm>
#include <cstring>

#include "source/exports.h"
#include "source/ci_log.h"
#include "source/shell_history.h"
#include "source/image_config.h"

namespace tokensweep::source {

// Each format module adds its entries here, in detection order: the more specific first.
const std::vector<FormatInfo>& formats() {
  static const std::vector<FormatInfo> all = {
      {"image-config", "a container image's config: config.Env and history[].created_by (build args) as records",
       &detect_image_config, nullptr, &make_image_config},
      {"slack-export", "a Slack export's day file (<channel>/<YYYY-MM-DD>.json): messages, blocks, attachments",
       &detect_slack_export, nullptr, &make_slack_export},
      {"jira-csv", "a Jira CSV export: every field, repeated columns numbered", &detect_jira_csv, nullptr,
       &make_jira_csv},
      {"zendesk-export", "Zendesk tickets as JSON or NDJSON: subjects, descriptions, comment bodies",
       &detect_zendesk_export, nullptr, &make_zendesk_export},
      {"bash-history", "a bash history: one entry per line, #<epoch> times", &detect_bash_history, &make_bash_history, nullptr},
      {"zsh-history", "a zsh history: extended : <epoch>:<s>; entries, continuations, metafied bytes", &detect_zsh_history, &make_zsh_history, nullptr},
      {"fish-history", "a fish history: - cmd: / when: entries, fish escapes", &detect_fish_history, &make_fish_history, nullptr},
      {"powershell-history", "a PSReadLine ConsoleHost_history.txt: CRLF, backtick continuations", &detect_powershell_history, &make_powershell_history, nullptr},
      {"jenkins-log", "a Jenkins build log: console notes blanked, pipeline stages as steps", &detect_jenkins_log, &make_jenkins_log, nullptr},
      {"gitlab-log", "a GitLab job log: sections as steps, FF_TIMESTAMPS prefixes removed", &detect_gitlab_log, &make_gitlab_log, nullptr},
      {"github-actions-log", "a GitHub Actions job or step log: timestamps removed, steps and groups", &detect_github_actions_log, &make_github_actions_log, nullptr},
  };
  return all;
}

const FormatInfo* detect_format(std::string_view path, std::string_view head) {
  for (const auto& f : formats()) {
    if (f.detect(path, head)) return &f;
  }
  return nullptr;
}

const FormatInfo* find_format(std::string_view name) {
  for (const auto& f : formats()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Result<std::size_t> LineFormatSource::read(char* buf, std::size_t n) {
  constexpr std::size_t kChunk = 1U << 20;
  while (out_pos_ == out_.size() && !finished_) {
    out_.clear();
    out_pos_ = 0;
    in_.resize(kChunk);
    auto got = input_.read(in_.data(), in_.size());
    if (!got) return got.error();
    if (got.value() == 0) {
      format_.finish(out_);
      finished_ = true;
    } else {
      format_.feed(std::string_view(in_.data(), got.value()), out_);
    }
  }
  n = std::min(n, out_.size() - out_pos_);
  std::memcpy(buf, out_.data() + out_pos_, n);
  out_pos_ += n;
  return n;
}

}  // namespace tokensweep::source
