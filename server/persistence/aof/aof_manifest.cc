// Manifest parsing and rendering with Redis 7.0's texts and quoting rules.
#include "server/persistence/aof/aof_manifest.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "server/commands/arg_parse.h"
#include "server/config/option_table.h"

namespace slotd {
namespace {

constexpr size_t kMaxLineLength = 1024;  // Redis's AOF_ANNOTATION_LINE_MAX_LEN
constexpr const char* kInvalidFormat = "Invalid AOF manifest file format";

// sdsneedsrepr: a name with spaces, quotes or unprintable bytes is written quoted (sdscatrepr).
std::string QuoteIfNeeded(std::string_view name) {
  for (unsigned char c : name) {
    if (c == '\\' || c == '"' || !std::isprint(c) || std::isspace(c)) return QuoteString(name);
  }
  return std::string(name);
}

// One `file NAME seq N type T` line (already split). Empty string on success, else the error.
std::string ParseEntry(const std::vector<std::string>& args, AofFileInfo* info) {
  if (args.size() < 6 || args.size() % 2 != 0) return kInvalidFormat;
  bool have_name = false;
  char type = 0;
  for (size_t i = 0; i < args.size(); i += 2) {
    const std::string& key = args[i];
    const std::string& value = args[i + 1];
    if (EqualsIgnoreCase(key, "file")) {
      if (value.find('/') != std::string::npos) return "File can't be a path, just a filename";
      info->name = value;
      have_name = true;
    } else if (EqualsIgnoreCase(key, "seq")) {
      info->seq = std::atoll(value.c_str());
    } else if (EqualsIgnoreCase(key, "type")) {
      type = value.empty() ? 0 : value[0];
    }
  }
  if (!have_name || info->name.empty() || info->seq == 0 || type == 0) return kInvalidFormat;
  info->type = static_cast<AofFileType>(type);
  return "";
}

std::string SeqName(std::string_view prefix, int64_t seq, const char* kind, const char* format) {
  std::string name(prefix);
  name += '.';
  name += std::to_string(seq);
  name += kind;
  name += format;
  return name;
}

}  // namespace

Result<AofManifest> AofManifest::Parse(std::string_view text, ManifestError* error) {
  AofManifest manifest;
  int64_t max_incr_seq = 0;
  int line_number = 0;
  auto fail = [&](std::string message, std::string_view line) -> Result<AofManifest> {
    if (error != nullptr) *error = {message, line_number, std::string(line)};
    return Error{std::move(message)};
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view raw =
        text.substr(pos, end == std::string_view::npos ? text.size() - pos : end - pos + 1);
    pos += raw.size();
    ++line_number;
    if (raw.size() > kMaxLineLength) raw = raw.substr(0, kMaxLineLength);
    if (raw.front() == '#') continue;
    if (raw.back() != '\n') return fail("The AOF manifest file contains too long line", raw);
    std::string_view line = raw;
    while (!line.empty() && std::strchr(" \t\r\n", line.back()) != nullptr) line.remove_suffix(1);
    while (!line.empty() && std::strchr(" \t\r\n", line.front()) != nullptr) line.remove_prefix(1);
    std::vector<std::string> args;
    if (line.empty() || !SplitArgs(line, &args)) return fail(kInvalidFormat, line);
    AofFileInfo info;
    std::string problem = ParseEntry(args, &info);
    if (!problem.empty()) return fail(problem, line);
    switch (info.type) {
      case AofFileType::kBase:
        if (manifest.base_.has_value()) return fail("Found duplicate base file information", line);
        manifest.base_seq_ = info.seq;
        manifest.base_ = std::move(info);
        break;
      case AofFileType::kHistory:
        manifest.history_.push_back(std::move(info));
        break;
      case AofFileType::kIncr:
        if (info.seq <= max_incr_seq) return fail("Found a non-monotonic sequence number", line);
        max_incr_seq = manifest.incr_seq_ = info.seq;
        manifest.incrs_.push_back(std::move(info));
        break;
      default:
        return fail("Unknown AOF file type", line);
    }
  }
  if (manifest.empty()) {
    line_number = 0;
    return fail("Found an empty AOF manifest", "");
  }
  return manifest;
}

std::string AofManifest::Render() const {
  std::string out;
  auto add = [&out](const AofFileInfo& info) {
    out += "file ";
    out += QuoteIfNeeded(info.name);
    out += " seq ";
    out += std::to_string(info.seq);
    out += " type ";
    out += static_cast<char>(info.type);
    out += '\n';
  };
  if (base_.has_value()) add(*base_);
  for (const AofFileInfo& info : history_) add(info);
  for (const AofFileInfo& info : incrs_) add(info);
  return out;
}

const AofFileInfo& AofManifest::NewBase(std::string_view prefix, bool rdb_format) {
  if (base_.has_value()) {
    base_->type = AofFileType::kHistory;
    history_.insert(history_.begin(), std::move(*base_));
  }
  ++base_seq_;
  base_ = AofFileInfo{SeqName(prefix, base_seq_, ".base", rdb_format ? ".rdb" : ".aof"), base_seq_,
                      AofFileType::kBase};
  return *base_;
}

const AofFileInfo& AofManifest::NewIncr(std::string_view prefix) {
  ++incr_seq_;
  incrs_.push_back({SeqName(prefix, incr_seq_, ".incr", ".aof"), incr_seq_, AofFileType::kIncr});
  return incrs_.back();
}

void AofManifest::MarkIncrsAsHistory(bool keep_last) {
  size_t count = incrs_.size();
  if (keep_last && count > 0) --count;
  // Moved newest first to the front of the history, so the history keeps ascending order.
  for (size_t i = count; i-- > 0;) {
    incrs_[i].type = AofFileType::kHistory;
    history_.insert(history_.begin(), std::move(incrs_[i]));
  }
  incrs_.erase(incrs_.begin(), incrs_.begin() + static_cast<std::ptrdiff_t>(count));
}

void AofManifest::SetBase(AofFileInfo info) {
  info.type = AofFileType::kBase;
  base_seq_ = info.seq;
  base_ = std::move(info);
}

std::string AofManifestName(std::string_view prefix) { return std::string(prefix) + ".manifest"; }
std::string AofTempManifestName(std::string_view prefix) {
  return "temp-" + std::string(prefix) + ".manifest";
}
std::string AofTempIncrName(std::string_view prefix) {
  return "temp-" + std::string(prefix) + ".incr";
}

}  // namespace slotd
