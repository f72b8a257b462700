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
    "  fix HOST:PORT [--yes]\n"
    "                       Close open (migrating/importing) slots and cover unassigned ones.\n"
    "  add-node NEW_HOST:PORT EXISTING_HOST:PORT [--replica] [--replica-of ID]\n"
    "                       Join an empty node as a master, or as a replica (of ID, else of\n"
    "                       the master with the fewest replicas).\n"
    "  del-node HOST:PORT ID\n"
    "                       Remove an empty node: FORGET everywhere, then RESET SOFT on it.\n"
    "  reshard HOST:PORT --from ID[,ID...]|all --to ID --slots N [--yes]\n"
    "          [--timeout MS] [--pipeline N] [--replace]\n"
    "                       Move N slots and their keys to the master ID.\n"
    "  rebalance HOST:PORT [--weight ID=W]... [--use-empty-masters] [--threshold PCT]\n"
    "          [--simulate] [--timeout MS] [--pipeline N] [--replace]\n"
    "                       Move slots until every master holds its weighted share.\n"
    "  call HOST:PORT COMMAND [ARG...] [--only-masters|--only-replicas before HOST:PORT]\n"
    "                       Run one command on every node and print each reply.\n"
    "\n"
    "Options:\n"
    "  --replicas N         Replicas per master for create (also --cluster-replicas).\n"
    "  --yes                Do not ask for confirmation (also --cluster-yes).\n"
    "  --timeout MS         MIGRATE timeout (default 60000).\n"
    "  --pipeline N         Keys moved per MIGRATE (default 10).\n"
    "  --replace            Overwrite keys that already exist on the target.\n"
    "  --threshold PCT      Rebalance only when a master is PCT percent off (default 2).\n"
    "  -a PASSWORD          AUTH with PASSWORD on every node (also --pass).\n"
    "  --no-color           Plain output even on a terminal.\n"
    "  -h, --help           This help.\n"
    "Options also take redis-cli's --cluster-* names (--cluster-from, --cluster-slave, ...).\n";

constexpr const char* kInvalidHostArg =
    "[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or "
    "space separated IP and port (ie. 120.0.0.1 7000)\n";

struct Args {
  std::string command;
  std::vector<std::string> positional;
  int replicas = 0;
  CommonOptions common;
};

bool ParseInt(const char* text, int min, int max, int& out) {
  std::string_view s(text);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out >= min && out <= max;
}

bool ParseFloat(const char* text, float& out) {
  char* end = nullptr;
  out = std::strtof(text, &end);
  return end != text && *end == '\0' && out >= 0;
}

// "--cluster-from" and "--from" are the same option.
std::string_view OptionName(std::string_view a) {
  if (a.substr(0, 10) == "--cluster-") return a.substr(10);
  if (a.substr(0, 2) == "--") return a.substr(2);
  return a;
}

// Options that take a value; false (after printing why) on a bad value.
bool ParseValueOption(std::string_view name, const char* value, Args& args) {
  CommonOptions& c = args.common;
  bool ok = true;
  if (name == "replicas") {
    ok = ParseInt(value, 0, 999999, args.replicas);
  } else if (name == "from") {
    c.from = value;
  } else if (name == "to") {
    c.to = value;
  } else if (name == "slots") {
    ok = ParseInt(value, 1, 16384, c.slots);
  } else if (name == "timeout") {
    ok = ParseInt(value, 1, 1 << 30, c.move.timeout_ms);
  } else if (name == "pipeline") {
    ok = ParseInt(value, 1, 1 << 20, c.move.pipeline);
  } else if (name == "weight") {
    c.weights.emplace_back(value);
  } else if (name == "threshold") {
    ok = ParseFloat(value, c.threshold);
  } else if (name == "replica-of" || name == "master-id") {
    c.master_id = value;
    c.replica = true;
  } else if (name == "-a" || name == "pass") {
    c.password = value;
  }
  if (!ok) std::fprintf(stderr, "slotctl: bad value '%s' for --%s\n", value, name.data());
  return ok;
}

