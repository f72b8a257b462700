// Redis 7.0's geohash arithmetic as pure functions: the 52-bit interleaved score of a longitude/latitude,
// its decoding to the cell centre, the nine cells a radius or box search visits, haversine distances and
// the fixed-point text GEO replies give distances in. Standard library only; no Server, no RESP.
// Every formula keeps Redis's order of operations (geohash.c, geohash_helper.c) so results agree bit for
// bit with redis-server on the same libm.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace slotd::geo {

inline constexpr uint8_t kStepMax = 26;  // bits per coordinate: a score holds 2 * 26 = 52 bits
// Web Mercator's limits (EPSG:900913): Redis cannot index points nearer the poles than these.
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr double kLonMin = -180;
inline constexpr double kLonMax = 180;
inline constexpr double kEarthRadiusMeters = 6372797.560856;  // quadratic mean radius of WGS-84
inline constexpr double kMercatorMax = 20037726.37;           // metres; the step estimate's world size

// A cell: `step` bits of longitude and of latitude, interleaved (latitude in the even bits).
struct HashBits {
  uint64_t bits = 0;
  uint8_t step = 0;
  // A neighbour the search leaves out is zeroed (Redis's GZERO / HASHISZERO).
  bool zero() const { return bits == 0 && step == 0; }
  bool operator==(const HashBits&) const = default;
};

struct Range {
  double min;
  double max;
};

struct Area {
  HashBits hash;
  Range lon;
  Range lat;
};

struct LonLat {
  double lon;
  double lat;
};

inline constexpr Range kLonRange{kLonMin, kLonMax};
inline constexpr Range kLatRange{kLatMin, kLatMax};
// GEOHASH re-encodes with the standard geohash latitude range.
inline constexpr Range kStandardLatRange{-90, 90};

// geohashEncode: nullopt when step is 0 or above 32, or the point is outside the Mercator limits or the
// given ranges. A coordinate exactly at a range's maximum yields 2^step, one bit above the cell bits, as
// in Redis (such scores decode back to the clamped maximum).
std::optional<HashBits> Encode(Range lon_range, Range lat_range, double lon, double lat, uint8_t step);

// The cell's bits shifted up to 52 bits (a score, or a score range bound).
uint64_t Align52Bits(HashBits hash);

// GEOADD's score for a point inside the Mercator limits.
uint64_t ScoreOf(double lon, double lat);

// The cell's corners. Accepts any bits, as Redis does for scores a plain ZADD wrote.
Area Decode(Range lon_range, Range lat_range, HashBits hash);

// The cell's centre, clamped to the Mercator limits (geohashDecodeAreaToLongLat).
LonLat AreaCenter(const Area& area);

// The bits Redis reads from a sorted-set score: the C cast (uint64_t)score as x86-64 performs it, so
// negative, huge and infinite scores give the values redis-server shows for them.
uint64_t ScoreToBits(double score);

// The point a score stands for (decodeGeohash): the centre of its 52-bit cell.
LonLat DecodeScore(double score);

// GEOHASH's 11-character standard geohash of a point (the 11th character is always '0').
std::string StandardGeohash(LonLat point);

struct Neighbors {
  HashBits north;
  HashBits east;
  HashBits west;
  HashBits south;
  HashBits north_east;
  HashBits south_east;
  HashBits north_west;
  HashBits south_west;
};
// The eight cells around `hash`, at the same step, wrapping around at the edges.
Neighbors NeighborsOf(HashBits hash);

// Distances in metres between points given in degrees.
double LatDistance(double lat1, double lat2);
double Distance(double lon1, double lat1, double lon2, double lat2);  // haversine

// The step of the nine search cells for a search reaching `range_meters` from a point at `lat`.
uint8_t EstimateStepsByRadius(double range_meters, double lat);

// What a GEOSEARCH/GEORADIUS looks for. `radius`, `width` and `height` are in the request's unit;
// `conversion` is metres per unit.
struct Shape {
  enum class Kind { kCircle, kBox };
  Kind kind = Kind::kCircle;
  LonLat center{0, 0};
  double conversion = 1;
  double radius = 0;
  double width = 0;
  double height = 0;
};

struct Bounds {
  double min_lon;
  double min_lat;
  double max_lon;
  double max_lat;
};
Bounds BoundingBox(const Shape& shape);

// The cells a search visits, in Redis's order: the centre cell, then N, S, E, W, NE, NW, SE, SW. Cells
// that cannot hold a match are zeroed (geohashCalculateAreasByShapeWGS84).
std::array<HashBits, 9> SearchCells(const Shape& shape);

// Whether the point of `score` lies inside `shape`; sets *point to it and, when inside, *distance_m to
// its distance from the centre in metres.
bool WithinShape(const Shape& shape, double score, LonLat* point, double* distance_m);

// Redis's addReplyDoubleDistance text: rounded to 4 decimals ("%.4f" by integer arithmetic).
std::string FormatDistance(double distance);

}  // namespace slotd::geo
