// zendesk-export: Zendesk Support tickets and comments as JSON or NDJSON (see exports.h).
//
// The shapes, from Zendesk's Tickets, Ticket Comments, Search and Incremental Export APIs:
// a ticket object (id, subject, raw_subject, description, ..., in NDJSON exports also
// "comments": [...]), a comment object (id, type, author_id, body, html_body, plain_body,
// public, ...), and pages wrapping them ({"tickets": [...]}, {"comments": [...]},
// {"results": [...]}, {"ticket": {...}}). A ticket's id usually comes first, so records
// are emitted as soon as their ticket (and comment) id is known, otherwise when the
// ticket's object closes.
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "source/exports.h"
#include "source/json_stream.h"

namespace tokensweep::source {
namespace {

constexpr std::array<std::string_view, 2> kTicketFields = {"subject", "description"};
constexpr std::array<std::string_view, 3> kCommentFields = {"body", "html_body", "plain_body"};

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& set) {
  for (const auto& x : set) {
    if (s == x) return true;
  }
  return false;
}

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && contains_nocase(s.substr(s.size() - suffix.size()), suffix);
}

// The name without a compression suffix: "tickets.ndjson.gz" → "tickets.ndjson".
std::string_view without_compression(std::string_view name) {
  for (const std::string_view ext : {".gz", ".zst", ".xz", ".bz2"}) {
    if (ends_with_nocase(name, ext)) return name.substr(0, name.size() - ext.size());
  }
  return name;
}

bool is_ndjson_name(std::string_view path) {
  const std::string_view name = without_compression(base_name(innermost_name(path)));
  return ends_with_nocase(name, ".ndjson") || ends_with_nocase(name, ".jsonl");
}

class ZendeskExport final : public RecordFormat, private JsonStream::Handler {
 public:
  explicit ZendeskExport(std::string_view path) : json_(*this, true) {
    json_.set_line_recovery(is_ndjson_name(path));
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
    return st;
  }

  // NDJSON: the broken lines were skipped and the others parsed; say which.
  std::vector<std::string> take_warnings() override {
    if (json_.broken_lines() == 0 || warned_) return {};
    warned_ = true;
    std::string message;
    for (const auto& e : json_.first_errors()) message += (message.empty() ? "" : "; ") + e;
    const uint64_t more = json_.broken_lines() - json_.first_errors().size();
    if (more > 0) message += "; and " + std::to_string(more) + " more broken lines";
    message += " (NDJSON: the other lines were parsed)";
    return {std::move(message)};
  }

 private:
  struct Scope {
    std::size_t depth = 0;     // frames().size() inside its object
    bool ticket = true;        // else a comment
    bool wrapper = false;      // the top-level object turned out to be a page, not a ticket
    bool has_fields = false;   // saw subject/description
    std::string id;
    std::string ticket_id;     // a comment's own ticket_id
    std::size_t first = 0;     // its first pending record
  };
  struct Pending {
    std::string text;
    std::string field;
    uint64_t line = 0;
    bool comment = false;
    std::string comment_id;
    std::string ticket_id;
  };

  Status on_begin(bool object) override {
    const auto& fr = json_.frames();
    const std::size_t d = fr.size();
    if (d == 1) {
      if (object) push_scope(true);
      return {};
    }
    const JsonStream::Frame& parent = fr[d - 2];
    if (d == 2 && parent.object && !scopes_.empty() && scopes_.back().depth == 1) {
      // A member of the top-level object: is it a page of tickets or comments?
      Scope& top = scopes_.back();
      const std::string& key = parent.key;
      if (key == "tickets" || key == "results" || key == "ticket" ||
          (key == "comments" && top.id.empty() && !top.has_fields)) {
        top.wrapper = true;
      }
    }
    if (!object) return {};
    if (!parent.object) {
      // An array element: of a top-level array (tickets), or of a member named so.
      if (d == 2) {
        push_scope(true);
      } else if (fr[d - 3].object) {
        const std::string& key = fr[d - 3].key;
        if (key == "tickets" || key == "results") push_scope(true);
        else if (key == "comments") push_scope(false);
      }
    } else if (parent.key == "ticket") {
      push_scope(true);
    } else if (parent.key == "comment") {
      push_scope(false);
    }
    return {};
  }

  Status on_end(bool object) override {
    const auto& fr = json_.frames();
    if (!scopes_.empty() && scopes_.back().depth == fr.size()) close_scope();
    // A first value that fits on its line: NDJSON, where a broken line is only that line.
    if (fr.size() == 1 && object && fr[0].line == json_.line()) json_.set_line_recovery(true);
    return {};
  }

  Status on_scalar(std::string_view text) override { return member(text, 0, false); }
  Status on_string(std::string_view value, uint64_t line) override { return member(value, line, true); }

