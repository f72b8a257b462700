// The logger writes Redis's line format, filters by level, and follows its log file across reopen.
#include "server/log/logger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace slotd {
namespace {

std::string ReadFile(const std::string& path) {
  std::stringstream content;
  content << std::ifstream(path).rdbuf();
  return content.str();
}

class LoggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/slotd-log-XXXXXX";
    dir_ = mkdtemp(templ);
    saved_level_ = GetLogLevel();
  }
  void TearDown() override {
    SetLogFile("");
    SetLogLevel(saved_level_);
    SetLogRole('M');
    std::system(("rm -rf '" + dir_ + "'").c_str());
  }
  std::string dir_;
  LogLevel saved_level_;
};

TEST(LogFormat, MatchesRedisLineLayout) {
  // 2023-11-14 22:13:20.123 UTC, printed in local time; check the shape, then the fixed parts.
  std::string line = FormatLogLine(4242, 'S', LogLevel::kWarning, 1700000000123456, "hello world");
  std::regex shape(R"(^4242:S \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.123 # hello world\n$)");
  EXPECT_TRUE(std::regex_match(line, shape)) << line;
  EXPECT_NE(FormatLogLine(1, 'M', LogLevel::kDebug, 0, "x").find(" . x\n"), std::string::npos);
  EXPECT_NE(FormatLogLine(1, 'C', LogLevel::kVerbose, 0, "x").find("1:C "), std::string::npos);
  EXPECT_NE(FormatLogLine(1, 'X', LogLevel::kVerbose, 0, "x").find(" - x\n"), std::string::npos);
  EXPECT_NE(FormatLogLine(1, 'M', LogLevel::kNotice, 0, "x").find(" * x\n"), std::string::npos);
}

TEST(LogFormat, ParsesLevelNames) {
  LogLevel level;
  ASSERT_TRUE(ParseLogLevel("VERBOSE", &level));
  EXPECT_EQ(level, LogLevel::kVerbose);
  EXPECT_FALSE(ParseLogLevel("loud", &level));
}

TEST_F(LoggerTest, WritesLinesAtOrAboveTheLevel) {
  std::string path = dir_ + "/slotd.log";
  std::string error;
  ASSERT_TRUE(SetLogFile(path, &error)) << error;
  SetLogLevel(LogLevel::kNotice);
  SetLogRole('S');
  Log(LogLevel::kVerbose, "hidden %d", 1);
  Log(LogLevel::kNotice, "shown %s", "a");
  Log(LogLevel::kWarning, "shown %d", 2);
  std::string content = ReadFile(path);
  std::regex shape("^" + std::to_string(getpid()) +
                   R"(:S \d{2} \w{3} \d{4} [\d:.]{12} \* shown a\n\d+:S .* # shown 2\n$)");
  EXPECT_TRUE(std::regex_match(content, shape)) << content;
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
}

TEST_F(LoggerTest, TruncatesLongMessagesAndWritesRawText) {
  std::string path = dir_ + "/raw.log";
  ASSERT_TRUE(SetLogFile(path));
  Log(LogLevel::kWarning, "%s", std::string(5000, 'x').c_str());
  LogRaw("raw text\n");
  std::string content = ReadFile(path);
  size_t newline = content.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_LT(newline, 1100u);
  EXPECT_EQ(content.substr(newline + 1), "raw text\n");
  EXPECT_EQ(LogFd() > 2, true);
}

TEST_F(LoggerTest, ReopenFollowsARotatedFile) {
  std::string path = dir_ + "/rotate.log";
  ASSERT_TRUE(SetLogFile(path));
  Log(LogLevel::kWarning, "before");
  ASSERT_EQ(rename(path.c_str(), (path + ".1").c_str()), 0);
  ASSERT_TRUE(ReopenLogFile());
  Log(LogLevel::kWarning, "after");
  EXPECT_NE(ReadFile(path + ".1").find("before"), std::string::npos);
  EXPECT_NE(ReadFile(path).find("after"), std::string::npos);
  EXPECT_EQ(ReadFile(path).find("before"), std::string::npos);
}

TEST_F(LoggerTest, UnopenableFileKeepsThePreviousDestination) {
  std::string error;
  EXPECT_FALSE(SetLogFile(dir_ + "/missing/x.log", &error));
  EXPECT_EQ(error, "Can't open the log file: No such file or directory");
}

}  // namespace
}  // namespace slotd
