// Git repositories as a source (issue 8), through git's own plumbing run with
// posix_spawn: `git log --raw` lists which commit first introduced each blob, and one
// `git cat-file --batch` process streams the blobs' bytes. Each distinct blob is read
// once however many commits and paths contain it, so a history scan costs the size of
// the distinct content, not commits × files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "common/result.h"

namespace tokensweep::source {

struct GitScope {
  std::string repo = ".";
  std::string since;   // --since REV: what REV..HEAD adds
  std::string range;   // --range A..B: what B adds over A
  bool staged = false; // --staged: the index against HEAD (pre-commit)
};

// A blob and where it first appeared (oldest commit first).
struct GitBlob {
  std::string sha;
  std::string path;
  std::string commit;  // "" for staged blobs
  std::string author;
  std::string date;    // ISO 8601, the author date
};

struct GitListing {
  std::vector<GitBlob> blobs;  // distinct, in the order they first appeared
  uint64_t commits = 0;        // commits walked (0 for --staged)
  uint64_t blob_mentions = 0;  // (commit, path, blob) changes seen before dedupe
};

// The distinct blobs in `scope`. Fails when git cannot be run or rejects the revisions
// (the message carries git's own).
Result<GitListing> list_git_blobs(const GitScope& scope);

// Streams the bytes of `blobs` through one `git cat-file --batch`; `on_blob` is called in
// order. A blob git cannot produce is a diagnostic; the rest are still read.
Status read_git_blobs(const std::string& repo, const std::vector<GitBlob>& blobs,
                      const std::function<void(const GitBlob&, std::string&&)>& on_blob,
                      std::vector<Diagnostic>& diagnostics);

}  // namespace tokensweep::source
