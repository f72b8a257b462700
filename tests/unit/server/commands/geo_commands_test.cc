// What GEO commands propagate to replicas and the AOF (checked with a SYNC client against
// redis-server 7.0.15): GEOADD as the ZADD Redis rewrites it into, the searches that STORE verbatim, and
// nothing when the dataset did not change.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

using Lines = std::vector<std::string>;

TEST(GeoCommandsTest, GeoAddPropagatesAsZAdd) {
  CommandHarness h;
  h.CapturePropagation();
  EXPECT_EQ(h.Run({"GEOADD", "pg", "NX", "1", "2", "a", "3", "4", "b"}), Int(2));
  EXPECT_EQ(h.Run({"GEOADD", "pg", "NX", "1", "2", "a"}), Int(0));
  EXPECT_EQ(h.Run({"GEOADD", "pg", "ch", "xx", "5", "6", "a"}), Int(1));
  EXPECT_EQ(h.Run({"GEOADD", "pg", "1", "1", "ok", "200", "1", "bad"}),
            Err("ERR invalid longitude,latitude pair 200.000000,1.000000"));
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:zadd pg NX 3378080408407459 a 3379626039612548 b",
                                       "0:zadd pg ch xx 3382888239524122 a"}));
}

TEST(GeoCommandsTest, StoringSearchesPropagateVerbatimWhenTheyChangeSomething) {
  CommandHarness h;
  h.Run({"GEOADD", "pg", "1", "2", "a", "3", "4", "b"});
  h.CapturePropagation();
  EXPECT_EQ(h.Run({"GEORADIUS", "pg", "0", "0", "1000", "km", "STORE", "d2"}), Int(2));
  EXPECT_EQ(h.Run({"GEORADIUS", "pg", "0", "0", "1000", "km"}), BulkArr({"a", "b"}));
  EXPECT_EQ(h.Run({"GEOSEARCHSTORE", "d3", "pg", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"}), Int(0));
  EXPECT_EQ(h.Run({"GEOSEARCHSTORE", "d2", "pg", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"}), Int(0));
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:GEORADIUS pg 0 0 1000 km STORE d2",
                                       "0:GEOSEARCHSTORE d2 pg FROMLONLAT 0 0 BYRADIUS 1 m"}));
}

// INFO's rdb_changes_since_last_save as redis-server 7.0.15 counts them: every member GEOADD adds or
// moves (it is a ZADD), every member a search stores, one for deleting an emptied destination.
TEST(GeoCommandsTest, ChangesAreCountedPerMember) {
  CommandHarness h;
  const uint64_t start = h.server().dirty;
  auto changes = [&] { return h.server().dirty - start; };
  h.Run({"GEOADD", "pg", "1", "2", "a", "3", "4", "b", "5", "5", "c"});
  EXPECT_EQ(changes(), 3u);
  h.Run({"GEOADD", "pg", "ch", "1", "2", "a", "3", "3", "b", "6", "6", "d"});
  EXPECT_EQ(changes(), 5u);
  h.Run({"GEORADIUS", "pg", "0", "0", "1000", "km", "STORE", "d2"});
  EXPECT_EQ(changes(), 9u);
  h.Run({"GEOSEARCHSTORE", "d2", "pg", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"});
  EXPECT_EQ(changes(), 10u);
  h.Run({"GEOSEARCHSTORE", "d2", "pg", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"});
  EXPECT_EQ(changes(), 10u);
}

}  // namespace
}  // namespace slotd::test
