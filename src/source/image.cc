// The one file of source/ that reads image JSON; nlohmann::json is used only through its
// non-throwing parse and type checks, so nothing throws out of here.
#include "source/image.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

namespace tokensweep::source::image {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kHexDigestLength = 64;  // sha256
// Nested indexes (index.json -> a multi-platform index -> manifests) are followed this deep.
constexpr int kMaxIndexDepth = 4;
constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

bool is_lower_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_algorithm(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); });
}

// Only the byte offset of a parse error: nlohmann's own message quotes the bytes it last
// read, which may be part of a secret.
class ErrorPosition : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
    position_ = position;
    return false;
  }
  std::size_t position() const { return position_; }

 private:
  std::size_t position_ = 0;
};

Result<Json> parse_json(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) return j;
  ErrorPosition where;
  Json::sax_parse(text.begin(), text.end(), &where, nlohmann::detail::input_format_t::json, /*strict=*/true);
  return make_error(ErrorCode::kMalformed, "not valid JSON (at byte " + std::to_string(where.position()) + ")");
}

const Json* member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string string_or_empty(const Json* j) { return j != nullptr && j->is_string() ? j->get<std::string>() : std::string(); }

Result<Descriptor> parse_descriptor(const Json& j, const std::string& where) {
  if (!j.is_object()) return make_error(ErrorCode::kMalformed, where + " is not an object");
  Descriptor d;
  d.media_type = string_or_empty(member(j, "mediaType"));
  d.digest = string_or_empty(member(j, "digest"));
  if (blob_path(d.digest).empty()) return make_error(ErrorCode::kMalformed, where + ".digest is not <algorithm>:<hex>");
  return d;
}

// `field` of `object`, an array of strings, appended to `records` as "<prefix>[i]".
void add_string_array(const Json* array, const std::string& prefix, std::vector<ConfigRecord>& records) {
  if (array == nullptr || !array->is_array()) return;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const Json& e = (*array)[i];
    if (e.is_string()) records.push_back({prefix + "[" + std::to_string(i) + "]", e.get<std::string>()});
  }
}

// The parent directory of a normalized path ("" for a top-level name).
std::string_view parent_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string_view base_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string join(std::string_view dir, std::string_view name) {
  return dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name);
}

// Appends the images an index (index.json, or a nested image index blob) leads to.
void resolve_index(const ImageParts& parts, std::string_view part, const std::string& json, int depth,
                   Resolution& out) {
  auto index = parse_oci_index(json);
  if (!index) {
    out.problems.push_back({std::string(part), index.error().message, false});
    return;
  }
  for (std::size_t i = 0; i < index.value().size(); ++i) {
    const Descriptor& d = index.value()[i];
    const std::string blob = blob_path(d.digest);
    if (parts.present.count(blob) == 0) {
      // A multi-platform index may list platforms that were not saved: not a problem for
      // a nested index, whose blobs are optional; index.json's own entries must be there.
      if (depth == 0) {
        out.problems.push_back({std::string(part), "manifests[" + std::to_string(i) + "] names " + blob +
                                                        ", which is not in the image", true});
      }
      continue;
    }
    const auto meta = parts.metadata.find(blob);
    if (meta == parts.metadata.end()) {
      out.problems.push_back({blob, "manifest is not JSON or too large to read; its layers are scanned without layer context", false});
      continue;
    }
    if (is_oci_index(meta->second)) {
      if (depth + 1 >= kMaxIndexDepth) {
        out.problems.push_back({blob, "image indexes nested deeper than " + std::to_string(kMaxIndexDepth) + " levels are not followed", false});
        continue;
      }
      resolve_index(parts, blob, meta->second, depth + 1, out);
      continue;
    }
    auto manifest = parse_oci_manifest(meta->second);
    if (!manifest) {
      out.problems.push_back({blob, manifest.error().message, false});
      continue;
    }
    Image image;
    const std::string config = blob_path(manifest.value().config.digest);
    if (parts.present.count(config) == 0) {
      out.problems.push_back({blob, "config " + config + " is not in the image", true});
    } else {
      image.config_member = config;
    }
    const auto& layers = manifest.value().layers;
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const std::string layer = blob_path(layers[l].digest);
      if (parts.present.count(layer) == 0) {
        out.problems.push_back({blob, "layers[" + std::to_string(l) + "] " + layer + " is not in the image", true});
        continue;
      }
      image.layers.push_back({layer, layers[l].digest});
    }
    out.images.push_back(std::move(image));
  }
}

