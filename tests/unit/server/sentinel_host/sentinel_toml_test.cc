// TOML sentinel configs: initial directives from the [sentinel] table, then the state file.
#include "server/sentinel_host/sentinel_toml.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/sentinel_host/sentinel_config_file.h"

namespace slotd {
namespace {

class SentinelTomlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/slotd-sentinel-toml-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    toml_ = dir_ + "/s.toml";
    state_ = SentinelStateFileFor(toml_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_, toml_, state_;
  std::vector<std::vector<std::string>> lines_;
  std::vector<int> numbers_;
  std::string error_;
};

TEST_F(SentinelTomlTest, ReadsDirectivesFromTheSentinelTable) {
  std::ofstream(toml_) << "port = 26379\n\n[sentinel]\ndirectives = [\n"
                       << "  \"monitor mymaster 127.0.0.1 6379 2\",\n"
                       << "  \"auth-pass mymaster 'a b'\",\n]\n";
  ASSERT_TRUE(LoadTomlSentinelState(toml_, state_, &lines_, &numbers_, &error_)) << error_;
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(lines_[0], (std::vector<std::string>{"monitor", "mymaster", "127.0.0.1", "6379", "2"}));
  EXPECT_EQ(lines_[1], (std::vector<std::string>{"auth-pass", "mymaster", "a b"}));
  EXPECT_EQ(numbers_, (std::vector<int>{5, 6}));
}

TEST_F(SentinelTomlTest, StateFileWinsOnceWritten) {
  std::ofstream(toml_) << "[sentinel]\ndirectives = [\"monitor old 127.0.0.1 6379 2\"]\n";
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(
      state_, RenderTomlSentinelState(toml_, "sentinel monitor new 127.0.0.1 7000 1\n"), &error));
  ASSERT_TRUE(LoadTomlSentinelState(toml_, state_, &lines_, &numbers_, &error_)) << error_;
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0][1], "new");
  EXPECT_EQ(numbers_, (std::vector<int>{2}));  // line 1 is the header comment
}

TEST_F(SentinelTomlTest, NoSentinelTableMeansNoMasters) {
  std::ofstream(toml_) << "port = 26379\n";
  ASSERT_TRUE(LoadTomlSentinelState(toml_, state_, &lines_, &numbers_, &error_)) << error_;
  EXPECT_TRUE(lines_.empty());
}

TEST_F(SentinelTomlTest, NonStringEntryIsAnError) {
  std::ofstream(toml_) << "[sentinel]\ndirectives = [1]\n";
  EXPECT_FALSE(LoadTomlSentinelState(toml_, state_, &lines_, &numbers_, &error_));
  EXPECT_NE(error_.find("s.toml:2"), std::string::npos) << error_;
}

}  // namespace
}  // namespace slotd
