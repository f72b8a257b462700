// The multi-part AOF manifest (Redis 7.0): which BASE, INCR and HISTORY files make up the
// append-only file, their names and sequence numbers, and the manifest's line format
// (`file appendonly.aof.1.base.rdb seq 1 type b`). Pure: no I/O.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/core/result.h"

namespace slotd {

enum class AofFileType : char { kBase = 'b', kHistory = 'h', kIncr = 'i' };

struct AofFileInfo {
  std::string name;
  int64_t seq = 0;
  AofFileType type = AofFileType::kIncr;
  bool operator==(const AofFileInfo&) const = default;
};

// A manifest parse failure: the message Redis logs and the 1-based line it was found at (0 = whole
// file).
struct ManifestError {
  std::string message;
  int line = 0;
  std::string text;  // the offending line, for ">>> '...'"
};

class AofManifest {
 public:
  // Parses a manifest's text as Redis 7.0 does ('#' lines skipped, key/value pairs in any order).
  static Result<AofManifest> Parse(std::string_view text, ManifestError* error = nullptr);
  // The file's text: BASE first, then HISTORY, then INCR files, one `file .. seq .. type ..` line
  // each.
  std::string Render() const;

  bool empty() const { return !base_.has_value() && incrs_.empty(); }
  const std::optional<AofFileInfo>& base() const { return base_; }
  const std::vector<AofFileInfo>& history() const { return history_; }
  const std::vector<AofFileInfo>& incrs() const { return incrs_; }

  // Starts the next BASE (`<prefix>.<seq>.base.rdb` or `.base.aof`); the previous base becomes
  // history.
  const AofFileInfo& NewBase(std::string_view prefix, bool rdb_format);
  // Appends the next INCR file (`<prefix>.<seq>.incr.aof`).
  const AofFileInfo& NewIncr(std::string_view prefix);
  // After a rewrite: every INCR file but the last (the one being written, when `keep_last`) is
  // history.
  void MarkIncrsAsHistory(bool keep_last);
  // Forgets the history entries (their files were deleted).
  void ClearHistory() { history_.clear(); }
  // Installs an existing file as the base (the upgrade from a single old-style AOF).
  void SetBase(AofFileInfo info);

 private:
  std::optional<AofFileInfo> base_;
  std::vector<AofFileInfo> history_;
  std::vector<AofFileInfo> incrs_;
  int64_t base_seq_ = 0;
  int64_t incr_seq_ = 0;
};

// File names derived from appendfilename.
std::string AofManifestName(std::string_view prefix);      // appendonly.aof.manifest
std::string AofTempManifestName(std::string_view prefix);  // temp-appendonly.aof.manifest
std::string AofTempIncrName(std::string_view prefix);      // temp-appendonly.aof.incr

}  // namespace slotd