// docker save's manifest.json. Classic layers are named by member ("<id>/layer.tar"); their
// digest is the config's diff_id at the same position. Docker 25+ names blobs, whose
// digest is in the name.
void resolve_docker(const ImageParts& parts, const std::vector<DockerSaveEntry>& entries, Resolution& out) {
  for (std::size_t e = 0; e < entries.size(); ++e) {
    const DockerSaveEntry& entry = entries[e];
    const std::string where = "[" + std::to_string(e) + "]";
    Image image;
    std::vector<std::string> diff_ids;
    const std::string config = normalize_member(entry.config);
    if (parts.present.count(config) == 0) {
      out.problems.push_back({"manifest.json", where + ".Config " + config + " is not in the image", true});
    } else {
      image.config_member = config;
      const auto meta = parts.metadata.find(config);
      if (meta != parts.metadata.end()) {
        auto parsed = parse_image_config(meta->second);
        if (parsed) diff_ids = std::move(parsed.value().diff_ids);
      }
    }
    for (std::size_t l = 0; l < entry.layers.size(); ++l) {
      const std::string layer = normalize_member(entry.layers[l]);
      if (parts.present.count(layer) == 0) {
        out.problems.push_back({"manifest.json", where + ".Layers[" + std::to_string(l) + "] " + layer +
                                                      " is not in the image", true});
        continue;
      }
      std::string digest = digest_of_blob(layer);
      if (digest.empty() && l < diff_ids.size()) digest = diff_ids[l];
      image.layers.push_back({layer, std::move(digest)});
    }
    out.images.push_back(std::move(image));
  }
}

}  // namespace

std::string normalize_member(std::string_view name) {
  while (true) {
    if (name.starts_with("./")) {
      name.remove_prefix(2);
    } else if (name.starts_with('/')) {
      name.remove_prefix(1);
    } else {
      break;
    }
  }
  while (name.ends_with('/')) name.remove_suffix(1);
  if (name == ".") return {};
  return std::string(name);
}

std::string blob_path(std::string_view digest) {
  const auto colon = digest.find(':');
  if (colon == std::string_view::npos) return {};
  const std::string_view algorithm = digest.substr(0, colon);
  const std::string_view hex = digest.substr(colon + 1);
  if (!is_algorithm(algorithm) || !is_lower_hex(hex)) return {};
  return "blobs/" + std::string(algorithm) + "/" + std::string(hex);
}

std::string digest_of_blob(std::string_view m) {
  if (!m.starts_with("blobs/")) return {};
  m.remove_prefix(6);
  const auto slash = m.find('/');
  if (slash == std::string_view::npos) return {};
  const std::string_view algorithm = m.substr(0, slash);
  const std::string_view hex = m.substr(slash + 1);
  if (!is_algorithm(algorithm) || !is_lower_hex(hex)) return {};
  return std::string(algorithm) + ":" + std::string(hex);
}

Part classify_member(std::string_view m) {
  if (m == "manifest.json") return Part::kDockerManifest;
  if (m == "index.json") return Part::kOciIndex;
  if (m == "oci-layout") return Part::kOciLayout;
  if (m == "repositories") return Part::kRepositories;
  if (!digest_of_blob(m).empty()) return Part::kBlob;
  if (m.size() > kHexDigestLength && is_lower_hex(m.substr(0, kHexDigestLength))) {
    const std::string_view rest = m.substr(kHexDigestLength);
    if (rest == ".json") return Part::kClassicConfig;
    if (rest == "/layer.tar") return Part::kClassicLayer;
    if (rest == "/json" || rest == "/VERSION") return Part::kClassicLayerMeta;
  }
  return Part::kOther;
}

