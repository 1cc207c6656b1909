#include "pipeline/image_scan.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

#include "source/image.h"

namespace tokensweep::pipeline {
namespace image = source::image;

namespace {

// A member's bytes on their way to the scanner, a copy kept when the member is small
// metadata: JSON (for a blob, one that starts like JSON) no larger than the cap.
class Capture : public ByteSource {
 public:
  void reset(ByteSource* inner, bool keep, bool sniff, std::size_t cap) {
    inner_ = inner;
    keep_ = keep;
    sniff_ = sniff;
    cap_ = cap;
    eof_ = false;
    bytes_.clear();
  }

  Result<std::size_t> read(char* buf, std::size_t n) override {
    auto got = inner_->read(buf, n);
    if (!got) {
      keep_ = false;
      return got;
    }
    if (!keep_) return got;
    if (got.value() == 0) {
      eof_ = true;
      return got;
    }
    const std::string_view chunk(buf, got.value());
    if (sniff_) {
      const auto start = chunk.find_first_not_of(" \t\r\n");
      if (start != std::string_view::npos) {
        sniff_ = false;
        if (chunk[start] != '{' && chunk[start] != '[') keep_ = false;
      }
    }
    if (keep_ && bytes_.size() + chunk.size() > cap_) keep_ = false;
    if (keep_) {
      bytes_.append(chunk);
    } else {
      bytes_.clear();
      bytes_.shrink_to_fit();
    }
    return got;
  }

  // The member's bytes when it was kept and read to its end.
  std::optional<std::string> take() {
    if (!keep_ || !eof_) return std::nullopt;
    keep_ = false;
    return std::move(bytes_);
  }

 private:
  ByteSource* inner_ = nullptr;
  bool keep_ = false;
  bool sniff_ = false;
  bool eof_ = false;
  std::size_t cap_ = 0;
  std::string bytes_;
};

// A file of a layer that had findings: [begin, end) of the worker's findings.
struct LayerFile {
  std::string name;
  std::size_t begin = 0;
  std::size_t end = 0;
};

// A top-level member that had findings or holds whiteouts.
struct MemberRecord {
  std::string name;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::vector<LayerFile> files;
  std::vector<std::string> whiteouts;
};

}  // namespace

struct ImageScan::State {
  image::ImageParts parts;
  std::size_t metadata_bytes = 0;
  std::vector<MemberRecord> members;
  // The member being scanned.
  bool in_member = false;
  MemberRecord open;
  std::size_t layer_depth = 0;  // depth of the archive holding its files (0: not seen yet)
  std::optional<LayerFile> pending;  // the file of it being scanned
  Capture capture;

