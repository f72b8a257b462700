// Start-up loading: redis.conf lines and TOML files into Config, `--name value` arguments
// overriding the file, and error messages that name the line (redis-server 7.0.15's exact block for
// redis.conf).
#include "server/config/config_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace slotd {
namespace {

class TempDir {
 public:
  TempDir() {
    char templ[] = "/tmp/slotd-config-XXXXXX";
    path_ = mkdtemp(templ);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string file = path_ + "/" + name;
    std::ofstream(file) << content;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs LoadConfig on "slotd" + args.
LoadOutcome Load(std::vector<std::string> args, StartupConfig* out, std::string* error) {
  args.insert(args.begin(), "slotd");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return LoadConfig(static_cast<int>(args.size()), argv.data(), out, error);
}

bool LoadConf(std::string_view text, StartupConfig* out, std::string* error) {
  ConfigLoader loader(out);
  return loader.LoadRedisConf(text, error) && loader.Finish(error);
}

TEST(ConfigLoader, RedisConfLinesWithCommentsQuotesAndAliases) {
  StartupConfig out;
  std::string error;
  ASSERT_TRUE(
      LoadConf("# comment\n\n  port 7001  \r\nbind 127.0.0.1 -::1\nSLAVE-READ-ONLY no\n"
               "maxmemory 100mb\nrequirepass \"a b\\\"c\"\nmasterauth 'x y'\n"
               "hash-max-ziplist-entries 64\nreplicaof 10.0.0.1 6380\n",
               &out, &error))
      << error;
  const Config& c = out.config;
  EXPECT_EQ(c.port, 7001);
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "-::1"}));
  EXPECT_FALSE(c.replica_read_only);
  EXPECT_EQ(c.maxmemory, 100u * 1024 * 1024);
  EXPECT_EQ(c.requirepass, "a b\"c");
  EXPECT_EQ(c.masterauth, "x y");
  EXPECT_EQ(c.hash_max_listpack_entries, 64);
  EXPECT_EQ(c.replicaof_host, "10.0.0.1");
  EXPECT_EQ(c.replicaof_port, 6380);
}

TEST(ConfigLoader, FirstSaveLineReplacesDefaultsLaterOnesAdd) {
  StartupConfig out;
  std::string error;
  ASSERT_TRUE(LoadConf("save 900 1\nsave 300 10 60 100\n", &out, &error)) << error;
  ASSERT_EQ(out.config.save.size(), 3u);
  EXPECT_EQ(out.config.save[0].seconds, 900);
  EXPECT_EQ(out.config.save[2].changes, 100);
  StartupConfig none;
  ASSERT_TRUE(LoadConf("save 900 1\nsave \"\"\n", &none, &error)) << error;
  EXPECT_TRUE(none.config.save.empty());
  StartupConfig untouched;
  ASSERT_TRUE(LoadConf("port 1\n", &untouched, &error));
  EXPECT_EQ(untouched.config.save.size(), 3u);
}

TEST(ConfigLoader, RedisConfErrorsMatchRedisBlock) {
  struct Case {
    std::string line;
    std::string reason;
  };
  const Case kCases[] = {
      {"port abc", "argument couldn't be parsed into an integer"},
      {"foo bar", "Bad directive or wrong number of arguments"},
      {"maxmemory 10xb", "argument must be a memory value"},
      {"save 10", "Invalid save parameters"},
      {"daemonize maybe", "argument must be 'yes' or 'no'"},
      {"hz 1 2", "wrong number of arguments"},
      {"replicaof host", "wrong number of arguments"},
      {"replicaof host abc", "Invalid master port"},
      {"loglevel foo", "argument(s) must be one of the following: debug, verbose, notice, warning"},
      {"port 99999", "argument must be between 0 and 65535 inclusive"},
      {"port \"abc", "Unbalanced quotes in configuration line"},
      {"dir /nonexistent-slotd", "No such file or directory"},
      {"client-output-buffer-limit normal 1 2",
       "Wrong number of arguments in buffer limit configuration."},
      {"sentinel monitor m 127.0.0.1 6379 2", "sentinel directive while not in sentinel mode"},
  };
  for (const Case& c : kCases) {
    StartupConfig out;
    std::string error;
    EXPECT_FALSE(LoadConf("# comment\n\n" + c.line + "\n", &out, &error)) << c.line;
    EXPECT_EQ(error,
              "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, "
              "at line 3\n"
              ">>> '" +
                  c.line + "'\n" + c.reason)
        << c.line;
  }
}

