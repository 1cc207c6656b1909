#include "support/image_writer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/sha256.h"

namespace tokensweep::testing {
namespace {

using Json = nlohmann::json;

std::string digest_of(const std::string& bytes) { return "sha256:" + sha256_hex(bytes); }
std::string hex_of(const std::string& digest) { return digest.substr(7); }
std::string blob_member(const std::string& digest) { return "blobs/sha256/" + hex_of(digest); }

const char* layer_media_type(Compression c) {
  switch (c) {
    case Compression::kGzip: return "application/vnd.oci.image.layer.v1.tar+gzip";
    case Compression::kZstd: return "application/vnd.oci.image.layer.v1.tar+zstd";
    default: return "application/vnd.oci.image.layer.v1.tar";
  }
}

struct Built {
  std::vector<std::string> layer_blobs;  // as stored
  std::string config;
  std::string manifest;                  // OCI manifest
  std::string index;                     // index.json
  ImageInfo info;
};

Built build(const ImageSpec& spec, bool classic) {
  Built b;
  Json diff_ids = Json::array();
  Json layers = Json::array();
  for (const auto& layer : spec.layers) {
    const std::string tar = make_archive(ArchiveFormat::kTar, Compression::kNone, layer.files);
    // Classic docker save stores every layer as a plain tar.
    const Compression c = classic ? Compression::kNone : layer.compression;
    const std::string blob = c == Compression::kNone ? tar : make_archive(ArchiveFormat::kRaw, c, {{"", tar}});
    b.info.diff_ids.push_back(digest_of(tar));
    b.info.layer_digests.push_back(digest_of(blob));
    diff_ids.push_back(digest_of(tar));
    layers.push_back({{"mediaType", layer_media_type(c)}, {"digest", digest_of(blob)}, {"size", blob.size()}});
    b.layer_blobs.push_back(blob);
  }
  Json history = Json::array();
  for (const auto& h : spec.history) history.push_back({{"created", "2026-01-02T03:04:05Z"}, {"created_by", h}});
  Json config = {{"architecture", "amd64"},
                 {"os", "linux"},
                 {"config", {{"Env", spec.env}, {"Cmd", {"/bin/sh"}}}},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
                 {"history", history}};
  b.config = config.dump();
  b.info.config_digest = digest_of(b.config);
  Json manifest = {{"schemaVersion", 2},
                   {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                   {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                               {"digest", b.info.config_digest},
                               {"size", b.config.size()}}},
                   {"layers", layers}};
  b.manifest = manifest.dump();
  b.info.manifest_digest = digest_of(b.manifest);
  Json index = {{"schemaVersion", 2},
                {"mediaType", "application/vnd.oci.image.index.v1+json"},
                {"manifests", {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                {"digest", b.info.manifest_digest},
                                {"size", b.manifest.size()},
                                {"annotations", {{"org.opencontainers.image.ref.name", spec.tag}}}}}}};
  b.index = index.dump();
  return b;
}

std::string repositories(const std::string& tag, const std::string& top) {
  const auto colon = tag.rfind(':');
  return Json{{tag.substr(0, colon), {{tag.substr(colon + 1), top}}}}.dump();
}

Members oci_blobs(const Built& b) {
  Members blobs;
  for (const auto& l : b.layer_blobs) blobs.emplace_back(blob_member(digest_of(l)), l);
  blobs.emplace_back(blob_member(b.info.config_digest), b.config);
  blobs.emplace_back(blob_member(b.info.manifest_digest), b.manifest);
  return blobs;
}

}  // namespace

Members image_members(ImageForm form, const ImageSpec& spec, ImageInfo* info) {
  const bool classic = form == ImageForm::kDockerClassic;
  Built b = build(spec, classic);
  Members out;
  if (classic) {
    // docker save < 25: one directory per layer named by a v1 id, the config as
    // <hex>.json, then manifest.json and repositories; Docker walks them sorted.
    Json layer_members = Json::array();
    std::string parent;
    for (std::size_t i = 0; i < b.layer_blobs.size(); ++i) {
      const std::string id = sha256_hex(parent + b.info.diff_ids[i]);
      Json v1 = {{"id", id}, {"created", "2026-01-02T03:04:05Z"}};
      if (!parent.empty()) v1["parent"] = parent;
      out.emplace_back(id + "/VERSION", "1.0");
      out.emplace_back(id + "/json", v1.dump());
      out.emplace_back(id + "/layer.tar", b.layer_blobs[i]);
      layer_members.push_back(id + "/layer.tar");
      b.info.layer_members.push_back(id + "/layer.tar");
      parent = id;
    }
    b.info.config_member = hex_of(b.info.config_digest) + ".json";
    out.emplace_back(b.info.config_member, b.config);
    std::sort(out.begin(), out.end());
    out.emplace_back("manifest.json",
                     Json::array({{{"Config", b.info.config_member}, {"RepoTags", {spec.tag}}, {"Layers", layer_members}}}).dump());
    out.emplace_back("repositories", repositories(spec.tag, parent));
  } else {
    Members blobs = oci_blobs(b);
    for (const auto& l : b.layer_blobs) b.info.layer_members.push_back(blob_member(digest_of(l)));
    b.info.config_member = blob_member(b.info.config_digest);
    std::sort(blobs.begin(), blobs.end());
    const std::string layout = R"({"imageLayoutVersion":"1.0.0"})";
    if (form == ImageForm::kDockerOci) {
      out = blobs;
      out.emplace_back("index.json", b.index);
      out.emplace_back("manifest.json", Json::array({{{"Config", b.info.config_member},
                                                      {"RepoTags", {spec.tag}},
                                                      {"Layers", b.info.layer_members}}}).dump());
      out.emplace_back("oci-layout", layout);
      out.emplace_back("repositories", repositories(spec.tag, hex_of(b.info.manifest_digest)));
    } else {
      out.emplace_back("oci-layout", layout);
      out.emplace_back("index.json", b.index);
      out.insert(out.end(), blobs.begin(), blobs.end());
    }
  }
  if (info != nullptr) *info = b.info;
  return out;
}

std::string make_image(ImageForm form, const ImageSpec& spec, ImageInfo* info) {
  return make_archive(ArchiveFormat::kTar, Compression::kNone, image_members(form, spec, info));
}

void write_oci_layout(const std::string& dir, const ImageSpec& spec, ImageInfo* info) {
  for (const auto& [name, content] : image_members(ImageForm::kOciArchive, spec, info)) {
    const std::filesystem::path full = std::filesystem::path(dir) / name;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
}

}  // namespace tokensweep::testing
