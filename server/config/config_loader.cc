// Loads the start-up configuration: redis.conf lines (Redis's quoting and error texts), TOML files,
// and
// `--name value` arguments that override the file, in redis-server's order.
#include "server/config/config_loader.h"

#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "server/commands/arg_parse.h"
#include "server/config/option_table.h"
#include "server/log/logger.h"

namespace slotd {
namespace {

constexpr int kMaxIncludeDepth = 8;
constexpr std::string_view kBadDirective = "Bad directive or wrong number of arguments";

bool ReadWholeFile(const std::string& path, std::string* content, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *content = buffer.str();
  return true;
}

std::string AbsolutePath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  std::string abs = cwd;
  if (abs.back() != '/') abs += '/';
  return abs + path;
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kSpace);
  return s.substr(begin, end - begin + 1);
}

// Newlines in `content`: the arguments number on after them (Redis joins file and arguments with
// one).
int CountLines(std::string_view content) {
  int lines = 0;
  for (char c : content) lines += c == '\n';
  return lines;
}

int64_t NowMicros() {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

ConfigFormat ConfigFormatForPath(std::string_view path) {
  return EndsWith(ToLower(path), ".toml") ? ConfigFormat::kToml : ConfigFormat::kRedisConf;
}

std::string FatalConfigError(int line, std::string_view line_text, std::string_view reason) {
  std::string out = "\n*** FATAL CONFIG FILE ERROR (Redis ";
  out.append(kRedisCompatVersion);
  out.append(") ***\nReading the configuration file, at line ");
  out.append(std::to_string(line));
  out.append("\n>>> '");
  out.append(line_text);
  out.append("'\n");
  out.append(reason);
  return out;
}

bool ConfigLoader::ApplyOption(const std::vector<std::string>& args, int line,
                               std::string* reason) {
  const std::string& name = args[0];
  if (EqualsIgnoreCase(name, "sentinel")) {
    if (args.size() == 1) return true;  // the --sentinel switch itself
    if (!out_->sentinel) {
      *reason = "sentinel directive while not in sentinel mode";
      return false;
    }
    out_->sentinel_directives.push_back({args, line});
    return true;
  }
  const OptionDef* def = OptionTable::Get().Find(name);
  if (def == nullptr) {
    *reason = kBadDirective;
    return false;
  }
  std::span<const std::string> values(args.begin() + 1, args.end());
  // Redis splits the one non-empty argument of a multi-argument option (--save "3600 1").
  std::vector<std::string> split;
  if (def->multi_arg() && values.size() == 1 && !values[0].empty() && SplitArgs(values[0], &split)) {
    values = split;
  }
  bool is_save = def->name == "save";
  if (!ParseOption(*def, values, is_save && save_seen_, &out_->config, reason)) return false;
  if (is_save) save_seen_ = true;
  if (def->name == "replicaof") {
    replicaof_line_ = line;
    replicaof_text_.clear();
    for (const std::string& arg : args)
      replicaof_text_ += (replicaof_text_.empty() ? "" : " ") + arg;
  }
  return true;
}

bool ConfigLoader::Apply(const std::vector<std::string>& args, int line, std::string_view line_text,
                         std::string* error) {
  std::string reason;
  if (args.empty()) return true;
  if (!ApplyOption(args, line, &reason)) {
    *error = FatalConfigError(line, line_text, reason);
    return false;
  }
  if (replicaof_line_ == line) replicaof_text_ = std::string(line_text);
  return true;
}

bool ConfigLoader::LoadRedisConf(std::string_view text, std::string* error, int first_line) {
  int line_number = first_line - 1;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> args;
    if (!SplitArgs(line, &args)) {
      *error = FatalConfigError(line_number, line, "Unbalanced quotes in configuration line");
      return false;
    }
    if (args.empty()) continue;
    args[0] = ToLower(args[0]);
    if (args[0] == "include" && args.size() == 2) {
      if (++include_depth_ > kMaxIncludeDepth) {
        *error = FatalConfigError(line_number, line, "Too many nested include directives");
        return false;
      }
      bool ok = LoadFile(args[1], error);
      --include_depth_;
      if (!ok) return false;
      continue;
    }
    if (!Apply(args, line_number, line, error)) return false;
  }
  return true;
}

bool ConfigLoader::LoadFile(const std::string& path, std::string* error, int* line_count) {
  std::string content;
  std::string reason;
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    content = buffer.str();
  } else if (!ReadWholeFile(path, &content, &reason)) {
    // Redis logs this one as a log line rather than the FATAL block.
    std::string text =
        "Fatal error, can't open config file '" + AbsolutePath(path) + "': " + reason;
    *error = FormatLogLine(static_cast<int>(getpid()), 'C', LogLevel::kWarning, NowMicros(), text);
    error->pop_back();  // the caller adds the newline
    return false;
  }
  if (line_count != nullptr) *line_count = CountLines(content);
  if (ConfigFormatForPath(path) == ConfigFormat::kToml) return LoadToml(content, path, error);
  return LoadRedisConf(content, error);
}

bool ConfigLoader::Finish(std::string* error) {
  if (out_->config.cluster_enabled && !out_->config.replicaof_host.empty()) {
    *error = FatalConfigError(replicaof_line_, replicaof_text_,
                              "replicaof directive not allowed in cluster mode");
    return false;
  }
  return true;
}

