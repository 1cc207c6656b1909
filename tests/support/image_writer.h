// Builds container images for tests, with correct sha256 digests throughout: a `docker
// save` tarball in its classic form (<id>/layer.tar, <id>/json, <config>.json,
// manifest.json, repositories) and its Docker 25+ form (an OCI layout plus manifest.json),
// an OCI archive (a tar of an OCI layout) and an OCI layout directory.
//
// image_members() returns the image's members in the order its tool writes them, so a
// test can break one (drop a layer, truncate it, replace manifest.json) before tarring
// them with make_archive().
#pragma once

#include <string>
#include <vector>

#include "support/archive_writer.h"

namespace tokensweep::testing {

struct LayerSpec {
  Members files;  // name, content; whiteouts are empty files named ".wh.<name>" / ".wh..wh..opq"
  Compression compression = Compression::kGzip;  // kNone, kGzip or kZstd
};

struct ImageSpec {
  std::vector<LayerSpec> layers;           // bottom first
  std::vector<std::string> env;            // config.Env
  std::vector<std::string> history;        // history[].created_by, one per entry
  std::string tag = "example/app:1.0";
};

enum class ImageForm {
  kDockerClassic,  // docker save before Docker 25
  kDockerOci,      // docker save from Docker 25: OCI layout + manifest.json, blobs first
  kOciArchive,     // a tar of an OCI layout: oci-layout, index.json, then blobs
};

struct ImageInfo {
  std::string config_digest;                // "sha256:<hex>" of the config bytes
  std::string config_member;                // "blobs/sha256/<hex>" or "<hex>.json"
  std::string manifest_digest;              // the OCI manifest blob ("" for classic)
  std::vector<std::string> layer_digests;   // of each layer as stored (compressed)
  std::vector<std::string> diff_ids;        // of each layer's uncompressed tar
  std::vector<std::string> layer_members;   // "blobs/sha256/<hex>" or "<id>/layer.tar"
};

Members image_members(ImageForm form, const ImageSpec& spec, ImageInfo* info = nullptr);
// The whole image as an uncompressed tar.
std::string make_image(ImageForm form, const ImageSpec& spec, ImageInfo* info = nullptr);
// Writes an OCI layout directory at `dir` (created).
void write_oci_layout(const std::string& dir, const ImageSpec& spec, ImageInfo* info = nullptr);

}  // namespace tokensweep::testing
