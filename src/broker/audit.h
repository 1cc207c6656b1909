// The audit log of --audit FILE: JSON Lines, one record per check, revocation and
// confirmation, appended (the file is created 0600). Never contains a secret: records
// are built from fingerprints, rule ids, hook names and verdicts only.
//   {"time":"2026-01-02T03:04:05.678Z","hook":"corp-idp","action":"check",
//    "rule_id":"generic.bearer-header","fingerprint":"<sha256 hex>","outcome":"active"}
// ("detail" is added when the outcome needs explaining: faults, refusals.)
//
// Thread-safety: record() may be called from several threads.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"

namespace tokensweep::broker {

struct AuditRecord {
  std::string hook;
  std::string action;  // check | revoke | confirm
  std::string rule_id;
  std::string fingerprint;
  std::string outcome;  // active | inactive | revoked | unknown
  std::string detail;
};

class AuditLog {
 public:
  static Result<std::unique_ptr<AuditLog>> open(const std::string& path);
  explicit AuditLog(std::FILE* file) : file_(file) {}  // takes ownership; use open()
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void record(const AuditRecord& r);
  // False when any write failed (reported by the caller).
  bool ok() const;

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> file_;
  mutable std::mutex mu_;
  bool ok_ = true;
};

}  // namespace tokensweep::broker
