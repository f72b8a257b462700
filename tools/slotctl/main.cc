// slotctl: the operator's tool for slotd (and Redis 7.0) clusters. Parses the command line and
// runs one subcommand; wording follows redis-cli --cluster so operators recognise it.
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/slotctl/commands.h"
#include "tools/slotctl/console.h"

namespace {

using slotd::slotctl::CommonOptions;
using slotd::slotctl::HostPort;
using slotd::slotctl::ParseHostPort;

constexpr const char* kUsage =
    "Usage: slotctl <command> [arguments...] [options...]\n"
    "\n"
    "Commands:\n"
    "  create HOST:PORT... [--replicas N] [--yes]\n"
    "                       Make a cluster of empty cluster-enabled nodes, N replicas per master.\n"
    "  check HOST:PORT      Check that nodes agree, no slot is open and all 16384 are covered.\n"
    "  info HOST:PORT       Keys, slots and replicas of every master.\n"
    "\n"
    "Options:\n"
    "  --replicas N         Replicas per master for create (also --cluster-replicas).\n"
    "  --yes                Do not ask for confirmation (also --cluster-yes).\n"
    "  -a PASSWORD          AUTH with PASSWORD on every node (also --pass).\n"
    "  --no-color           Plain output even on a terminal.\n"
    "  -h, --help           This help.\n";

constexpr const char* kInvalidHostArg =
    "[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or "
    "space separated IP and port (ie. 120.0.0.1 7000)\n";

struct Args {
  std::string command;
  std::vector<std::string> positional;
  int replicas = 0;
  CommonOptions common;
};

bool ParseReplicas(const char* text, int& out) {
  std::string_view s(text);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out >= 0 && out < 1000000;
}

// Returns false (after printing why) on a bad command line.
bool ParseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--replicas" || a == "--cluster-replicas") {
      if (!has_value || !ParseReplicas(argv[++i], args.replicas)) {
        std::fprintf(stderr, "slotctl: %s needs a number >= 0\n", argv[i - (has_value ? 1 : 0)]);
        return false;
      }
    } else if (a == "--yes" || a == "--cluster-yes") {
      args.common.yes = true;
    } else if (a == "-a" || a == "--pass") {
      if (!has_value) {
        std::fprintf(stderr, "slotctl: %s needs a password\n", argv[i]);
        return false;
      }
      args.common.password = argv[++i];
    } else if (a == "--no-color") {
      slotd::slotctl::SetColor(false);
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "slotctl: unknown option '%s'\n\n%s", argv[i], kUsage);
      return false;
    } else if (args.command.empty()) {
      args.command = a;
    } else {
      args.positional.emplace_back(a);
    }
  }
  return true;
}

// check/info take "host:port" or "host port".
bool SingleAddress(const std::vector<std::string>& pos, HostPort& out) {
  std::optional<HostPort> hp;
  if (pos.size() == 1) hp = ParseHostPort(pos[0]);
  if (pos.size() == 2) hp = ParseHostPort(pos[0] + ":" + pos[1]);
  if (!hp) {
    std::fputs(kInvalidHostArg, stderr);
    return false;
  }
  out = *hp;
  return true;
}

int RunCreateCommand(const Args& args) {
  if (args.positional.empty()) {
    std::fputs(kUsage, stderr);
    return 1;
  }
  std::vector<HostPort> addrs;
  for (const std::string& p : args.positional) {
    std::optional<HostPort> hp = ParseHostPort(p);
    if (!hp) {
      std::fprintf(stderr, "Invalid address format: %s\n", p.c_str());
      return 1;
    }
    addrs.push_back(*hp);
  }
  return slotd::slotctl::RunCreate(addrs, args.replicas, args.common);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  Args args;
  if (!ParseArgs(argc, argv, args)) return 1;
  if (args.command == "create") return RunCreateCommand(args);
  if (args.command == "check" || args.command == "info") {
    HostPort seed;
    if (!SingleAddress(args.positional, seed)) return 1;
    return args.command == "check" ? slotd::slotctl::RunCheck(seed, args.common)
                                   : slotd::slotctl::RunInfo(seed, args.common);
  }
  if (args.command.empty()) {
    std::fputs(kUsage, stderr);
  } else {
    std::fprintf(stderr, "slotctl: unknown command '%s'\n\n%s", args.command.c_str(), kUsage);
  }
  return 1;
}
