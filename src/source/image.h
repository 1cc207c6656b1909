// Container images: the metadata of a `docker save` tarball (classic, and the OCI layout
// Docker 25+ writes inside it), an OCI image layout directory and an OCI archive (a tar of
// a layout) — which members are layers, in which order, what the image config holds — and
// whiteout resolution. Pure: it parses JSON handed to it as bytes and answers questions;
// pipeline/image_scan.h feeds it while the image is streamed once. Nothing here throws.
//
// Formats (OCI image-spec v1.1): image-layout.md (oci-layout, index.json, blobs/<alg>/<hex>),
// image-index.md, manifest.md, config.md, layer.md ("Whiteouts"); docker save's
// manifest.json is [{"Config": <member>, "RepoTags": [...], "Layers": [<member>, ...]}].
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/result.h"

namespace tokensweep::source::image {

// A member name as found in a tar ("./blobs/sha256/ab", "/etc/x", "etc/"), without leading
// "./" and "/" and without a trailing "/".
std::string normalize_member(std::string_view name);

// "blobs/sha256/<hex>" for "sha256:<hex>"; "" unless the digest is <alg>:<hex> with a
// lowercase alphanumeric algorithm and lowercase hex (so a descriptor cannot name a path
// outside blobs/).
std::string blob_path(std::string_view digest);
// The digest a normalized member "blobs/<alg>/<hex>" names, or "".
std::string digest_of_blob(std::string_view member);

// What a normalized top-level member of an image is, by name alone.
enum class Part {
  kOther,
  kDockerManifest,  // manifest.json
  kOciIndex,        // index.json
  kOciLayout,       // oci-layout
  kRepositories,    // repositories (classic docker save)
  kBlob,            // blobs/<alg>/<hex>: a layer, a config, a manifest or an index
  kClassicLayer,    // <64 hex>/layer.tar
  kClassicLayerMeta,  // <64 hex>/json, <64 hex>/VERSION
  kClassicConfig,   // <64 hex>.json
};
Part classify_member(std::string_view normalized);
// True for parts that may hold JSON the image's structure is read from (kept in memory
// when small): manifest.json, index.json, oci-layout, <hex>.json and blobs.
bool may_hold_metadata(Part part);

// Where a member of an image came from: the fields of the config that are scanned as
// records, e.g. {"config.Env[1]", "TOKEN=..."}, {"history[3].created_by", "RUN |1 ..."}.
struct ConfigRecord {
  std::string field;
  std::string text;
};

struct ImageConfig {
  std::vector<std::string> diff_ids;   // rootfs.diff_ids, bottom layer first
  std::vector<ConfigRecord> records;   // config.Env, container_config.Env, history[].created_by
};

struct DockerSaveEntry {
  std::string config;               // a member: "<hex>.json" or "blobs/sha256/<hex>"
  std::vector<std::string> layers;  // members, bottom layer first
};

struct Descriptor {
  std::string media_type;
  std::string digest;
};

struct OciManifest {
  Descriptor config;
  std::vector<Descriptor> layers;  // bottom layer first
};

// Errors are kMalformed with a message that says what is wrong and where ("not valid JSON
// (at byte 17)", "Layers[2] is not a string"), never the bytes themselves.
Result<std::vector<DockerSaveEntry>> parse_docker_manifest(std::string_view json);
// index.json or an image index blob: its `manifests`.
Result<std::vector<Descriptor>> parse_oci_index(std::string_view json);
Result<OciManifest> parse_oci_manifest(std::string_view json);
Result<ImageConfig> parse_image_config(std::string_view json);
// True when `json` is an image index (has "manifests") rather than a manifest.
bool is_oci_index(std::string_view json);

// What the streaming reader collected about an image's top-level members.
struct ImageParts {
  std::set<std::string, std::less<>> present;               // every member seen (normalized)
  std::map<std::string, std::string, std::less<>> metadata;  // small JSON-looking members, whole
};

struct Layer {
  std::string member;  // the member holding it: "blobs/sha256/<hex>", "<id>/layer.tar"
  std::string digest;  // as the manifest names it; classic: the config's diff_id ("" if none)
};

struct Image {
  std::string config_member;  // "" when the manifest names none
  std::vector<Layer> layers;  // bottom first
};

// A problem with the image's structure, for a diagnostic under `part` (a member of the
// image, or "" for the image itself).
struct Problem {
  std::string part;
  std::string message;
  bool incomplete = false;  // true when part of the image could not be scanned (a missing layer)
};

struct Resolution {
  bool is_image = false;        // the members look like an image (nothing else is reported otherwise)
  std::vector<Image> images;    // in manifest order; one per platform of a multi-platform index
  std::vector<Problem> problems;
};

// Works out the images in `parts`: from manifest.json when it parses, else from index.json
// (following nested indexes). Names that a manifest gives but `parts` lacks are problems;
// the images keep every layer that is present.
Resolution resolve(const ImageParts& parts);

// OCI image-spec layer.md, "Whiteouts": an empty file `.wh.<name>` deletes <name> (and all
// under it) from the layers below it; `.wh..wh..opq` in a directory deletes everything
// the layers below have under that directory. Neither applies to its own layer.
bool is_whiteout(std::string_view member_name);

class Whiteouts {
 public:
  explicit Whiteouts(std::size_t layers) : layers_(layers) {}
  // Records a member name of `layer` (0 = bottom); names that are not whiteouts are ignored.
  void add(std::size_t layer, std::string_view member_name);
  // The first layer above `layer` that deletes `path` (a member name of `layer`), if any.
  std::optional<std::size_t> deleted_in(std::size_t layer, std::string_view path) const;

 private:
  struct LayerWhiteouts {
    std::unordered_set<std::string> deleted;  // paths removed, with all below them
    std::unordered_set<std::string> opaque;   // directories emptied of lower content
  };
  std::vector<LayerWhiteouts> layers_;
};

}  // namespace tokensweep::source::image
