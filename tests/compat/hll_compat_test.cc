// HyperLogLog commands compared byte for byte with redis-server 7.0, including the stored bytes
// (GET) through sparse updates, the promotion to dense and PFMERGE, and the errors.
#include <random>

#include "tests/compat/compat_fixture.h"

namespace slotd::test {
namespace {

TEST_F(CompatTest, HyperLogLogCommandsValuesAndErrors) {
  ExpectSameReplies({
      {"PFADD", "h"}, {"GET", "h"}, {"PFCOUNT", "h"}, {"PFADD", "h", "a", "b", "c"},
      {"PFADD", "h", "a"}, {"PFCOUNT", "h"}, {"GET", "h"}, {"PFCOUNT", "h"}, {"GET", "h"},
      {"OBJECT", "ENCODING", "h"}, {"PFCOUNT", "nokey"}, {"PFCOUNT", "h", "nokey"},
      {"PFADD", "g", "c", "d", "e", "f"}, {"PFCOUNT", "h", "g"}, {"PFMERGE", "m", "h", "g"},
      {"PFCOUNT", "m"}, {"GET", "m"}, {"PFMERGE", "empty"}, {"GET", "empty"},
      {"SET", "s", "not an hll"}, {"PFADD", "s", "x"}, {"PFCOUNT", "s"}, {"PFCOUNT", "h", "s"},
      {"PFMERGE", "m", "s"}, {"LPUSH", "l", "x"}, {"PFADD", "l", "x"}, {"PFCOUNT", "l"},
      {"PFMERGE", "l", "h"}, {"SET", "bad", "HYLL\x01"}, {"PFADD", "bad", "x"},
      {"SET", "trunc", std::string("HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 17)},
      {"PFCOUNT", "trunc"}, {"PFADD", "trunc", "x"},
      {"SET", "corrupt", std::string("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01", 17)},
      {"PFCOUNT", "corrupt"}, {"PFADD", "corrupt", "x"}, {"PFCOUNT", "corrupt", "h"},
      {"PFADD"}, {"PFCOUNT"}, {"PFMERGE"},
  });
}

// Thousands of elements: sparse edits, merges of VAL runs, promotion at hll-sparse-max-bytes and
// the estimator, with the value's bytes compared after every batch.
TEST_F(CompatTest, HyperLogLogAgreesOnLargeRandomSets) {
  std::mt19937_64 rng(20261122);
  Commands commands = {{"CONFIG", "SET", "hll-sparse-max-bytes", "3000"}};
  for (int batch = 0; batch < 60; ++batch) {
    std::vector<std::string> pfadd = {"PFADD", batch % 2 ? "odd" : "even"};
    const int n = batch < 20 ? 5 : 200;
    for (int i = 0; i < n; ++i) pfadd.push_back("e" + std::to_string(rng() % 100000));
    commands.push_back(pfadd);
    commands.push_back({"GET", batch % 2 ? "odd" : "even"});
    commands.push_back({"PFCOUNT", batch % 2 ? "odd" : "even"});
    if (batch % 10 == 9) {
      commands.push_back({"PFCOUNT", "odd", "even"});
      commands.push_back({"PFMERGE", "both", "odd", "even"});
      commands.push_back({"GET", "both"});
    }
  }
  commands.push_back({"CONFIG", "SET", "hll-sparse-max-bytes", "100"});
  commands.push_back({"PFADD", "tiny", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"});
  commands.push_back({"GET", "tiny"});
  commands.push_back({"PFMERGE", "tiny2", "tiny", "odd"});
  commands.push_back({"GET", "tiny2"});
  commands.push_back({"CONFIG", "SET", "hll-sparse-max-bytes", "3000"});
  ExpectSameReplies(commands);
}

TEST_F(CompatTest, PfDebugShowsAndConvertsEncodings) {
  ExpectSameReplies({
      {"PFADD", "h", "a", "b", "c", "d", "e"}, {"PFDEBUG", "ENCODING", "h"}, {"PFDEBUG", "DECODE", "h"},
      {"PFDEBUG", "GETREG", "h"}, {"PFDEBUG", "ENCODING", "h"}, {"GET", "h"}, {"PFDEBUG", "DECODE", "h"},
      {"PFADD", "s", "x"}, {"PFDEBUG", "TODENSE", "s"}, {"PFDEBUG", "TODENSE", "s"}, {"PFDEBUG", "ENCODING", "s"},
      {"PFCOUNT", "s"}, {"PFADD", "empty"}, {"PFDEBUG", "DECODE", "empty"}, {"PFDEBUG", "GETREG", "nokey"},
      {"PFDEBUG", "NOSUCH", "nokey"}, {"PFDEBUG", "NOSUCH", "h"}, {"SET", "str", "x"}, {"PFDEBUG", "ENCODING", "str"},
      {"LPUSH", "l", "x"}, {"PFDEBUG", "ENCODING", "l"}, {"PFDEBUG", "ENCODING"}, {"PFDEBUG", "ENCODING", "h", "x"},
      {"PFSELFTEST"}, {"PFSELFTEST", "x"},
  });
}

}  // namespace
}  // namespace slotd::test