  void close_pending(std::size_t findings) {
    if (pending && findings > pending->begin) {
      pending->end = findings;
      open.files.push_back(std::move(*pending));
    }
    pending.reset();
  }
};

ImageScan::ImageScan(ImageScan*& current, std::string path, std::string separator)
    : current_(current), parent_(current), path_(std::move(path)), separator_(std::move(separator)) {
  depth_ = parent_ != nullptr ? parent_->depth_ + 1 : 0;
  current_ = this;
}

ImageScan::~ImageScan() { current_ = parent_; }

ImageScan* ImageScan::watcher() const {
  for (ImageScan* p = parent_; p != nullptr; p = p->parent_) {
    if (p->state_ && p->state_->in_member) return p;
  }
  return nullptr;
}

void ImageScan::nested(std::size_t depth, const std::string& name, std::size_t findings) {
  State& s = *state_;
  // The files of a layer are the members of the first archive below it that names its
  // members (a gzip layer's stream has no name; the tar inside has). Deeper archives are
  // inside one of those files, whose findings they are.
  if (name.empty() && s.layer_depth == 0) return;
  if (s.layer_depth == 0) s.layer_depth = depth;
  if (depth != s.layer_depth) return;
  s.close_pending(findings);
  std::string file = image::normalize_member(name);
  if (image::is_whiteout(file)) s.open.whiteouts.push_back(file);
  s.pending = LayerFile{std::move(file), findings, findings};
}

ByteSource& ImageScan::member(const std::string& name, ByteSource& bytes, std::size_t findings) {
  if (ImageScan* w = watcher()) w->nested(depth_ - w->depth_, name, findings);
  std::string m = image::normalize_member(name);
  const image::Part part = image::classify_member(m);
  if (!state_ && part == image::Part::kOther) return bytes;
  if (!state_) state_ = std::make_unique<State>();
  State& s = *state_;
  s.parts.present.insert(m);
  s.in_member = true;
  s.open = MemberRecord{std::move(m), findings, findings, {}, {}};
  s.layer_depth = 0;
  s.pending.reset();
  const bool keep = image::may_hold_metadata(part) && s.metadata_bytes < kMaxMetadataTotal;
  s.capture.reset(&bytes, keep, /*sniff=*/part == image::Part::kBlob,
                  std::min(kMaxMetadataBytes, kMaxMetadataTotal - s.metadata_bytes));
  return s.capture;
}

void ImageScan::member_done(std::size_t findings) {
  if (!state_ || !state_->in_member) return;
  State& s = *state_;
  s.close_pending(findings);
  s.open.end = findings;
  if (auto bytes = s.capture.take()) {
    s.metadata_bytes += bytes->size();
    s.parts.metadata[s.open.name] = std::move(*bytes);
  }
  if (s.open.end > s.open.begin || !s.open.whiteouts.empty()) s.members.push_back(std::move(s.open));
  s.open = {};
  s.in_member = false;
}

void ImageScan::finish(std::vector<report::Finding>& findings, std::vector<Diagnostic>& diagnostics) {
  if (!state_) return;
  State& s = *state_;
  const image::Resolution r = image::resolve(s.parts);
  if (!r.is_image) return;
  for (const auto& p : r.problems) {
    diagnostics.push_back({p.part.empty() ? path_ : path_ + separator_ + p.part, "malformed", p.message, p.incomplete});
  }
  // Each member's place: the first image (in manifest order) that has it as a layer.
  struct Place {
    std::size_t image;
    std::size_t layer;
  };
  std::map<std::string, Place, std::less<>> places;
  for (std::size_t i = 0; i < r.images.size(); ++i) {
    for (std::size_t l = 0; l < r.images[i].layers.size(); ++l) places.try_emplace(r.images[i].layers[l].member, Place{i, l});
  }
  std::map<std::string, const MemberRecord*, std::less<>> by_name;
  for (const auto& m : s.members) by_name[m.name] = &m;
  std::map<std::size_t, image::Whiteouts> whiteouts;  // per image, built when needed
  auto whiteouts_of = [&](std::size_t i) -> const image::Whiteouts& {
    auto it = whiteouts.find(i);
    if (it != whiteouts.end()) return it->second;
    const auto& layers = r.images[i].layers;
    image::Whiteouts w(layers.size());
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const auto m = by_name.find(layers[l].member);
      if (m == by_name.end()) continue;
      for (const auto& name : m->second->whiteouts) w.add(l, name);
    }
    return whiteouts.emplace(i, std::move(w)).first->second;
  };
  auto name_of = [](const image::Layer& layer) { return layer.digest.empty() ? layer.member : layer.digest; };

  for (const auto& m : s.members) {
    const auto place = places.find(m.name);
    if (place == places.end() || m.end <= m.begin) continue;
    const auto& layers = r.images[place->second.image].layers;
    const std::string layer = name_of(layers[place->second.layer]);
    for (std::size_t i = m.begin; i < m.end && i < findings.size(); ++i) findings[i].source.emplace_back("layer", layer);
    const image::Whiteouts& w = whiteouts_of(place->second.image);
    for (const auto& file : m.files) {
      const auto deleted = w.deleted_in(place->second.layer, file.name);
      if (!deleted) continue;
      for (std::size_t i = file.begin; i < file.end && i < findings.size(); ++i) {
        findings[i].source.emplace_back("deleted_in_layer", name_of(layers[*deleted]));
      }
    }
  }
}

std::vector<std::string> list_image_layout(const std::string& dir, const std::string& path,
                                           std::vector<Diagnostic>& diagnostics) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    files.push_back(it->path().lexically_relative(dir).generic_string());
  }
  if (ec) diagnostics.push_back({path, "io", "cannot list the image layout: " + ec.message(), true});
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace tokensweep::pipeline
