// Git repositories as a source (issue 8), through git's own plumbing run with
// posix_spawn: `git log --raw` lists which commit first introduced each blob, and one
// `git cat-file --batch` process streams the blobs' bytes. Each distinct blob is read
// once however many commits and paths contain it, so a history scan costs the size of
// the distinct content, not commits × files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
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
  std::unordered_map<std::string, uint32_t> blob_index;  // sha -> blobs[]

  // Where things stand at the end of the scanned history, for git_whereabouts(); all
  // empty for --staged. `tip` is the revision the history ends at: "HEAD", or B of
  // --range A..B.
  struct Change {
    uint32_t commit;  // commit_shas[]
    int32_t blob;     // blobs[], or -1: deleted or no longer a regular file
  };
  std::string tip;
  std::unordered_map<std::string, uint32_t> tip_tree;  // path -> blobs[] (listed blobs only)
  std::unordered_map<uint32_t, std::string> tip_first_path;  // blobs[] -> its least path there
  std::vector<std::string> commit_shas;                  // in history order
  std::unordered_map<std::string, std::vector<Change>> changes;  // per path, in history order
};

// The distinct blobs in `scope`. Fails when git cannot be run or rejects the revisions
// (the message carries git's own).
Result<GitListing> list_git_blobs(const GitScope& scope);

// Where a secret found in `blob` (one of listing.blobs) still is, as a `source` entry:
//   {"still_in", "<tip>:<path>"}  a blob holding the secret is in the tip's tree (at
//                                 blob.path when it is there, else the first such path);
//   {"removed_in", "<commit>"}    else the first later commit that gave blob.path content
//                                 without the secret, or deleted it;
//   {"not_in", "<tip>"}           else: the secret lives only in history the tip does not
//                                 contain (another branch).
// `holding`: the shas of every scanned blob the same secret was found in. Returns an
// empty pair when the tip is unknown (--staged, or git could not list it). Costs a hash
// look-up per holding blob and a walk of the path's changes.
std::pair<std::string, std::string> git_whereabouts(const GitListing& listing, const GitBlob& blob,
                                                    const std::unordered_set<std::string>& holding);

// Streams the bytes of `blobs` through one `git cat-file --batch`; `on_blob` is called in
// order. A blob git cannot produce is a diagnostic; the rest are still read.
Status read_git_blobs(const std::string& repo, const std::vector<GitBlob>& blobs,
                      const std::function<void(const GitBlob&, std::string&&)>& on_blob,
                      std::vector<Diagnostic>& diagnostics);

}  // namespace tokensweep::source