bool may_hold_metadata(Part part) {
  return part == Part::kDockerManifest || part == Part::kOciIndex || part == Part::kOciLayout ||
         part == Part::kClassicConfig || part == Part::kBlob;
}

Result<std::vector<DockerSaveEntry>> parse_docker_manifest(std::string_view json) {
  auto parsed = parse_json(json);
  if (!parsed) return parsed.error();
  const Json& j = parsed.value();
  if (!j.is_array()) return make_error(ErrorCode::kMalformed, "is not a JSON array of images");
  std::vector<DockerSaveEntry> entries;
  for (std::size_t e = 0; e < j.size(); ++e) {
    const std::string where = "[" + std::to_string(e) + "]";
    const Json* config = member(j[e], "Config");
    const Json* layers = member(j[e], "Layers");
    if (config == nullptr || !config->is_string()) return make_error(ErrorCode::kMalformed, where + ".Config is not a string");
    if (layers == nullptr || !layers->is_array()) return make_error(ErrorCode::kMalformed, where + ".Layers is not an array");
    DockerSaveEntry entry;
    entry.config = config->get<std::string>();
    for (std::size_t l = 0; l < layers->size(); ++l) {
      if (!(*layers)[l].is_string()) {
        return make_error(ErrorCode::kMalformed, where + ".Layers[" + std::to_string(l) + "] is not a string");
      }
      entry.layers.push_back((*layers)[l].get<std::string>());
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<std::vector<Descriptor>> parse_oci_index(std::string_view json) {
  auto parsed = parse_json(json);
  if (!parsed) return parsed.error();
  const Json* manifests = member(parsed.value(), "manifests");
  if (manifests == nullptr || !manifests->is_array()) return make_error(ErrorCode::kMalformed, "has no \"manifests\" array");
  std::vector<Descriptor> out;
  for (std::size_t i = 0; i < manifests->size(); ++i) {
    auto d = parse_descriptor((*manifests)[i], "manifests[" + std::to_string(i) + "]");
    if (!d) return d.error();
    out.push_back(std::move(d.value()));
  }
  return out;
}

Result<OciManifest> parse_oci_manifest(std::string_view json) {
  auto parsed = parse_json(json);
  if (!parsed) return parsed.error();
  const Json* config = member(parsed.value(), "config");
  const Json* layers = member(parsed.value(), "layers");
  if (config == nullptr) return make_error(ErrorCode::kMalformed, "image manifest has no \"config\"");
  if (layers == nullptr || !layers->is_array()) return make_error(ErrorCode::kMalformed, "image manifest has no \"layers\" array");
  OciManifest m;
  auto c = parse_descriptor(*config, "config");
  if (!c) return c.error();
  m.config = std::move(c.value());
  for (std::size_t i = 0; i < layers->size(); ++i) {
    auto d = parse_descriptor((*layers)[i], "layers[" + std::to_string(i) + "]");
    if (!d) return d.error();
    m.layers.push_back(std::move(d.value()));
  }
  return m;
}

bool is_oci_index(std::string_view json) {
  Json j = Json::parse(json.begin(), json.end(), nullptr, false);
  return !j.is_discarded() && member(j, "manifests") != nullptr && member(j, "layers") == nullptr;
}

Result<ImageConfig> parse_image_config(std::string_view json) {
  auto parsed = parse_json(json);
  if (!parsed) return parsed.error();
  const Json& j = parsed.value();
  if (!j.is_object()) return make_error(ErrorCode::kMalformed, "image config is not a JSON object");
  ImageConfig out;
  if (const Json* rootfs = member(j, "rootfs")) {
    if (const Json* ids = member(*rootfs, "diff_ids"); ids != nullptr && ids->is_array()) {
      for (const Json& id : *ids) out.diff_ids.push_back(id.is_string() ? id.get<std::string>() : std::string());
    }
  }
  // config.md: `config.Env` is what a container starts with; the classic builder also
  // kept the build container's (`container_config`), build args included.
  if (const Json* config = member(j, "config")) add_string_array(member(*config, "Env"), "config.Env", out.records);
  if (const Json* container = member(j, "container_config")) {
    add_string_array(member(*container, "Env"), "container_config.Env", out.records);
  }
  // `RUN` with build args is recorded as `RUN |<n> NAME=value ... /bin/sh -c ...`.
  if (const Json* history = member(j, "history"); history != nullptr && history->is_array()) {
    for (std::size_t i = 0; i < history->size(); ++i) {
      const Json* created_by = member((*history)[i], "created_by");
      if (created_by != nullptr && created_by->is_string()) {
        out.records.push_back({"history[" + std::to_string(i) + "].created_by", created_by->get<std::string>()});
      }
    }
  }
  return out;
}

Resolution resolve(const ImageParts& parts) {
  Resolution out;
  bool has_layers = false;
  for (const auto& p : parts.present) {
    const Part kind = classify_member(p);
    if (kind == Part::kOciLayout || kind == Part::kBlob || kind == Part::kClassicLayer) has_layers = true;
  }
  out.is_image = has_layers;
  if (!out.is_image) return out;

  // Docker 25+ writes both; manifest.json is docker save's own contract and flat.
  const auto docker = parts.metadata.find("manifest.json");
  if (docker != parts.metadata.end()) {
    auto entries = parse_docker_manifest(docker->second);
    if (entries) {
      resolve_docker(parts, entries.value(), out);
      return out;
    }
    out.problems.push_back({"manifest.json", entries.error().message, false});
  } else if (parts.present.count("manifest.json") != 0) {
    out.problems.push_back({"manifest.json", "too large to read", false});
  }
  const auto index = parts.metadata.find("index.json");
  if (index != parts.metadata.end()) {
    resolve_index(parts, "index.json", index->second, 0, out);
  } else if (parts.present.count("index.json") != 0) {
    out.problems.push_back({"index.json", "too large to read", false});
  }
  if (out.problems.empty() && out.images.empty()) {
    if (index != parts.metadata.end()) {
      out.problems.push_back({"index.json", "lists no image manifests", false});
    } else {
      out.problems.push_back({"", "has no manifest.json or index.json (truncated?)", false});
    }
  }
  if (out.images.empty()) out.problems.back().message += "; layers were scanned without layer context";
  return out;
}

bool is_whiteout(std::string_view member_name) {
  return base_of(normalize_member(member_name)).starts_with(kWhiteoutPrefix);
}

void Whiteouts::add(std::size_t layer, std::string_view member_name) {
  if (layer >= layers_.size()) return;
  const std::string path = normalize_member(member_name);
  const std::string_view base = base_of(path);
  if (!base.starts_with(kWhiteoutPrefix)) return;
  if (base == kOpaqueWhiteout) {
    layers_[layer].opaque.insert(std::string(parent_of(path)));
    return;
  }
  const std::string_view name = base.substr(kWhiteoutPrefix.size());
  if (name.empty()) return;
  layers_[layer].deleted.insert(join(parent_of(path), name));
}

std::optional<std::size_t> Whiteouts::deleted_in(std::size_t layer, std::string_view member_name) const {
  const std::string path = normalize_member(member_name);
  if (path.empty()) return std::nullopt;
  for (std::size_t upper = layer + 1; upper < layers_.size(); ++upper) {
    const LayerWhiteouts& w = layers_[upper];
    if (w.deleted.empty() && w.opaque.empty()) continue;
    // The path itself or any directory above it, deleted; any directory above it, made opaque.
    std::string_view p = path;
    if (w.deleted.count(std::string(p)) != 0) return upper;
    while (true) {
      const bool top = p.find('/') == std::string_view::npos;
      p = parent_of(p);
      if (w.opaque.count(std::string(p)) != 0) return upper;
      if (top) break;
      if (w.deleted.count(std::string(p)) != 0) return upper;
    }
  }
  return std::nullopt;
}

}  // namespace tokensweep::source::image
