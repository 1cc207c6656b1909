// Container images in the scan pipeline: a `docker save` tarball (classic or Docker 25+),
// an OCI archive or an OCI image layout directory is scanned like any archive — each
// member a stream, a layer's files with paths such as
// `image.tar!blobs/sha256/<digest>!etc/app/config.yml` — and, once the whole image has
// been read (a single pass, so stdin works), its findings get their image context:
//   {"layer", "sha256:<digest>"}            the layer as the manifest names it (classic
//                                           docker save: the config's diff_id for it)
//   {"deleted_in_layer", "sha256:<digest>"} a later layer's whiteout removes the file; the
//                                           finding is reported all the same
// and problems with its structure become diagnostics naming the image and the part
// (`image.tar!manifest.json: not valid JSON (at byte 3)`). The config's Env and history
// are scanned as records by the image-config format (source/image_config.h).
//
// Memory: layers are streamed and never held; only small JSON members (manifests,
// indexes, configs, at most kMaxMetadataBytes each) are kept until the end, with the names
// of whiteouts and of the layer files that had findings.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_source.h"
#include "common/diagnostic.h"
#include "report/finding.h"

namespace tokensweep::pipeline {

// Watches one archive (or an OCI layout directory) while the pipeline scans it. Every
// archive gets one, cheaply: it starts keeping anything only when a member is named like
// part of an image, and adds context only when the members turn out to be one.
// Archives nested in a member of this one (a layer, and the gzip around it) report
// their own members to it through `current`, which each watcher sets for its lifetime.
class ImageScan {
 public:
  static constexpr std::size_t kMaxMetadataBytes = std::size_t{4} << 20;    // one member
  static constexpr std::size_t kMaxMetadataTotal = std::size_t{64} << 20;  // the image

  // `path` is the archive's (or directory's) path; `separator` joins it to a member name
  // in findings' paths: "!" for an archive, "/" for a directory. `current` is the
  // worker's innermost watcher, restored when this one is destroyed.
  ImageScan(ImageScan*& current, std::string path, std::string separator);
  ~ImageScan();
  ImageScan(const ImageScan&) = delete;
  ImageScan& operator=(const ImageScan&) = delete;

  // A member is about to be scanned from `bytes`; `findings` is the number of findings
  // the worker holds. Returns what to scan it from instead (it keeps a copy of small
  // metadata members on the way through). Valid until member_done().
  ByteSource& member(const std::string& name, ByteSource& bytes, std::size_t findings);
  // The member has been scanned; the findings since member() are its.
  void member_done(std::size_t findings);
  // The archive ended: adds context to the findings from `first` on (all of this archive
  // once it was scanned) and appends diagnostics for problems with the image's structure.
  void finish(std::vector<report::Finding>& findings, std::vector<Diagnostic>& diagnostics);

 private:
  struct State;
  // A member of an archive inside the current member of this one (depth counts the
  // archives between): the files of a layer.
  void nested(std::size_t depth, const std::string& name, std::size_t findings);
  ImageScan* watcher() const;  // the nearest enclosing watcher that is watching an image

  ImageScan*& current_;
  ImageScan* parent_;
  std::unique_ptr<State> state_;  // created when the first image-like member is seen
  std::string path_;
  std::string separator_;
  std::size_t depth_ = 0;  // archives enclosing this one
};

// The files of an OCI image layout directory, relative to it and sorted ("blobs/sha256/ab",
// "index.json", "oci-layout"); problems listing it are appended to `diagnostics`.
std::vector<std::string> list_image_layout(const std::string& dir, const std::string& path,
                                           std::vector<Diagnostic>& diagnostics);

}  // namespace tokensweep::pipeline
