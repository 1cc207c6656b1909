// image-config — a container image's config JSON (OCI image-spec config.md; docker's
// `<hex>.json`) as a RecordFormat (format.h): each `config.Env` entry, each
// `container_config.Env` entry (the classic builder's build container) and each
// `history[].created_by` (where `RUN` keeps its build args: `RUN |1 TOKEN=... /bin/sh -c ...`)
// is one record. Context: {"image_config", the field: "config.Env[1]",
// "history[3].created_by"}. Decoders {"json-unescape"}. Its line is the line of the input
// where the field's JSON string starts (1 when it cannot be located).
//
// Detected by where it is — an image member named like a config (`blobs/<alg>/<hex>`,
// `<64 hex>.json`, innermost name) — and by content: a JSON object whose first bytes name
// "architecture", "rootfs" or "diff_ids". The whole config is held (configs are small;
// past kMaxImageConfigBytes it is reported malformed and scanned as plain bytes only).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "source/format.h"

namespace tokensweep::source {

inline constexpr std::size_t kMaxImageConfigBytes = std::size_t{16} << 20;

bool detect_image_config(std::string_view path, std::string_view head);
std::unique_ptr<RecordFormat> make_image_config(std::string_view path);

}  // namespace tokensweep::source
