// The AOF manifest's text format and parse errors, as redis-server 7.0.15 writes and reports them.
#include "server/persistence/aof/aof_manifest.h"

#include <gtest/gtest.h>

namespace slotd {
namespace {

std::string ParseError(std::string_view text) {
  Result<AofManifest> parsed = AofManifest::Parse(text);
  return parsed.ok() ? "ok" : parsed.error();
}

TEST(AofManifestTest, FreshAofRendersLikeRedisStartUp) {
  AofManifest m;
  EXPECT_EQ(m.NewBase("appendonly.aof", true).name, "appendonly.aof.1.base.rdb");
  EXPECT_EQ(m.NewIncr("appendonly.aof").name, "appendonly.aof.1.incr.aof");
  EXPECT_EQ(m.Render(),
            "file appendonly.aof.1.base.rdb seq 1 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type i\n");
}

TEST(AofManifestTest, RewriteTurnsOldFilesIntoHistoryInRedisOrder) {
  AofManifest m;
  m.NewBase("appendonly.aof", true);
  m.NewIncr("appendonly.aof");
  m.NewIncr("appendonly.aof");  // opened when the rewrite starts
  EXPECT_EQ(m.NewBase("appendonly.aof", true).name, "appendonly.aof.2.base.rdb");
  m.MarkIncrsAsHistory(/*keep_last=*/true);
  EXPECT_EQ(m.Render(),
            "file appendonly.aof.2.base.rdb seq 2 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type h\n"
            "file appendonly.aof.1.base.rdb seq 1 type h\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
  m.ClearHistory();
  EXPECT_EQ(m.Render(),
            "file appendonly.aof.2.base.rdb seq 2 type b\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
}

TEST(AofManifestTest, RewriteWithAofOffKeepsNoIncrFile) {
  AofManifest m;
  m.NewBase("appendonly.aof", true);
  m.NewIncr("appendonly.aof");
  m.NewBase("appendonly.aof", false);
  m.MarkIncrsAsHistory(/*keep_last=*/false);
  m.ClearHistory();
  EXPECT_EQ(m.Render(), "file appendonly.aof.2.base.aof seq 2 type b\n");
}

TEST(AofManifestTest, ParseRoundTripsAndContinuesSequences) {
  const char* text =
      "file appendonly.aof.3.base.rdb seq 3 type b\n"
      "file appendonly.aof.2.incr.aof seq 2 type h\n"
      "file appendonly.aof.5.incr.aof seq 5 type i\n"
      "file appendonly.aof.6.incr.aof seq 6 type i\n";
  Result<AofManifest> m = AofManifest::Parse(text);
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->Render(), text);
  EXPECT_EQ(m->base()->seq, 3);
  ASSERT_EQ(m->incrs().size(), 2u);
  EXPECT_EQ(m->history().size(), 1u);
  EXPECT_EQ(m->NewIncr("appendonly.aof").name, "appendonly.aof.7.incr.aof");
  EXPECT_EQ(m->NewBase("appendonly.aof", true).name, "appendonly.aof.4.base.rdb");
}

TEST(AofManifestTest, ParseAcceptsCommentsAnyKeyOrderAndQuotedNames) {
  Result<AofManifest> m = AofManifest::Parse(
      "# a comment\n"
      "type b seq 1 file \"my file.rdb\"\n"
      "FILE x.aof SEQ 1 TYPE i extra ignored\n");
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->base()->name, "my file.rdb");
  EXPECT_EQ(m->incrs().front().name, "x.aof");
  EXPECT_EQ(m->Render(), "file \"my file.rdb\" seq 1 type b\nfile x.aof seq 1 type i\n");
}

TEST(AofManifestTest, ParseErrorsUseRedisTexts) {
  EXPECT_EQ(ParseError(""), "Found an empty AOF manifest");
  EXPECT_EQ(ParseError("# only a comment\n"), "Found an empty AOF manifest");
  EXPECT_EQ(ParseError("file a seq 1\n"), "Invalid AOF manifest file format");
  EXPECT_EQ(ParseError("file a seq 0 type b\n"), "Invalid AOF manifest file format");
  EXPECT_EQ(ParseError("\n"), "Invalid AOF manifest file format");
  EXPECT_EQ(ParseError("file \"a seq 1 type b\n"), "Invalid AOF manifest file format");
  EXPECT_EQ(ParseError("file a seq 1 type b"), "The AOF manifest file contains too long line");
  EXPECT_EQ(ParseError("file a seq 1 type x\n"), "Unknown AOF file type");
  EXPECT_EQ(ParseError("file d/a seq 1 type b\n"), "File can't be a path, just a filename");
  EXPECT_EQ(ParseError("file a seq 1 type b\nfile b seq 2 type b\n"),
            "Found duplicate base file information");
  EXPECT_EQ(ParseError("file a seq 2 type i\nfile b seq 2 type i\n"),
            "Found a non-monotonic sequence number");
  EXPECT_EQ(ParseError("file a seq 1 type b\nfile " + std::string(1100, 'x') + " seq 1 type i\n"),
            "The AOF manifest file contains too long line");
}

TEST(AofManifestTest, ParseErrorReportsTheLine) {
  ManifestError error;
  ASSERT_FALSE(AofManifest::Parse("# c\nfile a seq 1 type b\nbogus line\n", &error).ok());
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.text, "bogus line");
  EXPECT_EQ(error.message, "Invalid AOF manifest file format");
}

}  // namespace
}  // namespace slotd