bool IsValueOption(std::string_view name) {
  for (std::string_view o : {"replicas", "from", "to", "slots", "timeout", "pipeline", "weight",
                             "threshold", "replica-of", "master-id", "-a", "pass"}) {
    if (name == o) return true;
  }
  return false;
}

bool ParseFlag(std::string_view name, Args& args) {
  CommonOptions& c = args.common;
  if (name == "yes") {
    c.yes = true;
  } else if (name == "replace") {
    c.move.replace = true;
  } else if (name == "use-empty-masters") {
    c.use_empty_masters = true;
  } else if (name == "simulate") {
    c.simulate = true;
  } else if (name == "replica" || name == "slave") {
    c.replica = true;
  } else if (name == "only-masters") {
    c.only_masters = true;
  } else if (name == "only-replicas") {
    c.only_replicas = true;
  } else if (name == "no-color") {
    slotd::slotctl::SetColor(false);
  } else {
    return false;
  }
  return true;
}

// Returns false (after printing why) on a bad command line. `call` takes everything after its
// address verbatim, options included, as the command to run.
bool ParseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (args.command == "call" && !args.positional.empty()) {
      args.positional.emplace_back(a);
      continue;
    }
    if (a.size() < 2 || a[0] != '-') {
      if (args.command.empty()) {
        args.command = a;
      } else {
        args.positional.emplace_back(a);
      }
      continue;
    }
    std::string_view name = OptionName(a);
    if (IsValueOption(name)) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "slotctl: %s needs a value\n", argv[i]);
        return false;
      }
      if (!ParseValueOption(name, argv[++i], args)) return false;
    } else if (!ParseFlag(name, args)) {
      std::fprintf(stderr, "slotctl: unknown option '%s'\n\n%s", argv[i], kUsage);
      return false;
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

// Subcommands that take one address ("host:port" or "host port") and nothing else.
int RunSingleAddressCommand(const Args& args) {
  HostPort seed;
  if (!SingleAddress(args.positional, seed)) return 1;
  const std::string& c = args.command;
  if (c == "check") return slotd::slotctl::RunCheck(seed, args.common);
  if (c == "info") return slotd::slotctl::RunInfo(seed, args.common);
  if (c == "fix") return slotd::slotctl::RunFix(seed, args.common);
  if (c == "reshard") return slotd::slotctl::RunReshard(seed, args.common);
  return slotd::slotctl::RunRebalance(seed, args.common);
}

// add-node, del-node and call: an address first, then more arguments.
int RunAddressPlusCommand(const Args& args) {
  const auto& pos = args.positional;
  std::optional<HostPort> first;
  if (!pos.empty()) first = ParseHostPort(pos[0]);
  if (!first || pos.size() < 2 || (args.command != "call" && pos.size() != 2)) {
    std::fputs(kInvalidHostArg, stderr);
    return 1;
  }
  if (args.command == "del-node") return slotd::slotctl::RunDelNode(*first, pos[1], args.common);
  if (args.command == "call") {
    return slotd::slotctl::RunCall(*first, {pos.begin() + 1, pos.end()}, args.common);
  }
  std::optional<HostPort> existing = ParseHostPort(pos[1]);
  if (!existing) {
    std::fputs(kInvalidHostArg, stderr);
    return 1;
  }
  return slotd::slotctl::RunAddNode(*first, *existing, args.common);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc && std::strcmp(argv[i], "call") != 0; ++i) {
    if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  Args args;
  if (!ParseArgs(argc, argv, args)) return 1;
  const std::string& c = args.command;
  if (c == "create") return RunCreateCommand(args);
  if (c == "check" || c == "info" || c == "fix" || c == "reshard" || c == "rebalance") {
    return RunSingleAddressCommand(args);
  }
  if (c == "add-node" || c == "del-node" || c == "call") return RunAddressPlusCommand(args);
  if (c.empty()) {
    std::fputs(kUsage, stderr);
  } else {
    std::fprintf(stderr, "slotctl: unknown command '%s'\n\n%s", c.c_str(), kUsage);
  }
  return 1;
}
