// image-config: see image_config.h.
#include "source/image_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include "source/image.h"

namespace tokensweep::source {
namespace {

// The innermost member name of a nested path ("img.tar!blobs/sha256/ab" -> "blobs/sha256/ab").
std::string_view innermost(std::string_view path) {
  const auto bang = path.rfind('!');
  return bang == std::string_view::npos ? path : path.substr(bang + 1);
}

bool named_like_config(std::string_view path) {
  const std::string_view name = innermost(path);
  // A blob anywhere (an OCI layout directory: "dir/blobs/sha256/<hex>"), or "<hex>.json".
  const auto blobs = name.rfind("blobs/");
  if (blobs != std::string_view::npos && (blobs == 0 || name[blobs - 1] == '/') &&
      image::classify_member(name.substr(blobs)) == image::Part::kBlob) {
    return true;
  }
  const auto slash = name.rfind('/');
  return image::classify_member(slash == std::string_view::npos ? name : name.substr(slash + 1)) ==
         image::Part::kClassicConfig;
}

// 1-based line of `needle` in `text`, or 1.
uint64_t line_of(std::string_view text, std::string_view needle) {
  const auto at = needle.empty() ? std::string_view::npos : text.find(needle);
  if (at == std::string_view::npos) return 1;
  return 1 + static_cast<uint64_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

class ImageConfigFormat final : public RecordFormat {
 public:
  Status feed(std::string_view in, const RecordSink&) override {
    if (buffer_.size() + in.size() > kMaxImageConfigBytes) {
      return make_error(ErrorCode::kLimit, "image config larger than " + std::to_string(kMaxImageConfigBytes >> 20) +
                                               " MiB; its Env and history were not read as records");
    }
    buffer_.append(in);
    return Status::ok();
  }

  Status finish(const RecordSink& emit) override {
    auto config = image::parse_image_config(buffer_);
    if (!config) return make_error(ErrorCode::kMalformed, "image config " + config.error().message);
    Record record;
    record.decoders = {"json-unescape"};
    for (const auto& r : config.value().records) {
      // The field as it is written (escaped) if it can be found, else its text.
      const std::string quoted = nlohmann::json(r.text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      record.text = r.text;
      record.line = buffer_.find(quoted) != std::string::npos ? line_of(buffer_, quoted) : line_of(buffer_, r.text);
      record.source = {{"image_config", r.field}};
      emit(record);
    }
    return Status::ok();
  }

 private:
  std::string buffer_;
};

}  // namespace

bool detect_image_config(std::string_view path, std::string_view head) {
  if (!named_like_config(path)) return false;
  const auto start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || head[start] != '{') return false;
  return head.find("\"architecture\"") != std::string_view::npos || head.find("\"rootfs\"") != std::string_view::npos ||
         head.find("\"diff_ids\"") != std::string_view::npos;
}

std::unique_ptr<RecordFormat> make_image_config(std::string_view) { return std::make_unique<ImageConfigFormat>(); }

}  // namespace tokensweep::source
