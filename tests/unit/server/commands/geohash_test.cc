// The pure geohash functions against values read from redis-server 7.0.15 (GEOADD + ZSCORE, GEOPOS,
// GEOHASH, GEODIST), and the search engine's orderings on hand-made inputs.
#include "server/commands/geohash.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/geo_search.h"

namespace slotd::geo {
namespace {

// Coordinates as GEOPOS prints them ("%.17Lf", trailing zeros trimmed).
std::string Human(double v) { return FormatLongDoubleHuman(v); }

TEST(GeohashTest, ScoresOfPointsAsRedisStoresThem) {
  EXPECT_EQ(ScoreOf(13.361389, 38.115556), 3479099956230698u);  // Palermo
  EXPECT_EQ(ScoreOf(15.087269, 37.502669), 3479447370796909u);  // Catania
  EXPECT_EQ(ScoreOf(-180, -85.05112878), 0u);
  EXPECT_EQ(ScoreOf(0, 0), 3377699720527872u);
  // A coordinate at its maximum is one past the last cell: 2^26 spills into bit 52 (latitude) or 53.
  EXPECT_EQ(ScoreOf(0, 85.05112878), 6755399441055744u);
  EXPECT_EQ(ScoreOf(180, 0), 10133099161583616u);
  EXPECT_EQ(ScoreOf(180, 85.05112878), 13510798882111488u);
}

TEST(GeohashTest, EncodeRefusesWhatRedisRefuses) {
  EXPECT_FALSE(Encode(kLonRange, kLatRange, 0, 0, 0));
  EXPECT_FALSE(Encode(kLonRange, kLatRange, 0, 0, 33));
  EXPECT_FALSE(Encode(kLonRange, kLatRange, 180.0001, 0, 26));
  EXPECT_FALSE(Encode(kLonRange, kLatRange, 0, -85.06, 26));
  ASSERT_TRUE(Encode(kLonRange, kLatRange, 0, 0, 1));
  EXPECT_EQ(Encode(kLonRange, kLatRange, 0, 0, 1)->bits, 3u);  // the upper cell in both directions
}

TEST(GeohashTest, DecodedScoresAreCellCentresClampedToTheLimits) {
  LonLat palermo = DecodeScore(3479099956230698.0);
  EXPECT_EQ(Human(palermo.lon), "13.36138933897018433");
  EXPECT_EQ(Human(palermo.lat), "38.11555639549629859");
  LonLat corner = DecodeScore(0);
  EXPECT_EQ(Human(corner.lon), "-179.99999731779098511");
  EXPECT_EQ(Human(corner.lat), "-85.05112751263942528");
  LonLat north_east = DecodeScore(13510798882111488.0);
  EXPECT_EQ(Human(north_east.lon), "180");
  EXPECT_EQ(Human(north_east.lat), "85.0511287799999991");
}

// Redis casts any score to 64 bits as x86-64 does; ZADD can store scores no GEOADD would write.
TEST(GeohashTest, ScoreToBitsFollowsTheX86Cast) {
  EXPECT_EQ(ScoreToBits(1.5), 1u);
  EXPECT_EQ(ScoreToBits(-0.5), 0u);
  EXPECT_EQ(ScoreToBits(-5), 0xFFFFFFFFFFFFFFFBu);
  EXPECT_EQ(ScoreToBits(1e19), 10000000000000000000u);
  EXPECT_EQ(ScoreToBits(1e20), 0u);
  EXPECT_EQ(ScoreToBits(HUGE_VAL), 0u);
  EXPECT_EQ(ScoreToBits(-HUGE_VAL), 1ULL << 63);
  EXPECT_EQ(ScoreToBits(-1e19), 1ULL << 63);
  // redis-server: ZADD w -inf h; GEOPOS w h -> 180, -85.05112751263942528.
  LonLat minus_inf = DecodeScore(-HUGE_VAL);
  EXPECT_EQ(Human(minus_inf.lon), "180");
  EXPECT_EQ(Human(minus_inf.lat), "-85.05112751263942528");
  // ZADD w 1.5 n -> -179.99999731779098511, -85.05112497791824921.
  EXPECT_EQ(Human(DecodeScore(1.5).lat), "-85.05112497791824921");
}

TEST(GeohashTest, StandardGeohashStrings) {
  EXPECT_EQ(StandardGeohash(DecodeScore(3479099956230698.0)), "sqc8b49rny0");
  EXPECT_EQ(StandardGeohash(DecodeScore(3479447370796909.0)), "sqdtr74hyu0");
  EXPECT_EQ(StandardGeohash(DecodeScore(13510798882111488.0)), "bp05b5048p0");
  EXPECT_EQ(StandardGeohash(DecodeScore(0)), "00bh0hbj200");
  EXPECT_EQ(StandardGeohash(DecodeScore(ScoreOf(0, 0))), "s0000000000");
}

TEST(GeohashTest, DistancesAndTheirText) {
  LonLat palermo = DecodeScore(3479099956230698.0);
  LonLat catania = DecodeScore(3479447370796909.0);
  double d = Distance(palermo.lon, palermo.lat, catania.lon, catania.lat);
  EXPECT_EQ(FormatDistance(d), "166274.1516");         // GEODIST Sicily Palermo Catania
  EXPECT_EQ(FormatDistance(d / 1000), "166.2742");     // ... km
  EXPECT_EQ(Distance(10, 20, 10, 25), LatDistance(20, 25));  // same meridian: no trigonometry
  EXPECT_EQ(FormatDistance(0), "0.0000");
  EXPECT_EQ(FormatDistance(-0.0), "0.0000");
  EXPECT_EQ(FormatDistance(12.5), "12.5000");
  EXPECT_EQ(FormatDistance(0.00004), "0.0000");
  EXPECT_EQ(FormatDistance(0.00026), "0.0003");
  EXPECT_EQ(FormatDistance(-0.0001), "-0.0001");
  // llrint of NaN or of values past int64 is INT64_MIN on x86-64, which Redis then prints.
  EXPECT_EQ(FormatDistance(NAN), "-922337203685477.5808");
  EXPECT_EQ(FormatDistance(1e300), "-922337203685477.5808");
}

TEST(GeohashTest, NeighborsWrapAroundTheWorld) {
  // Step 1: four cells; latitude is the even bit, longitude the odd one.
  Neighbors n = NeighborsOf(HashBits{0, 1});
  EXPECT_EQ(n.east, (HashBits{2, 1}));
  EXPECT_EQ(n.west, (HashBits{2, 1}));
  EXPECT_EQ(n.north, (HashBits{1, 1}));
  EXPECT_EQ(n.south, (HashBits{1, 1}));
  EXPECT_EQ(n.north_east, (HashBits{3, 1}));
  EXPECT_EQ(n.south_west, (HashBits{3, 1}));
  // Step 2: moving east of the last column comes back to the first.
  Neighbors m = NeighborsOf(HashBits{0b1010, 2});  // longitude 3, latitude 0
  EXPECT_EQ(m.east, (HashBits{0b0000, 2}));
  EXPECT_EQ(m.west, (HashBits{0b1000, 2}));
  EXPECT_EQ(m.north, (HashBits{0b1011, 2}));
}

TEST(GeohashTest, StepEstimates) {
  EXPECT_EQ(EstimateStepsByRadius(0, 0), 26);
  EXPECT_EQ(EstimateStepsByRadius(5000, 0), 11);
  EXPECT_EQ(EstimateStepsByRadius(5000, 70), 10);   // towards the poles: coarser
  EXPECT_EQ(EstimateStepsByRadius(5000, -81), 9);
  EXPECT_EQ(EstimateStepsByRadius(1e8, 0), 1);
  EXPECT_EQ(EstimateStepsByRadius(1e-9, 0), 26);
}

TEST(GeohashTest, SearchCellsDropNeighboursOutsideTheBox) {
  Shape shape;
  shape.center = {13.361389, 38.115556};
  shape.radius = 1;
  shape.conversion = 1000;
  std::array<HashBits, 9> cells = SearchCells(shape);
  // The estimate for 1 km, or one step coarser when a neighbour would not reach the bounding box.
  const uint8_t estimate = EstimateStepsByRadius(1000, shape.center.lat);
  EXPECT_EQ(estimate, 14);
  EXPECT_TRUE(cells[0].step == estimate || cells[0].step == estimate - 1);
  EXPECT_EQ(cells[0], Encode(kLonRange, kLatRange, shape.center.lon, shape.center.lat, cells[0].step));
  // A continental radius: step 1, where neighbours repeat (and none are dropped).
  shape.radius = 15000;
  cells = SearchCells(shape);
  EXPECT_EQ(cells[0].step, 1);
  EXPECT_EQ(cells[1], cells[2]);  // north and south are the same cell
  EXPECT_EQ(cells[3], cells[4]);  // and so are east and west
}

TEST(GeohashTest, WithinShapeCircleAndBox) {
  Shape circle;
  circle.center = {15, 37};
  circle.radius = 200;
  circle.conversion = 1000;
  LonLat p;
  double d = 0;
  EXPECT_TRUE(WithinShape(circle, 3479447370796909.0, &p, &d));   // Catania, 56 km away
  EXPECT_EQ(FormatDistance(d / 1000), "56.4413");
  EXPECT_FALSE(WithinShape(circle, static_cast<double>(ScoreOf(2.349014, 48.864716)), &p, &d));
  Shape box = circle;
  box.kind = Shape::Kind::kBox;
  box.width = 400;
  box.height = 200;  // Catania lies 55.9 km north of the centre
  EXPECT_TRUE(WithinShape(box, 3479447370796909.0, &p, &d));
  box.height = 100;
  EXPECT_FALSE(WithinShape(box, 3479447370796909.0, &p, &d));
}

std::vector<GeoPoint> Points(std::initializer_list<double> distances) {
  std::vector<GeoPoint> points;
  static const char* kNames[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
  size_t i = 0;
  for (double d : distances) points.push_back({{0, 0}, d, 0, kNames[i++]});
  return points;
}

std::string Members(const std::vector<GeoPoint>& points, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < points.size(); ++i) out += points[i].member;
  return out;
}

TEST(GeoSearchSortTest, FullSortIsStable) {
  std::vector<GeoPoint> points = Points({3, 1, 2, 1, 3, 1});
  SortByDistance(&points, SortOrder::kAsc, points.size());
  EXPECT_EQ(Members(points, 6), "bdfcae");
  points = Points({3, 1, 2, 1, 3, 1});
  SortByDistance(&points, SortOrder::kDesc, points.size());
  EXPECT_EQ(Members(points, 6), "aecbdf");
}

// Orders produced by Redis's pqsort (built from its source outside this tree, on the same inputs):
// three-way partitioning moves equal elements, so ties do not keep their input order.
TEST(GeoSearchSortTest, PartialSortLeavesRedisOrder) {
  std::vector<GeoPoint> points = Points({5, 1, 1, 4, 1, 2, 3, 1});
  SortByDistance(&points, SortOrder::kAsc, 3);
  EXPECT_EQ(Members(points, 8), "hbceafgd");
  points = Points({5, 1, 1, 4, 1, 2, 3, 1});
  SortByDistance(&points, SortOrder::kDesc, 3);
  EXPECT_EQ(Members(points, 8), "adgfhbce");
  points = Points({3, 1, 2, 1, 3, 1, 2, 1, 3, 1, 2, 1});
  SortByDistance(&points, SortOrder::kAsc, 4);
  EXPECT_EQ(Members(points, 12), "jhbdlfgckaei");
  std::vector<GeoPoint> few = Points({2, 1, 1});
  SortByDistance(&few, SortOrder::kAsc, 2);  // under 7 elements: insertion sort, stable
  EXPECT_EQ(Members(few, 3), "bca");
}

}  // namespace
}  // namespace slotd::geo
