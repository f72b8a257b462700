// CONFIG REWRITE for redis.conf files (Redis 7.0's rewriteConfig rules) and the atomic file
// replacement shared with TOML files.
#include "server/config/config_rewrite.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "server/app/file_io.h"
#include "server/config/config_loader.h"

namespace slotd {
namespace {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

// The option a redis.conf line sets, or nullptr for comments, blanks and lines we do not manage.
const OptionDef* LineOption(std::string_view line) {
  size_t start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos || line[start] == '#') return nullptr;
  std::vector<std::string> args;
  if (!SplitArgs(line, &args) || args.empty()) return nullptr;
  return OptionTable::Get().Find(args[0]);
}

// Writes `content` to a temporary file next to `path`, fsyncs it and renames it over `path`,
// keeping the original file's permissions.
bool ReplaceFile(const std::string& path, std::string_view content, std::string* error) {
  struct stat st;
  mode_t mode = stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  timeval tv;
  gettimeofday(&tv, nullptr);
  std::string tmp =
      path + ".tmp-" + std::to_string(static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  bool ok = fd >= 0 && WriteAll(fd, content) && fchmod(fd, mode) == 0 && fsync(fd) == 0;
  int saved_errno = errno;
  if (fd >= 0) close(fd);
  if (ok && rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    saved_errno = errno;
  }
  if (!ok) {
    if (fd >= 0) unlink(tmp.c_str());
    *error = std::string("Rewriting config file: ") + std::strerror(saved_errno);
  }
  return ok;
}

std::string RedisConfValue(const OptionDef& def, const Config& config) {
  switch (def.type) {
    case OptionType::kMemory:
      if (def.flags & kOptUnsigned) return FormatMemoryUnits(config.*def.uint64_field);
      if (config.*def.int64_field < 0) return std::to_string(config.*def.int64_field);
      return FormatMemoryUnits(static_cast<uint64_t>(config.*def.int64_field));
    case OptionType::kString:
      return QuoteString(config.*def.string_field);
    default:
      return FormatOption(def, config);
  }
}

}  // namespace

bool OptionIsDefault(const OptionDef& def, const Config& config) {
  static const Config kDefaults;
  return FormatOption(def, config) == FormatOption(def, kDefaults);
}

std::vector<std::string> RedisConfLines(const OptionDef& def, const Config& config, bool all) {
  std::vector<std::string> lines;
  if (def.type == OptionType::kSpecial) {
    for (const std::string& args : def.rewrite_lines(config, all)) {
      lines.push_back(std::string(def.name) + " " + args);
    }
  } else {
    lines.push_back(std::string(def.name) + " " + RedisConfValue(def, config));
  }
  return lines;
}

std::string RewriteRedisConfText(std::string_view old_text, const Config& config) {
  std::vector<std::string> lines;
  std::map<const OptionDef*, std::vector<size_t>> slots;  // where each option's old lines are
  bool has_signature = false;
  for (std::string_view raw : SplitLines(old_text)) {
    // Redis trims every line it reads back, comments included.
    size_t begin = raw.find_first_not_of(" \t\r");
    std::string_view line =
        begin == std::string_view::npos ? std::string_view() : raw.substr(begin);
    line = line.substr(0, line.find_last_not_of(" \t\r") + 1);
    if (line == kRewriteSignature) has_signature = true;
    if (const OptionDef* def = LineOption(line)) slots[def].push_back(lines.size());
    lines.emplace_back(line);
  }
  std::vector<std::string> appended;
  for (const OptionDef& def : OptionTable::Get().all()) {
    auto found = slots.find(&def);
    bool in_file = found != slots.end();
    if (!in_file && !(def.flags & kOptAlwaysRewrite) && OptionIsDefault(def, config)) continue;
    std::vector<std::string> wanted = RedisConfLines(def, config, in_file);
    size_t used = 0;
    if (in_file) {
      // Reuse the option's old lines in order; the ones left over become blank (Redis's orphans).
      for (size_t index : found->second) lines[index] = used < wanted.size() ? wanted[used++] : "";
    }
    for (; used < wanted.size(); ++used) appended.push_back(wanted[used]);
  }
  if (!appended.empty() && !has_signature) {
    lines.emplace_back("");
    lines.emplace_back(kRewriteSignature);
  }
  lines.insert(lines.end(), appended.begin(), appended.end());

  // Every run of blank lines becomes one, as Redis writes it.
  std::string out;
  bool was_blank = false;
  for (const std::string& line : lines) {
    bool blank = line.empty();
    if (blank && was_blank) continue;
    was_blank = blank;
    out += line;
    out += '\n';
  }
  return out;
}

bool RewriteConfigFile(const std::string& path, const Config& config, std::string* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  std::string old_text;
  if (fd >= 0) {
    char buffer[16384];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof(buffer))) > 0)
      old_text.append(buffer, static_cast<size_t>(n));
    close(fd);
  } else if (errno != ENOENT) {
    *error = std::string("Rewriting config file: ") + std::strerror(errno);
    return false;
  }
  std::string new_text;
  if (ConfigFormatForPath(path) == ConfigFormat::kToml) {
    if (!RewriteTomlText(old_text, config, &new_text, error)) return false;
  } else {
    new_text = RewriteRedisConfText(old_text, config);
  }
  return ReplaceFile(path, new_text, error);
}

}  // namespace slotd