TEST(ConfigLoader, ReplicaofIsRefusedInClusterMode) {
  StartupConfig out;
  std::string error;
  EXPECT_FALSE(LoadConf("replicaof 10.0.0.1 6379\ncluster-enabled yes\n", &out, &error));
  EXPECT_NE(error.find("at line 1\n>>> 'replicaof 10.0.0.1 6379'\nreplicaof directive not allowed "
                       "in cluster mode"),
            std::string::npos)
      << error;
}

TEST(ConfigLoader, TomlKeysAreDirectives) {
  TempDir dir;
  std::string file =
      dir.Write("node.toml",
                "# cluster node\nport = 7001\ncluster-enabled = true\nsave = \"3600 1\"\n"
                "bind = [\"127.0.0.1\", \"::1\"]\nmaxmemory = \"100mb\"\n"
                "client-output-buffer-limit = [\"replica 1mb 2mb 3\"]\n"
                "replicaof = \"\"\nmaxmemory-samples = 7\nappendonly = false\n"
                "slave-priority = 5\nlist-max-ziplist-size = -3\n");
  StartupConfig out;
  std::string error;
  ASSERT_EQ(Load({file}, &out, &error), LoadOutcome::kRun) << error;
  const Config& c = out.config;
  EXPECT_EQ(c.port, 7001);
  EXPECT_TRUE(c.cluster_enabled);
  ASSERT_EQ(c.save.size(), 1u);
  EXPECT_EQ(c.save[0].seconds, 3600);
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(c.maxmemory, 100u * 1024 * 1024);
  EXPECT_EQ(c.client_output_buffer_limit_replica.hard_bytes, 1024u * 1024);
  EXPECT_EQ(c.maxmemory_samples, 7);
  EXPECT_EQ(c.replica_priority, 5);
  EXPECT_EQ(c.list_max_listpack_size, -3);
  EXPECT_EQ(out.config_file, file);
}

TEST(ConfigLoader, TomlErrorsNameKeyAndLine) {
  TempDir dir;
  struct Case {
    std::string text;
    std::string error;
  };
  const Case kCases[] = {
      {"# c\nport = \"abc\"\n", ":2: 'port': argument couldn't be parsed into an integer"},
      {"port = 1\nnosuch = 3\n", ":2: 'nosuch': Bad directive or wrong number of arguments"},
      {"\n\nmaxmemory = 1.5\n",
       ":3: 'maxmemory': value must be a string, an integer, a boolean or an array"},
      {"port = [1, 2]\n", ":1: 'port': wrong number of arguments"},
      {"save = \"10\"\n", ":1: 'save': Invalid save parameters"},
      {"[server]\nport = 1\n", ":1: 'server': tables are not configuration directives"},
  };
  for (const Case& c : kCases) {
    std::string file = dir.Write("bad.toml", c.text);
    StartupConfig out;
    std::string error;
    EXPECT_EQ(Load({file}, &out, &error), LoadOutcome::kError) << c.text;
    EXPECT_EQ(error, "*** FATAL CONFIG FILE ERROR *** " + file + c.error) << c.text;
  }
  std::string file = dir.Write("syntax.toml", "port = 1\nport = 2\n");
  StartupConfig out;
  std::string error;
  EXPECT_EQ(Load({file}, &out, &error), LoadOutcome::kError);
  EXPECT_EQ(error.rfind("*** FATAL CONFIG FILE ERROR *** " + file + ":2: ", 0), 0u) << error;
}

TEST(ConfigLoader, ArgumentsOverrideTheFile) {
  TempDir dir;
  std::string conf = dir.Write("a.conf", "port 7000\nmaxmemory 1mb\nsave 10 1\n");
  StartupConfig out;
  std::string error;
  ASSERT_EQ(
      Load({conf, "--port", "7002", "--replicaof", "h", "6379", "--save", "--loglevel", "warning"},
           &out, &error),
      LoadOutcome::kRun)
      << error;
  EXPECT_EQ(out.config.port, 7002);
  EXPECT_EQ(out.config.maxmemory, 1024u * 1024);
  EXPECT_EQ(out.config.replicaof_host, "h");
  EXPECT_TRUE(out.config.save.empty());  // a bare --save means save ""
  EXPECT_EQ(out.config.loglevel, "warning");

  std::string toml = dir.Write("a.toml", "port = 7000\n");
  StartupConfig from_toml;
  ASSERT_EQ(Load({toml, "--port 7003"}, &from_toml, &error), LoadOutcome::kRun) << error;
  EXPECT_EQ(from_toml.config.port, 7003);
}

