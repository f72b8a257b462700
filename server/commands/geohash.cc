// Redis 7.0's geohash arithmetic (see geohash.h). The expressions are written in the same order as
// Redis's so that every intermediate double rounds the same way.
#include "server/commands/geohash.h"

#include <cmath>
#include <cstdio>
#include <numbers>

namespace slotd::geo {
namespace {

constexpr double kDegreesToRadians = std::numbers::pi / 180.0;
constexpr double kTwoTo63 = 9223372036854775808.0;
constexpr uint64_t kEvenBits = 0x5555555555555555ULL;  // latitude bits of a cell
constexpr uint64_t kOddBits = 0xaaaaaaaaaaaaaaaaULL;   // longitude bits of a cell

double DegToRad(double degrees) { return degrees * kDegreesToRadians; }
double RadToDeg(double radians) { return radians / kDegreesToRadians; }

// Spreads the 32 bits of `v` over the even bit positions of the result.
uint64_t SpreadToEvenBits(uint64_t v) {
  v = (v | (v << 16)) & 0x0000FFFF0000FFFFULL;
  v = (v | (v << 8)) & 0x00FF00FF00FF00FFULL;
  v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  v = (v | (v << 2)) & 0x3333333333333333ULL;
  v = (v | (v << 1)) & kEvenBits;
  return v;
}

// The inverse: gathers the even bits of `v` into a 32-bit value.
uint32_t GatherEvenBits(uint64_t v) {
  v &= kEvenBits;
  v = (v | (v >> 1)) & 0x3333333333333333ULL;
  v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  v = (v | (v >> 4)) & 0x00FF00FF00FF00FFULL;
  v = (v | (v >> 8)) & 0x0000FFFF0000FFFFULL;
  v = (v | (v >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(v);
}

// Redis passes the scaled offsets to a uint32_t parameter; x86-64 keeps the low 32 bits of the
// truncated value. Offsets are in [0, 2^step], so this only matters for step 32.
uint32_t CellIndex(double scaled_offset) {
  return static_cast<uint32_t>(static_cast<uint64_t>(scaled_offset));
}

// Moves a cell one step along one coordinate, wrapping around (geohash_move_x / geohash_move_y): the bits
// of `moving` (the odd bits for longitude, the even ones for latitude) are stepped as one number, with
// the other coordinate's bit positions filled with 1s (to carry across them) or masked out.
void Move(HashBits* hash, uint64_t moving, uint64_t other, int d) {
  uint64_t m = hash->bits & moving;
  const uint64_t kept = hash->bits & other;
  const unsigned shift = 64 - hash->step * 2u;
  const uint64_t filler = other >> shift;
  if (d > 0) {
    m = m + (filler + 1);
  } else {
    m = m | filler;
    m = m - (filler + 1);
  }
  m &= (moving >> shift);
  hash->bits = m | kept;
}

// One column east (d > 0) or west (d < 0); one row north or south.
void MoveX(HashBits* hash, int d) { Move(hash, kOddBits, kEvenBits, d); }
void MoveY(HashBits* hash, int d) { Move(hash, kEvenBits, kOddBits, d); }

HashBits Moved(HashBits hash, int dx, int dy) {
  if (dx != 0) MoveX(&hash, dx);
  if (dy != 0) MoveY(&hash, dy);
  return hash;
}

// The centre cell at `step` and its neighbours, as the search computes them.
struct CellSet {
  HashBits hash;
  Neighbors neighbors;
  Area area;
};

CellSet CellsAt(LonLat center, uint8_t step) {
  CellSet cells;
  // The centre is always inside the limits (validated, or decoded and clamped).
  cells.hash = Encode(kLonRange, kLatRange, center.lon, center.lat, step).value_or(HashBits{0, step});
  cells.neighbors = NeighborsOf(cells.hash);
  cells.area = Decode(kLonRange, kLatRange, cells.hash);
  return cells;
}

// True when a neighbour of the estimated step ends inside the bounding box, so the nine cells would
// not cover it and the search must use cells one step larger.
bool NeighborsTooSmall(const Neighbors& n, const Bounds& b) {
  bool too_small = false;
  if (Decode(kLonRange, kLatRange, n.north).lat.max < b.max_lat) too_small = true;
  if (Decode(kLonRange, kLatRange, n.south).lat.min > b.min_lat) too_small = true;
  if (Decode(kLonRange, kLatRange, n.east).lon.max < b.max_lon) too_small = true;
  if (Decode(kLonRange, kLatRange, n.west).lon.min > b.min_lon) too_small = true;
  return too_small;
}

// Zeroes the neighbours on a side where the centre cell already reaches past the bounding box.
void DropUselessNeighbors(const Area& area, const Bounds& b, Neighbors* n) {
  if (area.lat.min < b.min_lat) n->south = n->south_west = n->south_east = HashBits{};
  if (area.lat.max > b.max_lat) n->north = n->north_east = n->north_west = HashBits{};
  if (area.lon.min < b.min_lon) n->west = n->south_west = n->north_west = HashBits{};
  if (area.lon.max > b.max_lon) n->east = n->south_east = n->north_east = HashBits{};
}

// geohashGetDistanceIfInRectangle: latitude distance first (cheap), then the east-west distance along
// the point's own parallel, then the real distance to the centre.
bool DistanceIfInBox(double width_m, double height_m, LonLat center, LonLat point, double* distance) {
  if (LatDistance(point.lat, center.lat) > height_m / 2) return false;
  if (Distance(point.lon, point.lat, center.lon, point.lat) > width_m / 2) return false;
  *distance = Distance(center.lon, center.lat, point.lon, point.lat);
  return true;
}

}  // namespace

std::optional<HashBits> Encode(Range lon_range, Range lat_range, double lon, double lat, uint8_t step) {
  if (step > 32 || step == 0) return std::nullopt;
  if (lon > kLonMax || lon < kLonMin || lat > kLatMax || lat < kLatMin) return std::nullopt;
  if (lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max) {
    return std::nullopt;
  }
  double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
  double lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  uint64_t bits = SpreadToEvenBits(CellIndex(lat_offset)) | (SpreadToEvenBits(CellIndex(lon_offset)) << 1);
  return HashBits{bits, step};
}

uint64_t Align52Bits(HashBits hash) { return hash.bits << (52 - hash.step * 2); }

uint64_t ScoreOf(double lon, double lat) {
  return Align52Bits(Encode(kLonRange, kLatRange, lon, lat, kStepMax).value_or(HashBits{}));
}

Area Decode(Range lon_range, Range lat_range, HashBits hash) {
  uint32_t lat_index = GatherEvenBits(hash.bits);
  uint32_t lon_index = GatherEvenBits(hash.bits >> 1);
  double lat_scale = lat_range.max - lat_range.min;
  double lon_scale = lon_range.max - lon_range.min;
  double cells = static_cast<double>(1ULL << hash.step);
  // index + 1 is 32-bit arithmetic in Redis: it wraps for the all-ones index of a strange score.
  uint32_t lat_next = lat_index + 1;
  uint32_t lon_next = lon_index + 1;
  Area area;
  area.hash = hash;
  area.lat.min = lat_range.min + (lat_index * 1.0 / cells) * lat_scale;
  area.lat.max = lat_range.min + (lat_next * 1.0 / cells) * lat_scale;
  area.lon.min = lon_range.min + (lon_index * 1.0 / cells) * lon_scale;
  area.lon.max = lon_range.min + (lon_next * 1.0 / cells) * lon_scale;
  return area;
}

LonLat AreaCenter(const Area& area) {
  LonLat center;
  center.lon = (area.lon.min + area.lon.max) / 2;
  if (center.lon > kLonMax) center.lon = kLonMax;
  if (center.lon < kLonMin) center.lon = kLonMin;
  center.lat = (area.lat.min + area.lat.max) / 2;
  if (center.lat > kLatMax) center.lat = kLatMax;
  if (center.lat < kLatMin) center.lat = kLatMin;
  return center;
}

uint64_t ScoreToBits(double score) {
  // Below 2^63 the compiler converts as signed (cvttsd2si): out of int64 range, and NaN, give the
  // "integer indefinite" 2^63. From 2^63 up it converts score - 2^63 and sets the top bit again, so
  // scores of 2^64 and more (and +inf) wrap to 0.
  constexpr uint64_t kIndefinite = 1ULL << 63;
  if (std::isnan(score) || score < kTwoTo63) {
    if (score >= -kTwoTo63) return static_cast<uint64_t>(static_cast<int64_t>(score));
    return kIndefinite;
  }
  double reduced = score - kTwoTo63;
  uint64_t low = reduced < kTwoTo63 ? static_cast<uint64_t>(static_cast<int64_t>(reduced)) : kIndefinite;
  return low ^ kIndefinite;
}

LonLat DecodeScore(double score) {
  return AreaCenter(Decode(kLonRange, kLatRange, HashBits{ScoreToBits(score), kStepMax}));
}

std::string StandardGeohash(LonLat point) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  HashBits hash = Encode(kLonRange, kStandardLatRange, point.lon, point.lat, kStepMax).value_or(HashBits{});
  // 52 bits make ten 5-bit characters; the 11th, for the customary length, stands for zero bits.
  std::string text(11, '0');
  for (int i = 0; i < 10; ++i) text[i] = kAlphabet[(hash.bits >> (52 - (i + 1) * 5)) & 0x1f];
  return text;
}

Neighbors NeighborsOf(HashBits hash) {
  Neighbors n;
  n.east = Moved(hash, 1, 0);
  n.west = Moved(hash, -1, 0);
  n.south = Moved(hash, 0, -1);
  n.north = Moved(hash, 0, 1);
  n.north_west = Moved(hash, -1, 1);
  n.north_east = Moved(hash, 1, 1);
  n.south_east = Moved(hash, 1, -1);
  n.south_west = Moved(hash, -1, -1);
  return n;
}

double LatDistance(double lat1, double lat2) {
  return kEarthRadiusMeters * std::fabs(DegToRad(lat2) - DegToRad(lat1));
}

double Distance(double lon1, double lat1, double lon2, double lat2) {
  double lon1r = DegToRad(lon1);
  double lon2r = DegToRad(lon2);
  double v = std::sin((lon2r - lon1r) / 2);
  // Same meridian: the haversine reduces to the latitude difference (and Redis skips the trigonometry).
  if (v == 0.0) return LatDistance(lat1, lat2);
  double lat1r = DegToRad(lat1);
  double lat2r = DegToRad(lat2);
  double u = std::sin((lat2r - lat1r) / 2);
  double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

uint8_t EstimateStepsByRadius(double range_meters, double lat) {
  if (range_meters == 0) return kStepMax;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    step++;
  }
  step -= 2;  // one step coarser, so the nine cells cover the range in the common cases
  // Meridians converge towards the poles: widen the cells there.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > kStepMax) step = kStepMax;
  return static_cast<uint8_t>(step);
}

Bounds BoundingBox(const Shape& shape) {
  const bool circle = shape.kind == Shape::Kind::kCircle;
  double lon = shape.center.lon;
  double lat = shape.center.lat;
  double height = shape.conversion * (circle ? shape.radius : shape.height / 2);
  double width = shape.conversion * (circle ? shape.radius : shape.width / 2);
  const double lat_delta = RadToDeg(height / kEarthRadiusMeters);
  const double lon_delta_top = RadToDeg(width / kEarthRadiusMeters / std::cos(DegToRad(lat + lat_delta)));
  const double lon_delta_bottom = RadToDeg(width / kEarthRadiusMeters / std::cos(DegToRad(lat - lat_delta)));
  // The parallel nearer the pole is the shorter one, so it sets the longitude span.
  const bool southern = lat < 0;
  Bounds b;
  b.min_lon = southern ? lon - lon_delta_bottom : lon - lon_delta_top;
  b.max_lon = southern ? lon + lon_delta_bottom : lon + lon_delta_top;
  b.min_lat = lat - lat_delta;
  b.max_lat = lat + lat_delta;
  return b;
}

std::array<HashBits, 9> SearchCells(const Shape& shape) {
  Bounds bounds = BoundingBox(shape);
  double radius_meters = shape.kind == Shape::Kind::kCircle
                             ? shape.radius
                             : std::sqrt((shape.width / 2) * (shape.width / 2) +
                                         (shape.height / 2) * (shape.height / 2));
  radius_meters *= shape.conversion;
  uint8_t step = EstimateStepsByRadius(radius_meters, shape.center.lat);
  CellSet cells = CellsAt(shape.center, step);
  if (step > 1 && NeighborsTooSmall(cells.neighbors, bounds)) {
    step--;
    cells = CellsAt(shape.center, step);
  }
  if (step >= 2) DropUselessNeighbors(cells.area, bounds, &cells.neighbors);
  const Neighbors& n = cells.neighbors;
  return {cells.hash,   n.north,      n.south,      n.east,      n.west,
          n.north_east, n.north_west, n.south_east, n.south_west};
}

bool WithinShape(const Shape& shape, double score, LonLat* point, double* distance_m) {
  *point = DecodeScore(score);
  if (shape.kind == Shape::Kind::kCircle) {
    *distance_m = Distance(shape.center.lon, shape.center.lat, point->lon, point->lat);
    return !(*distance_m > shape.radius * shape.conversion);
  }
  return DistanceIfInBox(shape.width * shape.conversion, shape.height * shape.conversion, shape.center,
                         *point, distance_m);
}

std::string FormatDistance(double distance) {
  if (distance == 0) return "0.0000";
  // llrint of the value in ten-thousandths; like x86's llrint, NaN and out-of-range give INT64_MIN.
  double scaled = distance * 10000.0;
  int64_t units = INT64_MIN;
  if (scaled >= -kTwoTo63 && scaled < kTwoTo63) units = std::llrint(scaled);
  uint64_t magnitude = units < 0 ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  char text[48];
  int n = std::snprintf(text, sizeof(text), "%s%llu.%04llu", units < 0 ? "-" : "",
                        static_cast<unsigned long long>(magnitude / 10000),
                        static_cast<unsigned long long>(magnitude % 10000));
  return std::string(text, static_cast<size_t>(n));
}

}  // namespace slotd::geo
