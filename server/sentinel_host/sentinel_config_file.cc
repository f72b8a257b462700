// Sentinel config file rewrite and atomic write (see sentinel_config_file.h).
#include "server/sentinel_host/sentinel_config_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>

#include "server/app/file_io.h"
#include "server/commands/arg_parse.h"
#include "server/config/config_rewrite.h"
#include "server/config/option_table.h"

namespace slotd {
namespace {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// True when the line's first word is `name` (case-insensitive).
bool LineIsOption(std::string_view line, std::string_view name) {
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return false;
  line.remove_prefix(start);
  if (line.size() < name.size() || !EqualsIgnoreCase(line.substr(0, name.size()), name))
    return false;
  return line.size() == name.size() || line[name.size()] == ' ' || line[name.size()] == '\t';
}

// True when the line's first word is "sentinel" (comments and blank lines are not directives).
bool IsSentinelDirective(std::string_view line) { return LineIsOption(line, "sentinel"); }

// The directive's second word, lowercased ("monitor", "known-replica"); "" when there is none.
std::string DirectiveKind(std::string_view line) {
  size_t start = line.find_first_not_of(" \t");
  size_t word_end = line.find_first_of(" \t", start);
  size_t kind_start = line.find_first_not_of(" \t", word_end);
  if (word_end == std::string_view::npos || kind_start == std::string_view::npos) return "";
  size_t kind_end = line.find_first_of(" \t", kind_start);
  std::string kind(line.substr(kind_start, kind_end - kind_start));
  for (char& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kind;
}

}  // namespace

std::string RewriteSentinelDirectives(std::string_view old_text, std::string_view sentinel_lines) {
  std::vector<std::string_view> lines = SplitLines(old_text);
  // Like Redis, an old directive is reused in place by a new one of the same kind ("sentinel
  // monitor", "sentinel known-replica", ...); the rest are appended under the signature.
  std::map<std::string, std::deque<size_t>> old_by_kind;
  bool has_signature = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].starts_with(kRewriteSignature)) has_signature = true;
    if (IsSentinelDirective(lines[i])) old_by_kind[DirectiveKind(lines[i])].push_back(i);
  }
  std::vector<bool> replaced(lines.size(), false);
  std::vector<std::string_view> tail;
  for (std::string_view fresh : SplitLines(sentinel_lines)) {
    auto& slots = old_by_kind[DirectiveKind(fresh)];
    if (slots.empty()) {
      tail.push_back(fresh);
      continue;
    }
    lines[slots.front()] = fresh;
    replaced[slots.front()] = true;
    slots.pop_front();
  }
  std::string out;
  out.reserve(old_text.size() + sentinel_lines.size() + kRewriteSignature.size() + 2);
  bool was_empty = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!replaced[i] && IsSentinelDirective(line)) line = {};  // an orphaned old directive
    // Every cluster of empty lines becomes one, as in Redis's rewrite.
    if (line.empty() && was_empty) continue;
    was_empty = line.empty();
    out.append(line);
    out.push_back('\n');
  }
  if (!tail.empty() && !has_signature) {
    if (!was_empty && !out.empty()) out.push_back('\n');
    out.append(kRewriteSignature);
    out.push_back('\n');
  }
  for (std::string_view line : tail) {
    out.append(line);
    out.push_back('\n');
  }
  return out;
}

std::string RewriteSentinelConfigText(std::string_view old_text, const Config& config,
                                      std::string_view sentinel_lines) {
  // Redis leaves `save` alone in sentinel mode (rewriteConfigSaveOption): the file's own save
  // lines are hidden from the generic rewrite as comments, the ones it adds are dropped.
  constexpr std::string_view kHidden = "#slotd-sentinel-keep ";
  std::string hidden;
  for (std::string_view line : SplitLines(old_text)) {
    if (LineIsOption(line, "save")) hidden.append(kHidden);
    hidden.append(line);
    hidden.push_back('\n');
  }
  std::string generic = RewriteRedisConfText(hidden, config);
  std::string restored;
  for (std::string_view line : SplitLines(generic)) {
    if (LineIsOption(line, "save")) continue;
    if (line.starts_with(kHidden)) line.remove_prefix(kHidden.size());
    restored.append(line);
    restored.push_back('\n');
  }
  return RewriteSentinelDirectives(restored, sentinel_lines);
}

bool ParseSentinelDirectives(std::string_view text, std::vector<std::vector<std::string>>* out,
                             std::vector<int>* line_numbers, std::string* error) {
  int number = 0;
  for (std::string_view line : SplitLines(text)) {
    ++number;
    if (!IsSentinelDirective(line)) continue;
    std::vector<std::string> args;
    if (!SplitArgs(line, &args) || args.empty()) {
      *error = "Unbalanced quotes in configuration line " + std::to_string(number);
      return false;
    }
    args.erase(args.begin());
    out->push_back(std::move(args));
    if (line_numbers != nullptr) line_numbers->push_back(number);
  }
  return true;
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out->clear();
  char buf[16384];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      close(fd);
      errno = saved;
      return false;
    }
    out->append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return true;
}

bool WriteFileAtomically(const std::string& path, std::string_view data, std::string* error) {
  std::string temp = path + ".tmp-" + std::to_string(getpid());
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "Could not create tmp config file (" + std::string(std::strerror(errno)) + ")";
    return false;
  }
  bool ok = WriteAll(fd, data) && fsync(fd) == 0;
  int saved = errno;
  close(fd);
  if (ok && rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    unlink(temp.c_str());
    *error = std::string(std::strerror(saved));
    return false;
  }
  if (!FsyncDirectoryOf(path)) {
    *error = "Could not sync the config file directory (" + std::string(std::strerror(errno)) + ")";
    return false;
  }
  return true;
}

std::string SentinelStateFileFor(const std::string& toml_path) { return toml_path + ".state"; }

}  // namespace slotd
