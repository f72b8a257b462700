// GEO commands compared byte for byte with redis-server 7.0: every command and option, every error
// text, points at the Mercator limits and on the antimeridian, all units, RESP3, STORE/STOREDIST
// results read back, scores a plain ZADD wrote, equal distances (Redis's sort order for ties), key
// extraction, keyspace events, and a seeded random run of searches over a few hundred points.
#include <random>
#include <string>
#include <vector>

#include "tests/compat/compat_fixture.h"
#include "tests/integration/harness/raw_client.h"

namespace slotd::test {
namespace {

// Sicily and a few cities, the points Redis's documentation uses.
const Commands kCities = {
    {"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
    {"GEOADD", "Sicily", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2"},
    {"GEOADD", "Sicily", "2.349014", "48.864716", "Paris", "-0.127758", "51.507351", "London",
     "139.691711", "35.689487", "Tokyo", "-74.005974", "40.712776", "NewYork"},
};

Commands With(Commands first, const Commands& then) {
  first.insert(first.end(), then.begin(), then.end());
  return first;
}

TEST_F(CompatTest, GeoAddOptionsScoresAndErrors) {
  ExpectSameReplies({
      {"GEOADD", "g", "0", "0", "origin", "180", "0", "east", "-180", "0", "west"},
      {"GEOADD", "g", "0", "85.05112878", "north", "0", "-85.05112878", "south", "180", "85.05112878", "ne"},
      {"GEOADD", "g", "-180", "-85.05112878", "sw", "179.9999999999", "85.051128779", "almost"},
      {"ZRANGE", "g", "0", "-1", "WITHSCORES"}, {"OBJECT", "ENCODING", "g"},
      {"GEOADD", "g", "1", "1", "origin"}, {"GEOADD", "g", "CH", "2", "2", "origin", "3", "3", "new1"},
      {"GEOADD", "g", "NX", "4", "4", "origin", "5", "5", "new2"},
      {"GEOADD", "g", "XX", "CH", "6", "6", "origin", "7", "7", "absent"},
      {"GEOADD", "g", "xx", "nx", "1", "1", "x"}, {"GEOADD", "g", "CH", "NX", "CH", "1", "1", "x"},
      {"GEOADD", "g", "NX", "CH", "CH"}, {"GEOADD", "g", "1", "2"}, {"GEOADD", "g", "1", "2", "m", "3"},
      {"GEOADD", "g", "GT", "1", "1", "x"}, {"GEOADD", "g", "1", "1", "x", "2", "2"},
      {"GEOADD", "nokey", "XX", "1", "1", "x"}, {"EXISTS", "nokey"},
      {"GEOADD", "g", "180.0000001", "0", "x"}, {"GEOADD", "g", "0", "85.05112879", "x"},
      {"GEOADD", "g", "-181", "-86", "x"}, {"GEOADD", "g", "1e300", "0", "x"}, {"GEOADD", "g", "0", "-inf", "x"},
      {"GEOADD", "g", "abc", "0", "x"}, {"GEOADD", "g", "0", "nan", "x"}, {"GEOADD", "g", " 1", "0", "x"},
      {"GEOADD", "g", "1 ", "0", "x"}, {"GEOADD", "g", "", "0", "x"}, {"GEOADD", "g", "1e-400", "0", "x"},
      {"GEOADD", "g", "0x10", "0x1p3", "hex"}, {"GEOADD", "g", "1", "1", "ok", "200", "1", "bad"},
      {"EXISTS", "ok"}, {"ZSCORE", "g", "ok"}, {"ZRANGE", "g", "0", "-1", "WITHSCORES"},
      {"SET", "str", "x"}, {"GEOADD", "str", "1", "1", "m"}, {"GEOADD", "str", "500", "1", "m"},
      {"GEOADD"}, {"GEOADD", "g"}, {"GEOADD", "g", "1", "1"},
  });
}

TEST_F(CompatTest, GeoAddConvertsEncodingsAsZAdd) {
  std::string long_member(70, 'm');
  Commands commands = {{"GEOADD", "long", "1", "1", long_member}, {"OBJECT", "ENCODING", "long"},
                       {"CONFIG", "SET", "zset-max-listpack-entries", "4"}};
  for (int i = 0; i < 6; ++i) {
    commands.push_back({"GEOADD", "grow", std::to_string(i), std::to_string(i), "p" + std::to_string(i)});
    commands.push_back({"OBJECT", "ENCODING", "grow"});
  }
  commands.push_back({"GEOSEARCH", "grow", "FROMLONLAT", "0", "0", "BYRADIUS", "1000", "km", "WITHDIST"});
  commands.push_back({"GEORADIUS", "grow", "0", "0", "1000", "km", "STORE", "small", "COUNT", "3"});
  commands.push_back({"OBJECT", "ENCODING", "small"});
  commands.push_back({"GEORADIUS", "grow", "0", "0", "1000", "km", "STORE", "big"});
  commands.push_back({"OBJECT", "ENCODING", "big"});
  commands.push_back({"CONFIG", "SET", "zset-max-listpack-entries", "128"});
  ExpectSameReplies(commands);
}

TEST_F(CompatTest, GeoPosGeoHashGeoDist) {
  ExpectSameReplies(With(kCities, {
      {"GEOPOS", "Sicily", "Palermo", "nosuch", "Catania", "Tokyo"}, {"GEOPOS", "nokey", "a", "b"},
      {"GEOHASH", "Sicily", "Palermo", "Catania", "nosuch", "Paris", "NewYork"}, {"GEOHASH", "nokey", "a"},
      {"GEODIST", "Sicily", "Palermo", "Catania"}, {"GEODIST", "Sicily", "Palermo", "Catania", "km"},
      {"GEODIST", "Sicily", "Palermo", "Catania", "MI"}, {"GEODIST", "Sicily", "Palermo", "Catania", "Ft"},
      {"GEODIST", "Sicily", "Palermo", "Catania", "M"}, {"GEODIST", "Sicily", "Palermo", "Palermo"},
      {"GEODIST", "Sicily", "Paris", "Tokyo", "km"}, {"GEODIST", "Sicily", "London", "NewYork", "mi"},
      {"GEODIST", "Sicily", "Palermo", "nosuch"}, {"GEODIST", "Sicily", "nosuch", "Palermo"},
      {"GEODIST", "nokey", "a", "b"}, {"GEODIST", "nokey", "a", "b", "parsec"},
      {"GEODIST", "Sicily", "Palermo", "Catania", "parsec"}, {"GEODIST", "Sicily", "Palermo", "Catania", "km", "x"},
      {"GEODIST", "Sicily", "Palermo", "Catania", ""}, {"SET", "str", "x"}, {"GEODIST", "str", "a", "b"},
      {"GEOPOS", "str", "a"}, {"GEOHASH", "str", "a"}, {"GEODIST", "str", "a", "b", "parsec"},
      {"GEOADD", "poles", "0", "0", "a", "180", "0", "b", "-180", "0", "c", "90", "0", "d", "-90", "0", "e"},
      {"GEOADD", "poles", "0", "85.05112878", "n", "0", "-85.05112878", "s", "180", "85.05112878", "ne"},
      {"GEOPOS", "poles", "a", "b", "c", "d", "e", "n", "s", "ne"},
      {"GEOHASH", "poles", "a", "b", "c", "d", "e", "n", "s", "ne"},
      {"GEODIST", "poles", "a", "b"}, {"GEODIST", "poles", "d", "e", "km"}, {"GEODIST", "poles", "n", "s"},
      {"GEODIST", "poles", "b", "c"}, {"GEODIST", "poles", "ne", "s", "ft"},
      {"GEOPOS"}, {"GEOHASH"}, {"GEODIST", "k", "a"},
  }));
}

// A plain ZADD can store any score; Redis decodes it anyway (a C cast to 64 bits, clamped centre).
TEST_F(CompatTest, GeoReadsScoresThatZAddWrote) {
  ExpectSameReplies({
      {"ZADD", "w", "-5", "a", "-1", "b", "-0.5", "c", "1e19", "d", "9.3e18", "e", "1e20", "f", "inf", "g"},
      {"ZADD", "w", "-inf", "h", "-1e19", "i", "-9.3e18", "j", "4503599627370496", "k", "4503599627370495", "l"},
      {"ZADD", "w", "9007199254740993", "m", "1.5", "n", "0", "o", "3.3e15", "p"},
      {"GEOPOS", "w", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"},
      {"GEOHASH", "w", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"},
      {"GEODIST", "w", "a", "b"}, {"GEODIST", "w", "g", "h", "km"}, {"GEODIST", "w", "k", "l"},
      {"GEORADIUSBYMEMBER", "w", "a", "100", "km", "WITHDIST", "WITHCOORD", "WITHHASH"},
      {"GEORADIUSBYMEMBER", "w", "h", "20000", "km", "WITHDIST", "WITHCOORD", "WITHHASH"},
      {"GEOSEARCH", "w", "FROMMEMBER", "g", "BYRADIUS", "30000", "km", "WITHDIST", "WITHCOORD", "WITHHASH"},
      {"GEOSEARCH", "w", "FROMMEMBER", "i", "BYBOX", "300", "300", "km", "WITHDIST", "ASC"},
      {"GEORADIUS", "w", "0", "0", "20040", "km", "WITHDIST", "DESC"},
  });
}

TEST_F(CompatTest, GeoRadiusAndGeoSearchOptions) {
  ExpectSameReplies(With(kCities, {
      {"GEORADIUS", "Sicily", "15", "37", "200", "km"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "withhash", "withcoord", "withdist", "ASC"},
      {"GEORADIUS", "Sicily", "15", "37", "20000", "km", "DESC", "WITHDIST"},
      {"GEORADIUS", "Sicily", "15", "37", "20000", "km", "COUNT", "2"},
      {"GEORADIUS", "Sicily", "15", "37", "20000", "km", "COUNT", "2", "DESC", "COUNT", "3"},
      {"GEORADIUS", "Sicily", "15", "37", "20000", "km", "COUNT", "3", "ANY"},
      {"GEORADIUS", "Sicily", "15", "37", "20000", "km", "ANY", "COUNT", "3", "ASC", "WITHDIST"},
      {"GEORADIUS", "Sicily", "15", "37", "200000", "m"}, {"GEORADIUS", "Sicily", "15", "37", "700000", "ft"},
      {"GEORADIUS", "Sicily", "15", "37", "125", "mi", "WITHDIST"}, {"GEORADIUS", "Sicily", "15", "37", "0", "m"},
      {"GEORADIUS", "Sicily", "15", "37", "inf", "km", "WITHDIST"},
      {"GEORADIUS", "Sicily", "15", "37", "1e-300", "km"}, {"GEORADIUS", "Sicily", "15", "37", "-0", "km"},
      {"GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "WITHDIST", "ASC"},
      {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST"},
      {"GEORADIUSBYMEMBER", "Sicily", "Paris", "1000", "km", "WITHCOORD", "COUNT", "1"},
      {"GEORADIUSBYMEMBER_RO", "Sicily", "Tokyo", "20000", "km", "DESC"},
      {"GEORADIUS", "Sicily", "0", "85.05112878", "20000", "km", "WITHDIST"},
      {"GEORADIUS", "Sicily", "-180", "-85.05112878", "20037", "km", "WITHDIST", "ASC"},
      {"GEORADIUS", "Sicily", "180", "0", "20037", "km", "WITHDIST", "ASC"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km", "WITHDIST", "WITHCOORD"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHDIST"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "40000", "400", "km", "WITHHASH"},
      {"GEOSEARCH", "Sicily", "BYBOX", "400", "400", "km", "FROMLONLAT", "15", "37", "DESC", "COUNT", "2"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Paris", "BYBOX", "1000", "1000", "mi", "WITHDIST", "ASC"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYBOX", "40000", "40000", "km", "COUNT", "4", "ANY"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMMEMBER", "Catania", "BYRADIUS", "1", "m"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "m", "BYRADIUS", "300", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "0", "0", "m", "WITHDIST"},
      {"GEOSEARCH", "nokey", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "m"},
      {"GEORADIUS", "nokey", "15", "37", "200", "km"}, {"GEORADIUSBYMEMBER", "nokey", "x", "bad", "parsec"},
  }));
}

TEST_F(CompatTest, GeoSearchErrorsInRedisOrder) {
  ExpectSameReplies(With(kCities, {
      {"GEORADIUS", "Sicily", "x", "37", "200", "km"}, {"GEORADIUS", "Sicily", "15", "86", "200", "km"},
      {"GEORADIUS", "Sicily", "15", "37", "x", "km"}, {"GEORADIUS", "Sicily", "15", "37", "-1", "km"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "parsec"}, {"GEORADIUS", "Sicily", "15", "37", "nan", "km"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT"}, {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "0"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "-3"}, {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "x"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "9223372036854775808"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "km", "ANY"}, {"GEORADIUS", "Sicily", "15", "37", "1", "km", "BOGUS"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE"}, {"GEORADIUS", "Sicily", "15", "37", "1", "km", "STOREDIST"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "d", "WITHDIST"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "km", "WITHCOORD", "STOREDIST", "d"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "d", "ANY"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "km", "FROMMEMBER", "Palermo"},
      {"GEORADIUS_RO", "Sicily", "15", "37", "1", "km", "STORE", "d"},
      {"GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "1", "km", "STOREDIST", "d"},
      {"GEORADIUSBYMEMBER", "Sicily", "nosuch", "1", "km"}, {"GEORADIUSBYMEMBER", "Sicily", "nosuch", "x", "km"},
      {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "x", "km"}, {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "1", "au"},
      {"GEORADIUSBYMEMBER", "nokey", "x", "1", "km", "STORE", "d", "WITHHASH"},
      {"GEOSEARCH", "Sicily", "BYRADIUS", "1", "km"}, {"geosearch", "Sicily", "FROMMEMBER", "Palermo"},
      {"GeoSearch", "Sicily", "FROMMEMBER", "Palermo", "ASC", "WITHDIST"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "ANY"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "1", "1", "km", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "nosuch", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "nosuch", "BYRADIUS", "x", "km", "BOGUS"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "200", "1", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "x", "1", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "-1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "x", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "1", "x", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "-1", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "1", "-1", "parsec"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "1", "1", "parsec"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "1", "1"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STORE", "d"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STOREDIST"},
      {"GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "WITHDIST"},
      {"GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STORE", "x"},
      {"GEOSEARCHSTORE", "d", "Sicily", "BYRADIUS", "1", "km", "STOREDIST"},
      {"geosearchstore", "d", "Sicily", "FROMLONLAT", "1", "1", "COUNT", "1"},
      {"GEOSEARCHSTORE", "d", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km", "ANY"},
      {"SET", "str", "x"}, {"GEORADIUS", "str", "500", "37", "1", "km"},
      {"GEOSEARCH", "str", "BOGUS"}, {"GEOSEARCHSTORE", "d", "str", "FROMMEMBER", "x", "BYRADIUS", "1", "km"},
      {"GEOSEARCHSTORE", "str", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"}, {"TYPE", "str"},
      {"GEORADIUS", "Sicily", "1", "2", "3"}, {"GEORADIUSBYMEMBER", "Sicily", "1", "2"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1"},
      {"GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1"},
  }));
}

TEST_F(CompatTest, GeoStoreResultsReadBack) {
  ExpectSameReplies(With(kCities, {
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "near"}, {"ZRANGE", "near", "0", "-1", "WITHSCORES"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "near"},
      {"ZRANGE", "near", "0", "-1", "WITHSCORES"}, {"OBJECT", "ENCODING", "near"},
      {"GEORADIUS", "Sicily", "15", "37", "20000", "mi", "STOREDIST", "far", "COUNT", "3", "DESC"},
      {"ZRANGE", "far", "0", "-1", "WITHSCORES"},
      {"GEORADIUS", "Sicily", "15", "37", "20000", "km", "STORE", "a", "STOREDIST", "b"}, {"EXISTS", "a", "b"},
      {"ZRANGE", "b", "0", "-1", "WITHSCORES"},
      {"GEORADIUSBYMEMBER", "Sicily", "Paris", "500", "km", "STORE", "paris"}, {"ZRANGE", "paris", "0", "-1", "WITHSCORES"},
      {"GEOSEARCHSTORE", "box", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km"},
      {"ZRANGE", "box", "0", "-1", "WITHSCORES"},
      {"GEOSEARCHSTORE", "box", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "STOREDIST"},
      {"ZRANGE", "box", "0", "-1", "WITHSCORES"},
      {"GEOSEARCHSTORE", "box", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "9000", "km", "STOREDIST", "COUNT",
       "2", "ANY"},
      {"ZRANGE", "box", "0", "-1", "WITHSCORES"},
      {"GEOSEARCHSTORE", "Sicily", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km"},
      {"ZRANGE", "Sicily", "0", "-1", "WITHSCORES"},
      {"SET", "str", "x"}, {"EXPIRE", "box", "100"},
      {"GEOSEARCHSTORE", "str", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km"}, {"TYPE", "str"},
      {"GEOSEARCHSTORE", "box", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km"}, {"TTL", "box"},
      {"GEOSEARCHSTORE", "box", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"}, {"EXISTS", "box"},
      {"GEORADIUS", "Sicily", "0", "0", "1", "m", "STORE", "near"}, {"EXISTS", "near"},
      {"GEORADIUS", "nokey", "0", "0", "1", "m", "STORE", "far"}, {"EXISTS", "far"},
      {"GEOSEARCHSTORE", "paris", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "m"}, {"EXISTS", "paris"},
      {"GEOSEARCHSTORE", "paris", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "m"},
  }));
}

TEST_F(CompatTest, GeoRepliesInResp3) {
  ExpectSameReplies(With(kCities, {
      {"GEOPOS", "Sicily", "Palermo", "nosuch", "Catania"}, {"GEOPOS", "nokey", "a"},
      {"GEOHASH", "Sicily", "Palermo", "nosuch"}, {"GEODIST", "Sicily", "Palermo", "Catania", "km"},
      {"GEODIST", "Sicily", "Palermo", "nosuch"}, {"GEODIST", "nokey", "a", "b"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Paris", "BYRADIUS", "2000", "km", "WITHCOORD", "ASC", "COUNT", "2"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Paris", "BYRADIUS", "1", "m", "WITHCOORD"},
      {"GEORADIUS", "nokey", "15", "37", "200", "km"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d"},
      {"ZRANGE", "d", "0", "-1", "WITHSCORES"},
      {"GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "Paris", "BYRADIUS", "2000", "km", "STOREDIST"},
      {"ZRANGE", "d", "0", "-1", "WITHSCORES"}, {"ZSCORE", "d", "Paris"},
      {"GEOADD", "poles", "0", "85.05112878", "n", "-180", "-85.05112878", "s"}, {"GEOPOS", "poles", "n", "s"},
  }), 3);
}

// Identical points give equal distances: the order of ties is that of Redis's sorts (a stable merge
// sort for full results, its partial quicksort when COUNT cuts the result short).
TEST_F(CompatTest, GeoEqualDistancesKeepRedisOrder) {
  std::mt19937 rng(7);
  const char* spots[][2] = {{"1", "1"}, {"1.0001", "1"}, {"1", "1.0002"}, {"0.9999", "0.9999"}};
  std::vector<std::string> geoadd = {"GEOADD", "ties"};
  for (int i = 0; i < 300; ++i) {
    const auto& spot = spots[rng() % 4];
    geoadd.insert(geoadd.end(), {spot[0], spot[1], "m" + std::to_string(1000 + i)});
  }
  Commands commands = {geoadd};
  for (int count : {1, 2, 3, 6, 7, 8, 10, 40, 41, 50, 150, 299, 300, 301}) {
    for (const char* order : {"ASC", "DESC"}) {
      commands.push_back({"GEORADIUS", "ties", "1", "1", "100", "km", "COUNT", std::to_string(count), order});
      commands.push_back({"GEORADIUS", "ties", "1", "1", "100", "km", "COUNT", std::to_string(count), order,
                          "STOREDIST", "dst"});
      commands.push_back({"ZRANGE", "dst", "0", "-1", "WITHSCORES"});
    }
  }
  commands.push_back({"GEOSEARCH", "ties", "FROMLONLAT", "1", "1", "BYBOX", "50", "50", "km", "ASC"});
  commands.push_back({"GEOSEARCH", "ties", "FROMLONLAT", "1", "1", "BYBOX", "50", "50", "km", "DESC"});
  ExpectSameReplies(commands);
}

TEST_F(CompatTest, GeoKeysAndCommandInfo) {
  ExpectSameReplies({
      {"COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "2", "3", "km", "STORE", "a", "STOREDIST", "b"},
      {"COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "2", "3", "km", "COUNT", "STORE"},
      {"COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "2", "3", "km", "storedist", "x"},
      {"COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "k", "STORE", "3", "km"},
      {"COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "k", "m", "3", "km", "STORE", "d"},
      {"COMMAND", "GETKEYS", "GEORADIUS_RO", "k", "1", "2", "3", "km"},
      {"COMMAND", "GETKEYS", "GEOSEARCHSTORE", "a", "b", "FROMMEMBER", "m", "BYRADIUS", "1", "km"},
      {"COMMAND", "GETKEYS", "GEOSEARCH", "k", "FROMMEMBER", "m", "BYRADIUS", "1", "km"},
      {"COMMAND", "GETKEYS", "GEOADD", "k", "1", "2", "m"}, {"COMMAND", "GETKEYS", "GEOPOS", "k"},
      {"COMMAND", "INFO", "geodist", "geohash", "geopos", "georadius_ro", "georadiusbymember_ro", "geosearch"},
  });
}

// The command's reply followed by every keyspace event it published.
std::string RunWithEvents(RawClient& commands, RawClient& events, const std::vector<std::string>& command) {
  std::string out = commands.Call(command);
  return out + ReadPushesUntilPing(events);
}

TEST_F(CompatTest, GeoKeyspaceEvents) {
  const Commands commands = {
      {"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
      {"GEOADD", "g", "NX", "13.361389", "38.115556", "Palermo"}, {"GEOADD", "g", "XX", "1", "1", "nosuch"},
      {"GEOADD", "g", "XX", "CH", "1", "1", "Palermo"}, {"GEOADD", "g", "500", "1", "bad"},
      {"GEORADIUS", "g", "15", "37", "500", "km", "STORE", "r"},
      {"GEORADIUS", "g", "15", "37", "500", "km", "STOREDIST", "r"},
      {"GEOSEARCHSTORE", "s", "g", "FROMMEMBER", "Catania", "BYRADIUS", "500", "km"},
      {"GEOSEARCHSTORE", "s", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"},
      {"GEOSEARCHSTORE", "s", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"},
      {"GEORADIUS", "nokey", "15", "37", "500", "km", "STORE", "r"},
      {"GEORADIUS", "g", "15", "37", "500", "km"}, {"GEOPOS", "g", "Palermo"}, {"GEODIST", "g", "Palermo", "Catania"},
  };
  RawClient redis(redis_port_), redis_events(redis_port_), slotd(slotd_port_), slotd_events(slotd_port_);
  for (RawClient* c : {&redis, &slotd}) {
    c->Call({"FLUSHALL"});
    c->Call({"CONFIG", "SET", "notify-keyspace-events", "KEAn"});
  }
  redis_events.Call({"PSUBSCRIBE", "__key*__:*"});
  slotd_events.Call({"PSUBSCRIBE", "__key*__:*"});
  for (const auto& command : commands) {
    EXPECT_EQ(RunWithEvents(slotd, slotd_events, command), RunWithEvents(redis, redis_events, command))
        << "command: " << command[0] << " " << command[1];
  }
  for (RawClient* c : {&redis, &slotd}) c->Call({"CONFIG", "SET", "notify-keyspace-events", ""});
}

// A few hundred random points (some on the same spot, some at the limits), then many random searches:
// every command form, radius or box, unit, order, COUNT with and without ANY, WITH* options, STORE.
class GeoRandomRun {
 public:
  explicit GeoRandomRun(uint32_t seed) : rng_(seed) {}

  Commands Build(int points, int queries) {
    Commands commands;
    for (int i = 0; i < points; ++i) {
      std::pair<std::string, std::string> p = Point();
      if (!added_.empty() && Chance(0.1)) p = added_[rng_() % added_.size()];
      added_.push_back(p);
      commands.push_back({"GEOADD", "g", p.first, p.second, Member(i)});
    }
    for (int i = 0; i < queries; ++i) AddQuery(&commands, points);
    for (int i = 0; i < points; i += 7) {
      commands.push_back({"GEOPOS", "g", Member(i)});
      commands.push_back({"GEOHASH", "g", Member(i)});
      commands.push_back({"GEODIST", "g", Member(i), Member(static_cast<int>(rng_() % points)), Unit().name});
    }
    return commands;
  }

 private:
  struct UnitChoice {
    std::string name;
    double meters;
  };

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  double Uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  static std::string Member(int i) { return "m" + std::to_string(i); }
  static std::string Fixed(double v, int decimals) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.*f", decimals, v);
    return text;
  }

  // Uniform over the map, at the limits, or clustered around a few places (dense cells, near the
  // antimeridian and the poles).
  std::pair<std::string, std::string> Point() {
    static const char* kLimitsLon[] = {"180", "-180", "0"};
    static const char* kLimitsLat[] = {"85.05112878", "-85.05112878", "0"};
    static const double kHubs[][2] = {{13.4, 52.5}, {-0.1, 51.5}, {139.7, 35.7}, {179.9, 0},
                                      {-179.9, -60}, {0, 84.9}, {2.35, 48.85}};
    double r = Uniform(0, 1);
    if (r < 0.05) return {kLimitsLon[rng_() % 3], kLimitsLat[rng_() % 3]};
    if (r < 0.5) return {Fixed(Uniform(-180, 180), 6), Fixed(Uniform(-85.05112878, 85.05112878), 6)};
    const double* hub = kHubs[rng_() % 7];
    std::normal_distribution<double> spread(0, 0.5);
    double lon = std::min(180.0, std::max(-180.0, hub[0] + spread(rng_)));
    double lat = std::min(85.05112878, std::max(-85.05112878, hub[1] + spread(rng_)));
    return {Fixed(lon, 5), Fixed(lat, 5)};
  }

  UnitChoice Unit() {
    static const UnitChoice kUnits[] = {{"m", 1}, {"km", 1000}, {"ft", 0.3048}, {"mi", 1609.34},
                                        {"KM", 1000}, {"Mi", 1609.34}};
    return kUnits[rng_() % 6];
  }

  // Distances from 1 m to about 20,000 km, log-uniform, in the unit.
  std::string Distance(const UnitChoice& unit, double max_exponent) {
    return Fixed(std::pow(10.0, Uniform(0, max_exponent)) / unit.meters, 3);
  }

  std::vector<std::string> Options() {
    std::vector<std::string> options;
    if (Chance(0.5)) options.push_back(Chance(0.5) ? "ASC" : "DESC");
    if (Chance(0.4)) {
      options.insert(options.end(), {"COUNT", std::to_string(1 + rng_() % 30)});
      if (Chance(0.3)) options.push_back("ANY");
    }
    for (const char* with : {"WITHDIST", "WITHCOORD", "WITHHASH"}) {
      if (Chance(0.4)) options.push_back(with);
    }
    return options;
  }

  // The shape arguments (everything before the options) of a random command form.
  std::vector<std::string> Search(int points) {
    UnitChoice unit = Unit();
    double kind = Uniform(0, 1);
    if (kind < 0.3) {
      auto [lon, lat] = Point();
      return {"GEORADIUS", "g", lon, lat, Distance(unit, 7.3), unit.name};
    }
    if (kind < 0.45) return {"GEORADIUSBYMEMBER", "g", Member(rng_() % points), Distance(unit, 7.3), unit.name};
    std::vector<std::string> args = {"GEOSEARCH", "g"};
    if (Chance(0.4)) {
      args.insert(args.end(), {"FROMMEMBER", Member(rng_() % points)});
    } else {
      auto [lon, lat] = Point();
      args.insert(args.end(), {"FROMLONLAT", lon, lat});
    }
    if (Chance(0.5)) {
      args.insert(args.end(), {"BYRADIUS", Distance(unit, 7.3), unit.name});
    } else {
      args.insert(args.end(), {"BYBOX", Distance(unit, 7.5), Distance(unit, 7.3), unit.name});
    }
    return args;
  }

  void AddQuery(Commands* commands, int points) {
    std::vector<std::string> args = Search(points);
    std::vector<std::string> options = Options();
    if (!Chance(0.15)) {
      args.insert(args.end(), options.begin(), options.end());
      commands->push_back(args);
      return;
    }
    std::erase_if(options, [](const std::string& o) { return o.rfind("WITH", 0) == 0; });
    if (args[0] == "GEOSEARCH") {
      args[0] = "GEOSEARCHSTORE";
      args.insert(args.begin() + 1, "dst");
      if (Chance(0.5)) options.push_back("STOREDIST");
    } else {
      options.insert(options.end(), {Chance(0.5) ? "STORE" : "STOREDIST", "dst"});
    }
    args.insert(args.end(), options.begin(), options.end());
    commands->push_back(args);
    commands->push_back({"ZRANGE", "dst", "0", "-1", "WITHSCORES"});
  }

  std::mt19937 rng_;
  std::vector<std::pair<std::string, std::string>> added_;
};

TEST_F(CompatTest, GeoRandomSearchesAgreeWithRedis) {
  ExpectSameReplies(GeoRandomRun(20261122).Build(300, 1500));
}

// The same over a skiplist-encoded set and in RESP3.
TEST_F(CompatTest, GeoRandomSearchesOnALargeSetInResp3) {
  ExpectSameReplies(GeoRandomRun(4242).Build(700, 600), 3);
}

// Listpack-encoded sets walk the same cells in the same order.
TEST_F(CompatTest, GeoRandomSearchesOnAListpack) {
  Commands commands = {{"CONFIG", "SET", "zset-max-listpack-entries", "1000"}};
  Commands run = GeoRandomRun(99).Build(250, 500);
  commands.insert(commands.end(), run.begin(), run.end());
  commands.push_back({"OBJECT", "ENCODING", "g"});
  commands.push_back({"CONFIG", "SET", "zset-max-listpack-entries", "128"});
  ExpectSameReplies(commands);
}

}  // namespace
}  // namespace slotd::test
