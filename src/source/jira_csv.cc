// jira-csv: Jira's CSV export (see exports.h). RFC 4180, read leniently where Excel is:
// a quote inside an unquoted field, or text after a closing quote, is kept as text.
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "source/exports.h"

namespace tokensweep::source {
namespace {

bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && contains_nocase(a, b);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class JiraCsv final : public RecordFormat {
 public:
  JiraCsv() { record_.decoders = {"csv"}; }

  Status feed(std::string_view in, const RecordSink& emit) override {
    if (!error_.message.empty()) return error_;
    const char* p = in.data();
    const char* const end = p + in.size();
    while (p < end) {
      switch (state_) {
        case State::kFieldStart:
          field_begin_ = row_.size();
          field_line_ = line_;
          if (fields_.empty()) row_line_ = line_;
          if (*p == '"') {
            state_ = State::kQuoted;
            ++p;
            continue;
          }
          state_ = State::kUnquoted;
          continue;  // the same byte, as the field's first
        case State::kUnquoted: {
          const char* s = p;
          while (p < end && *p != ',' && *p != '\n' && *p != '\r') ++p;
          row_.append(s, static_cast<std::size_t>(p - s));
          if (p == end) break;
          const char c = *p++;
          if (c == ',') {
            end_field();
            state_ = State::kFieldStart;
          } else if (c == '\n') {
            end_field();
            if (Status st = end_row(emit); !st) return st;
            ++line_;
          } else {
            state_ = State::kCr;
          }
          break;
        }
        case State::kQuoted: {
          const void* q = std::memchr(p, '"', static_cast<std::size_t>(end - p));
          const char* stop = q == nullptr ? end : static_cast<const char*>(q);
          for (const char* c = p; c < stop; ++c) line_ += *c == '\n' ? 1 : 0;
          row_.append(p, static_cast<std::size_t>(stop - p));
          p = stop;
          if (p < end) {
            ++p;
            state_ = State::kQuoteInQuoted;
          }
          break;
        }
        case State::kQuoteInQuoted: {
          const char c = *p++;
          if (c == '"') {  // "" is one quote
            row_ += '"';
            state_ = State::kQuoted;
          } else if (c == ',') {
            end_field();
            state_ = State::kFieldStart;
          } else if (c == '\n') {
            end_field();
            if (Status st = end_row(emit); !st) return st;
            ++line_;
          } else if (c == '\r') {
            state_ = State::kCr;
          } else {
            row_ += c;  // text after the closing quote: kept (lenient)
            state_ = State::kUnquoted;
          }
          break;
        }
        case State::kCr:
          if (*p == '\n') {
            ++p;
            end_field();
            if (Status st = end_row(emit); !st) return st;
            ++line_;
          } else {
            row_ += '\r';  // a lone CR is part of the field
            state_ = State::kUnquoted;
          }
          break;
      }
      if (row_.size() > kMaxRecordBytes) {
        error_ = make_error(ErrorCode::kLimit, "line " + std::to_string(row_line_) + ": a CSV row longer than " +
                                                   std::to_string(kMaxRecordBytes >> 20) + " MiB" +
                                                   (state_ == State::kQuoted ? " (an unterminated quoted field?)" : ""));
        return error_;
      }
    }
    return {};
  }

  Status finish(const RecordSink& emit) override {
    if (!error_.message.empty()) return error_;
    if (state_ == State::kQuoted) {
      error_ = make_error(ErrorCode::kMalformed,
                          "line " + std::to_string(field_line_) + ": invalid CSV (a quoted field starts here and is never closed)");
      return error_;
    }
    if (state_ == State::kCr) row_ += '\r';
    if (state_ != State::kFieldStart || !fields_.empty()) {
      end_field();
      return end_row(emit);
    }
    return {};
  }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kCr };

  struct Field {
    std::size_t begin = 0;
    std::size_t size = 0;
    uint64_t line = 1;
  };

  void end_field() {
    fields_.push_back({field_begin_, row_.size() - field_begin_, field_line_});
    state_ = State::kFieldStart;
  }

  Status end_row(const RecordSink& emit) {
    const bool blank = fields_.size() == 1 && fields_[0].size == 0;
    if (!blank) {
      if (!have_header_) {
        set_header();
      } else {
        emit_row(emit);
      }
    }
    fields_.clear();
    row_.clear();
    state_ = State::kFieldStart;
    return {};
  }

  void set_header() {
    have_header_ = true;
    std::vector<std::string> names;
    for (const Field& f : fields_) {
      std::string_view name = trim(std::string_view(row_).substr(f.begin, f.size));
      if (names.empty() && name.substr(0, 3) == "\xEF\xBB\xBF") name = trim(name.substr(3));
      names.emplace_back(name);
    }
    std::map<std::string, int> total;
    for (const auto& n : names) ++total[n];
    std::map<std::string, int> seen;
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::string label = names[i].empty() ? "column " + std::to_string(i + 1) : names[i];
      if (!names[i].empty() && total[names[i]] > 1) label += "[" + std::to_string(++seen[names[i]]) + "]";
      if (key_column_ < 0 && equals_nocase(names[i], "Issue key")) key_column_ = static_cast<int>(i);
      labels_.push_back(std::move(label));
    }
  }

  void emit_row(const RecordSink& emit) {
    std::string_view issue;
    if (key_column_ >= 0 && static_cast<std::size_t>(key_column_) < fields_.size()) {
      const Field& k = fields_[static_cast<std::size_t>(key_column_)];
      issue = trim(std::string_view(row_).substr(k.begin, k.size));
    }
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const Field& f = fields_[i];
      if (f.size == 0) continue;
      record_.text = std::string_view(row_).substr(f.begin, f.size);
      record_.line = f.line;
      record_.lines_are_input_lines = true;  // a quoted field's line breaks are the file's
      record_.source.clear();
      if (!issue.empty()) record_.source.emplace_back("issue", std::string(issue));
      record_.source.emplace_back("field", i < labels_.size() ? labels_[i] : "column " + std::to_string(i + 1));
      emit(record_);
    }
  }

  State state_ = State::kFieldStart;
  uint64_t line_ = 1;
  uint64_t field_line_ = 1;
  uint64_t row_line_ = 1;
  std::size_t field_begin_ = 0;
  std::string row_;             // the current row's decoded fields, back to back
  std::vector<Field> fields_;
  bool have_header_ = false;
  std::vector<std::string> labels_;
  int key_column_ = -1;
  Record record_;
  Error error_;
};

}  // namespace

bool detect_jira_csv(std::string_view path, std::string_view head) {
  const std::string_view name = base_name(innermost_name(path));
  if (name.size() < 4 || !contains_nocase(name.substr(name.size() - 4), ".csv")) return false;
  const std::size_t nl = head.find('\n');
  return contains_nocase(head.substr(0, nl), "issue key");
}

std::unique_ptr<RecordFormat> make_jira_csv(std::string_view /*path*/) { return std::make_unique<JiraCsv>(); }

}  // namespace tokensweep::source
