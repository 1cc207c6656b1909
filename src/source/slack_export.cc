// slack-export: one day file of a Slack workspace export (see exports.h).
#include <array>
#include <string>
#include <vector>

#include "source/exports.h"
#include "source/json_stream.h"

namespace tokensweep::source {
namespace {

// Keys whose string values are text someone wrote or pasted, wherever they sit in a
// message: the message's text, rich-text elements (text, link url), section blocks,
// legacy attachments (fallback, pretext, title, fields' value, footer), file previews.
constexpr std::array<std::string_view, 12> kTextKeys = {
    "text", "fallback", "pretext", "title", "value", "url", "preview", "plain_text",
    "footer", "title_link", "from_url", "original_url"};
// Members of a message that hold metadata, not text: never records.
constexpr std::array<std::string_view, 5> kSkippedMembers = {"user_profile", "bot_profile", "reactions", "edited",
                                                            "icons"};

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& set) {
  for (const auto& x : set) {
    if (s == x) return true;
  }
  return false;
}

bool is_digits(std::string_view s) {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "YYYY-MM-DD.json"
bool is_day_file_name(std::string_view name) {
  return name.size() == 15 && is_digits(name.substr(0, 4)) && name[4] == '-' && is_digits(name.substr(5, 2)) &&
         name[7] == '-' && is_digits(name.substr(8, 2)) && name.substr(10) == ".json";
}

// The folder a day file is in: the channel (or DM / group) name.
std::string channel_of(std::string_view path) {
  std::string_view name = innermost_name(path);
  const std::size_t slash = name.find_last_of("/\\");
  if (slash == std::string_view::npos) return {};
  name = name.substr(0, slash);
  return std::string(base_name(name));
}

class SlackExport final : public RecordFormat, private JsonStream::Handler {
 public:
  explicit SlackExport(std::string_view path) : channel_(channel_of(path)), json_(*this, false) {
    record_.decoders = {"json-unescape"};
  }

  Status feed(std::string_view in, const RecordSink& emit) override {
    emit_ = &emit;
    Status st = json_.feed(in);
    emit_ = nullptr;
    return st;
  }

  Status finish(const RecordSink& emit) override {
    emit_ = &emit;
    Status st = json_.finish();
    emit_ = nullptr;
    if (st && json_.values() == 0) {
      return make_error(ErrorCode::kMalformed, "line 1: invalid JSON (empty; a Slack day file is a JSON array)");
    }
    return st;
  }

 private:
  struct Pending {
    std::string text;
    std::string field;
    uint64_t line = 0;
  };

  Status not_an_array() const {
    return make_error(ErrorCode::kMalformed, "line " + std::to_string(json_.line()) +
                                                 ": not a Slack day file (the JSON document is not an array of messages)");
  }

  Status on_begin(bool object) override {
    const auto& fr = json_.frames();
    if (fr.size() == 1 && object) return not_an_array();
    if (fr.size() == 2 && object) start_message();
    return {};
  }

  Status on_end(bool object) override {
    if (json_.frames().size() == 2 && object) emit_message();
    return {};
  }

  Status on_scalar(std::string_view /*text*/) override {
    if (json_.frames().empty()) return not_an_array();
    return {};
  }

  Status on_string(std::string_view value, uint64_t line) override {
    const auto& fr = json_.frames();
    if (fr.empty()) return not_an_array();
    // Only members of objects inside a message (fr[1]); not strings in arrays.
    if (fr.size() < 2 || !fr[1].object || !fr.back().object) return {};
    const std::string_view key = fr.back().key;  // string_view ==: sizes first
    if (fr.size() == 2) {
      if (key == "ts") ts_.assign(value);
      else if (key == "user") user_.assign(value);
      else if (key == "bot_id") bot_id_.assign(value);
      else if (key == "username") username_.assign(value);
      else if (key == "thread_ts") thread_ts_.assign(value);
    } else {
      const std::string_view member = fr[1].key;
      if (member == "user_profile") {
        if (fr.size() == 3 && key == "display_name") display_name_.assign(value);
        if (fr.size() == 3 && key == "real_name") real_name_.assign(value);
        return {};
      }
      if (one_of(member, kSkippedMembers)) return {};
    }
    if (value.empty() || !one_of(key, kTextKeys)) return {};
    return add(value, line);
  }

  void start_message() {
    count_ = 0;
    bytes_ = 0;
    ts_.clear();
    user_.clear();
    bot_id_.clear();
    username_.clear();
    thread_ts_.clear();
    display_name_.clear();
    real_name_.clear();
  }

  Status add(std::string_view value, uint64_t line) {
    bytes_ += value.size();
    if (bytes_ > kMaxRecordBytes) {
      return make_error(ErrorCode::kLimit, "line " + std::to_string(line) + ": a Slack message with more than " +
                                               std::to_string(kMaxRecordBytes >> 20) + " MiB of text");
    }
    if (pending_.size() <= count_) pending_.resize(count_ + 1);
    Pending& p = pending_[count_++];
    p.text.assign(value);
    p.line = line;
    // The path within the message: blocks[0].elements[0].elements[1].text
    const auto& fr = json_.frames();
    p.field.clear();
    for (std::size_t i = 1; i < fr.size(); ++i) {
      if (fr[i].object) {
        if (i > 1) p.field += '.';
        p.field += fr[i].key;
      } else {
        p.field += '[' + std::to_string(fr[i].index) + ']';
      }
    }
    return {};
  }

  void emit_message() {
    const std::string& user = !user_.empty() ? user_ : bot_id_;
    const std::string& user_name = !display_name_.empty() ? display_name_
                                   : !real_name_.empty()  ? real_name_
                                                          : username_;
    texts_.clear();
    for (std::size_t i = 0; i < count_; ++i) texts_.push_back(pending_[i].text);
    const std::vector<bool> repeated = repeated_in_others(texts_);
    for (std::size_t i = 0; i < count_; ++i) {
      if (repeated[i]) continue;
      const Pending& p = pending_[i];
      record_.text = p.text;
      record_.line = p.line;
      record_.source.clear();
      if (!channel_.empty()) record_.source.emplace_back("channel", channel_);
      if (!ts_.empty()) record_.source.emplace_back("ts", ts_);
      if (!user.empty()) record_.source.emplace_back("user", user);
      if (!user_name.empty()) record_.source.emplace_back("user_name", user_name);
      if (!thread_ts_.empty() && thread_ts_ != ts_) record_.source.emplace_back("thread_ts", thread_ts_);
      record_.source.emplace_back("field", p.field);
      (*emit_)(record_);
    }
    count_ = 0;
    bytes_ = 0;
  }

  std::string channel_;
  JsonStream json_;
  const RecordSink* emit_ = nullptr;
  Record record_;
  std::vector<Pending> pending_;  // the current message's records; reused
  std::vector<std::string_view> texts_;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
  std::string ts_, user_, bot_id_, username_, thread_ts_, display_name_, real_name_;
};

}  // namespace

bool detect_slack_export(std::string_view path, std::string_view head) {
  if (!is_day_file_name(base_name(innermost_name(path)))) return false;
  const std::string_view body = skip_bom_and_space(head);
  return !body.empty() && body[0] == '[';
}

std::unique_ptr<RecordFormat> make_slack_export(std::string_view path) {
  return std::make_unique<SlackExport>(path);
}

}  // namespace tokensweep::source
