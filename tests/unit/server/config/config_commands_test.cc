// CONFIG GET / SET / RESETSTAT / REWRITE / HELP through the command harness; replies as
// redis-server 7.0.15 sends them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/unit/server/command_harness.h"

namespace slotd {
namespace {

using test::Bulk;
using test::BulkArr;
using test::CommandHarness;
using test::Err;
using test::Simple;

std::string SetFailed(std::string_view arg, std::string_view reason) {
  return Err("ERR CONFIG SET failed (possibly related to argument '" + std::string(arg) + "') - " +
             std::string(reason));
}

TEST(ConfigCommands, GetRendersLikeRedis) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory"}), BulkArr({"maxmemory", "0"}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "bind"}), BulkArr({"bind", "* -::*"}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "client-output-buffer-limit"}),
            BulkArr({"client-output-buffer-limit",
                     "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "save"}), BulkArr({"save", "3600 1 300 100 60 10000"}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "nonexistent"}), "*0\r\n");
}

TEST(ConfigCommands, GetEchoesExactNamesAndDeduplicates) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CONFIG", "GET", "Port"}), BulkArr({"Port", "6379"}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "SLAVE-READ-ONLY"}), BulkArr({"SLAVE-READ-ONLY", "yes"}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "hz", "HZ", "h?"}), BulkArr({"hz", "10"}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "slaveof", "replicaof"}),
            BulkArr({"slaveof", "", "replicaof", ""}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory", "maxmemory"}), BulkArr({"maxmemory", "0"}));
}

TEST(ConfigCommands, GetGlobMatchesNamesAndAliasesIgnoringCase) {
  CommandHarness h;
  // Redis lists these in its hash order; slotd in table order.
  EXPECT_EQ(h.Run({"CONFIG", "GET", "HASH-MAX-*-entries"}),
            BulkArr({"hash-max-listpack-entries", "512", "hash-max-ziplist-entries", "512"}));
  std::string all = h.Run({"CONFIG", "GET", "*"});
  EXPECT_NE(all.find("$24\r\nzset-max-ziplist-entries\r\n$3\r\n128\r\n"), std::string::npos);
  EXPECT_NE(all.find("$9\r\nmaxmemory\r\n"), std::string::npos);
}

TEST(ConfigCommands, GetRepliesWithAMapInResp3) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory", "port"}),
            "%2\r\n" + Bulk("maxmemory") + Bulk("0") + Bulk("port") + Bulk("6379"));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "nonexistent"}), "%0\r\n");
}

TEST(ConfigCommands, SetRoundTripsThroughGet) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "1gb", "maxmemory-policy", "ALLKEYS-LRU"}),
            Simple("OK"));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory"}), BulkArr({"maxmemory", "1073741824"}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory-policy"}),
            BulkArr({"maxmemory-policy", "allkeys-lru"}));
  EXPECT_EQ(h.server().config.maxmemory_policy, MaxmemoryPolicy::kAllkeysLru);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "HZ", "1000"}), Simple("OK"));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "hz"}), BulkArr({"hz", "500"}));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "save", ""}), Simple("OK"));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "save"}), BulkArr({"save", ""}));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hash-max-ziplist-entries", "100"}), Simple("OK"));
  EXPECT_EQ(h.server().config.hash_max_listpack_entries, 100);
}

TEST(ConfigCommands, SetErrorsMatchRedis) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "xyz", "1"}),
            Err("ERR Unknown option or number of arguments for CONFIG SET - 'xyz'"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "port"}),
            Err("ERR wrong number of arguments for 'config|set' command"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz", "5", "maxmemory"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "daemonize", "yes"}),
            SetFailed("daemonize", "can't set immutable config"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "slaveof", "no one"}),
            SetFailed("slaveof", "can't set immutable config"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "dir", "/tmp"}),
            SetFailed("dir", "can't set protected config"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz", "5", "HZ", "6"}), SetFailed("HZ", "duplicate parameter"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "abc"}),
            SetFailed("maxmemory", "argument must be a memory value"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz", "abc"}),
            SetFailed("hz", "argument couldn't be parsed into an integer"));
  // Names are all checked before any value: the unknown one wins over the bad value before it.
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz", "abc", "xyz", "1"}),
            Err("ERR Unknown option or number of arguments for CONFIG SET - 'xyz'"));
}