TEST(ConfigLoader, ArgumentErrorsNumberLinesAfterTheFile) {
  StartupConfig out;
  std::string error;
  EXPECT_EQ(Load({"--port", "abc"}, &out, &error), LoadOutcome::kError);
  EXPECT_EQ(error,
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at "
            "line 2\n"
            ">>> 'port \"abc\"'\nargument couldn't be parsed into an integer");
  EXPECT_EQ(Load({"--port", "1", "2"}, &out, &error), LoadOutcome::kError);
  EXPECT_NE(error.find(">>> 'port \"1\" \"2\"'\nwrong number of arguments"), std::string::npos);
  EXPECT_EQ(Load({"--foo", "bar"}, &out, &error), LoadOutcome::kError);
  EXPECT_NE(error.find(">>> 'foo \"bar\"'\nBad directive or wrong number of arguments"),
            std::string::npos);

  TempDir dir;
  std::string conf = dir.Write("three.conf", "port 1\n# two\nhz 5\n");
  EXPECT_EQ(Load({conf, "--hz", "10", "--port", "x"}, &out, &error), LoadOutcome::kError);
  EXPECT_NE(error.find("at line 6\n>>> 'port \"x\"'"), std::string::npos) << error;
}

TEST(ConfigLoader, DirIsResolvedToAnAbsolutePath) {
  TempDir dir;
  std::string conf = dir.Write("d.conf", "dir " + dir.path() + "/.\n");
  StartupConfig out;
  std::string error;
  ASSERT_EQ(Load({conf}, &out, &error), LoadOutcome::kRun) << error;
  char resolved[PATH_MAX];
  ASSERT_NE(realpath(dir.path().c_str(), resolved), nullptr);
  EXPECT_EQ(out.config.dir, resolved);
  StartupConfig defaults;
  ASSERT_EQ(Load({}, &defaults, &error), LoadOutcome::kRun) << error;
  char cwd[PATH_MAX];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(defaults.config.dir, cwd);
}

TEST(ConfigLoader, MissingFileIsFatal) {
  StartupConfig out;
  std::string error;
  EXPECT_EQ(Load({"/nonexistent/slotd.conf"}, &out, &error), LoadOutcome::kError);
  EXPECT_NE(error.find("# Fatal error, can't open config file '/nonexistent/slotd.conf': No such "
                       "file or directory"),
            std::string::npos)
      << error;
}

TEST(ConfigLoader, SentinelModeCollectsSentinelLines) {
  TempDir dir;
  std::string conf =
      dir.Write("sentinel.conf", "sentinel monitor mymaster 127.0.0.1 6379 2\nport 26380\n");
  StartupConfig out;
  std::string error;
  ASSERT_EQ(Load({conf, "--sentinel"}, &out, &error), LoadOutcome::kRun) << error;
  EXPECT_TRUE(out.sentinel);
  EXPECT_EQ(out.config.port, 26380);
  ASSERT_EQ(out.sentinel_directives.size(), 1u);
  EXPECT_EQ(out.sentinel_directives[0].args[1], "monitor");
  EXPECT_EQ(out.sentinel_directives[0].line, 1);

  StartupConfig no_file;
  EXPECT_EQ(Load({"--sentinel"}, &no_file, &error), LoadOutcome::kError);
  EXPECT_EQ(error, "Sentinel needs config file on disk to save state. Exiting...");
}

TEST(ConfigLoader, IncludeLoadsAnotherFile) {
  TempDir dir;
  std::string inner = dir.Write("inner.conf", "maxmemory-samples 9\n");
  std::string outer = dir.Write("outer.conf", "include " + inner + "\nport 7005\n");
  StartupConfig out;
  std::string error;
  ASSERT_EQ(Load({outer}, &out, &error), LoadOutcome::kRun) << error;
  EXPECT_EQ(out.config.maxmemory_samples, 9);
  EXPECT_EQ(out.config.port, 7005);
}

}  // namespace
}  // namespace slotd