  // A value directly in a ticket's or comment's object.
  Status member(std::string_view value, uint64_t line, bool is_string) {
    const auto& fr = json_.frames();
    if (fr.empty() || !fr.back().object || scopes_.empty() || scopes_.back().depth != fr.size()) return {};
    Scope& s = scopes_.back();
    const std::string_view key = fr.back().key;
    if (key == "id") {
      s.id.assign(value);
      if (s.ticket && !s.wrapper) emit_from(s.first, s.id);  // held back for want of the id
      return {};
    }
    if (!s.ticket && key == "ticket_id") {
      s.ticket_id.assign(value);
      return {};
    }
    if (!is_string || value.empty()) return {};
    if (s.ticket ? one_of(key, kTicketFields) : one_of(key, kCommentFields)) {
      if (s.ticket) s.has_fields = true;
      return add(s, value, line, key);
    }
    return {};
  }

  void push_scope(bool ticket) {
    Scope s;
    s.depth = json_.frames().size();
    s.ticket = ticket;
    s.first = count_;
    scopes_.push_back(std::move(s));
  }

  Status add(const Scope& s, std::string_view value, uint64_t line, std::string_view field) {
    bytes_ += value.size();
    if (bytes_ > kMaxRecordBytes) {
      return make_error(ErrorCode::kLimit, "line " + std::to_string(line) + ": a Zendesk ticket with more than " +
                                               std::to_string(kMaxRecordBytes >> 20) + " MiB of text");
    }
    if (pending_.size() <= count_) pending_.resize(count_ + 1);
    Pending& p = pending_[count_++];
    p.text.assign(value);
    p.field.assign(field);
    p.line = line;
    p.comment = !s.ticket;
    p.comment_id.clear();
    p.ticket_id.clear();
    // A ticket whose id is known: nothing to wait for.
    if (s.ticket && !s.id.empty() && !s.wrapper) emit_from(s.first, s.id);
    return {};
  }

  void close_scope() {
    Scope s = std::move(scopes_.back());
    scopes_.pop_back();
    if (s.ticket) {
      emit_from(s.first, s.wrapper ? std::string() : s.id);
      return;
    }
    // One copy of each text: drop a body the comment's other bodies contain.
    std::vector<std::string_view> texts;
    for (std::size_t i = s.first; i < count_; ++i) texts.push_back(pending_[i].text);
    const std::vector<bool> repeated = repeated_in_others(texts);
    std::size_t kept = s.first;
    for (std::size_t i = s.first; i < count_; ++i) {
      if (repeated[i - s.first]) {
        bytes_ -= pending_[i].text.size();
        continue;
      }
      if (kept != i) std::swap(pending_[kept], pending_[i]);
      pending_[kept].comment_id = s.id;
      pending_[kept].ticket_id = s.ticket_id;
      ++kept;
    }
    count_ = kept;
    const Scope* ticket = nullptr;
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->ticket) {
        ticket = &*it;
        break;
      }
    }
    // Emitted now unless the enclosing ticket's id may still come.
    if (ticket == nullptr || ticket->wrapper || !ticket->id.empty() || !s.ticket_id.empty()) {
      emit_from(s.first, ticket == nullptr || ticket->wrapper ? std::string() : ticket->id);
    }
  }

  // Emits pending records from `first` on, with `ticket_id` unless a comment names its own.
  void emit_from(std::size_t first, const std::string& ticket_id) {
    for (std::size_t i = first; i < count_; ++i) {
      const Pending& p = pending_[i];
      const std::string& ticket = p.ticket_id.empty() ? ticket_id : p.ticket_id;
      record_.text = p.text;
      record_.line = p.line;
      record_.source.clear();
      if (!ticket.empty()) record_.source.emplace_back("ticket", ticket);
      if (p.comment && !p.comment_id.empty()) record_.source.emplace_back("comment", p.comment_id);
      record_.source.emplace_back("field", p.field);
      (*emit_)(record_);
      bytes_ -= p.text.size();
    }
    if (first < count_) count_ = first;
  }

  void on_abandon() override {
    scopes_.clear();
    count_ = 0;
    bytes_ = 0;
  }

  JsonStream json_;
  const RecordSink* emit_ = nullptr;
  Record record_;
  bool warned_ = false;  // take_warnings() said it
  std::vector<Scope> scopes_;
  std::vector<Pending> pending_;  // reused; the first count_ are held back
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace

bool detect_zendesk_export(std::string_view path, std::string_view head) {
  const std::string_view name = without_compression(base_name(innermost_name(path)));
  if (!ends_with_nocase(name, ".json") && !ends_with_nocase(name, ".ndjson") && !ends_with_nocase(name, ".jsonl")) {
    return false;
  }
  const std::string_view body = skip_bom_and_space(head);
  if (body.empty() || (body[0] != '{' && body[0] != '[')) return false;
  const auto has = [&](std::string_view s) { return body.find(s) != std::string_view::npos; };
  return has("\"tickets\"") || has("\"ticket\"") || has("\"html_body\"") || has("\"plain_body\"") ||
         (has("\"requester_id\"") && has("\"subject\"")) || has("zendesk.com/api/v2/tickets");
}

std::unique_ptr<RecordFormat> make_zendesk_export(std::string_view path) {
  return std::make_unique<ZendeskExport>(path);
}

}  // namespace tokensweep::source