TEST(ConfigCommands, SetIsAllOrNothing) {
  CommandHarness h;
  EXPECT_EQ(
      h.Run({"CONFIG", "SET", "hz", "20", "maxmemory-policy", "bad"}),
      SetFailed(
          "maxmemory-policy",
          "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
          "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "hz"}), BulkArr({"hz", "10"}));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz", "5", "port", "1", "daemonize", "yes"}),
            SetFailed("daemonize", "can't set immutable config"));
  EXPECT_EQ(h.server().config.hz, 10);
  EXPECT_EQ(h.server().config.port, 6379);
}

TEST(ConfigCommands, ChangeHookSeesNewValuesAndCanRollBack) {
  CommandHarness h;
  std::vector<std::string> seen;
  h.server().on_config_change = [&](std::string_view option, std::string* error) {
    seen.push_back(std::string(option) + "=" + std::to_string(h.server().config.port));
    if (option == "port" && h.server().config.port == 1) {
      *error = "Unable to listen on this port";
      return false;
    }
    return true;
  };
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxclients", "100", "timeout", "0"}), Simple("OK"));
  EXPECT_EQ(seen, (std::vector<std::string>{"maxclients=6379"}));  // timeout did not change
  seen.clear();
  EXPECT_EQ(h.Run({"CONFIG", "SET", "timeout", "5", "port", "1"}),
            SetFailed("port", "Unable to listen on this port"));
  EXPECT_EQ(seen, (std::vector<std::string>{"timeout=1", "port=1", "timeout=6379", "port=6379"}));
  EXPECT_EQ(h.server().config.timeout, 0);
  EXPECT_EQ(h.server().config.port, 6379);
}

TEST(ConfigCommands, ResetStatZeroesCounters) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"GET", "k"});
  h.Run({"GET", "missing"});
  h.server().stats.expired_keys = 5;
  EXPECT_EQ(h.Run({"CONFIG", "RESETSTAT"}), Simple("OK"));
  EXPECT_EQ(h.server().stats.expired_keys, 0u);
  EXPECT_EQ(h.server().db(0).hits, 0u);
  EXPECT_EQ(h.server().db(0).misses, 0u);
  EXPECT_EQ(h.Run({"CONFIG", "RESETSTAT", "x"}),
            Err("ERR wrong number of arguments for 'config|resetstat' command"));
}

TEST(ConfigCommands, RewriteNeedsAConfigFile) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CONFIG", "REWRITE"}), Err("ERR The server is running without a config file"));
}

TEST(ConfigCommands, RewriteWritesTheLoadedFile) {
  char templ[] = "/tmp/slotd-cfgcmd-XXXXXX";
  std::string dir = mkdtemp(templ);
  std::string path = dir + "/node.toml";
  std::ofstream(path) << "# my node\nport = 7001 # keep\n";
  Config config;
  config.port = 7001;
  CommandHarness h(config);
  h.server().config_file = path;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "64mb"}), Simple("OK"));
  EXPECT_EQ(h.Run({"CONFIG", "REWRITE"}), Simple("OK"));
  std::stringstream content;
  content << std::ifstream(path).rdbuf();
  EXPECT_EQ(content.str(),
            "# my node\nport = 7001 # keep\n\n# Generated by CONFIG REWRITE\nmaxmemory = "
            "\"64mb\"\ndir = \".\"\n"
            "save = \"3600 1 300 100 60 10000\"\n");
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(ConfigCommands, HelpAndUnknownSubcommand) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CONFIG", "HELP"}),
            "*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET "
            "<pattern>\r\n"
            "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
            "+SET <directive> <value>\r\n+    Set the configuration <directive> to "
            "<value>.\r\n+RESETSTAT\r\n"
            "+    Reset statistics reported by the INFO command.\r\n+REWRITE\r\n"
            "+    Rewrite the configuration file.\r\n+HELP\r\n+    Prints this help.\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "FOO"}), Err("ERR unknown subcommand 'FOO'. Try CONFIG HELP."));
  EXPECT_EQ(h.Run({"CONFIG"}), Err("ERR wrong number of arguments for 'config' command"));
  EXPECT_EQ(h.Run({"CONFIG", "GET"}),
            Err("ERR wrong number of arguments for 'config|get' command"));
}

}  // namespace
}  // namespace slotd