bool ApplyLogConfig(const Config& config, std::string* error) {
  LogLevel level;
  if (ParseLogLevel(config.loglevel, &level)) SetLogLevel(level);
  return SetLogFile(config.logfile, error);
}

namespace {

struct CommandLine {
  std::string config_file;  // "" when none; "-" for stdin
  struct Option {
    std::vector<std::string> args;
    std::string text;  // as Redis shows it in errors: name "arg" "arg"
  };
  std::vector<Option> options;
};

void AddOptionName(CommandLine* cl, std::string_view word) {
  CommandLine::Option option;
  // "--port 6380" given as one argument: the name and its values.
  if (!SplitArgs(word, &option.args) || option.args.empty()) option.args = {std::string(word)};
  option.args[0] = ToLower(option.args[0]);
  option.text = option.args[0];
  for (size_t i = 1; i < option.args.size(); ++i) option.text += " " + QuoteString(option.args[i]);
  cl->options.push_back(std::move(option));
}

CommandLine ParseCommandLine(int argc, char** argv) {
  CommandLine cl;
  int j = 1;
  if (argc >= 2 && !(argv[1][0] == '-' && argv[1][1] == '-')) {
    cl.config_file = argv[1];
    j = 2;
  }
  for (; j < argc; ++j) {
    std::string_view arg = argv[j];
    if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      AddOptionName(&cl, arg.substr(2));
      // `--save` with nothing after it (or followed by another option) means save "".
      bool last = j + 1 >= argc || std::string_view(argv[j + 1]).substr(0, 2) == "--";
      if (last && cl.options.back().args.size() == 1 && cl.options.back().args[0] == "save") {
        cl.options.back().args.push_back("");
        cl.options.back().text += " \"\"";
      }
    } else if (cl.options.empty()) {
      AddOptionName(&cl, "");  // a value without a name: reported as a bad directive
      cl.options.back().args = {"", std::string(arg)};
      cl.options.back().text = QuoteString(arg);
    } else {
      cl.options.back().args.emplace_back(arg);
      cl.options.back().text += " " + QuoteString(arg);
    }
  }
  return cl;
}

std::string VersionText() {
  std::string text = "slotd server v=";
  text.append(kRedisCompatVersion);
  text.append(" sha=00000000:0 malloc=libc bits=64 build=slotd\n");
  return text;
}

std::string UsageText() {
  return "Usage: ./slotd [/path/to/slotd.toml | /path/to/redis.conf] [options] [-]\n"
         "       ./slotd - (read config from stdin)\n"
         "       ./slotd -v or --version\n"
         "       ./slotd -h or --help\n"
         "       ./slotd --sentinel /path/to/sentinel.conf [options]\n\n"
         "Examples:\n"
         "       ./slotd (run the server with default config)\n"
         "       ./slotd conf/cluster/7001.toml\n"
         "       ./slotd --port 7777\n"
         "       ./slotd --port 7777 --replicaof 127.0.0.1 8888\n"
         "       ./slotd /etc/redis/6379.conf --loglevel verbose -\n"
         "       ./slotd /etc/redis/6379.conf --loglevel verbose\n";
}

bool IsSentinel(int argc, char** argv) {
  if (argc > 0 && std::strstr(argv[0], "slotd-sentinel") != nullptr) return true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--sentinel") == 0) return true;
  }
  return false;
}

}  // namespace

LoadOutcome LoadConfig(int argc, char** argv, StartupConfig* out, std::string* error) {
  if (argc >= 2) {
    std::string_view first = argv[1];
    if (first == "-v" || first == "--version" || first == "-h" || first == "--help") {
      std::string text = first == "-v" || first == "--version" ? VersionText() : UsageText();
      std::fwrite(text.data(), 1, text.size(), stdout);
      return LoadOutcome::kExit;
    }
  }
  out->sentinel = IsSentinel(argc, argv);
  if (out->sentinel) out->config.port = 26379;
  CommandLine cl = ParseCommandLine(argc, argv);
  if (out->sentinel && (cl.config_file.empty() || cl.config_file == "-")) {
    *error = "Sentinel needs config file on disk to save state. Exiting...";
    return LoadOutcome::kError;
  }
  ConfigLoader loader(out);
  int file_lines = 0;
  if (!cl.config_file.empty()) {
    if (!loader.LoadFile(cl.config_file, error, &file_lines)) return LoadOutcome::kError;
    if (cl.config_file != "-") out->config_file = AbsolutePath(cl.config_file);
  }
  // Redis appends the arguments to the file's text after one newline, so they number on from there.
  int line = file_lines + 2;
  for (const CommandLine::Option& option : cl.options) {
    if (!loader.Apply(option.args, line++, option.text, error)) return LoadOutcome::kError;
  }
  if (!loader.Finish(error)) return LoadOutcome::kError;
  // CONFIG GET dir shows the absolute directory, as Redis's getcwd() after its chdir does.
  char resolved[PATH_MAX];
  if (realpath(out->config.dir.c_str(), resolved) != nullptr) out->config.dir = resolved;
  return LoadOutcome::kRun;
}

LoadOutcome LoadConfig(int argc, char** argv, Config* config, std::string* config_file,
                       std::string* error) {
  StartupConfig startup;
  LoadOutcome outcome = LoadConfig(argc, argv, &startup, error);
  if (outcome == LoadOutcome::kRun) {
    *config = std::move(startup.config);
    *config_file = std::move(startup.config_file);
  }
  return outcome;
}

}  // namespace slotd
