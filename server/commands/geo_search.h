// The search behind GEORADIUS* and GEOSEARCH*: the members of a sorted set inside a shape, found in the
// order Redis's cell-by-cell walk finds them, and Redis's two sorts of the result (a stable merge sort
// when every result is returned, its partial quicksort when COUNT keeps fewer), so ties come out in
// Redis's order too. Depends on the sorted-set value and geohash.h only; writes no replies.
#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

#include "server/commands/geohash.h"
#include "server/keyspace/zset_value.h"

namespace slotd::geo {

struct GeoPoint {
  LonLat point;
  double distance;  // from the shape's centre, in metres until the reply converts it
  double score;
  std::string_view member;  // points into the searched set; valid while it is unchanged
};

// The members of `zset` inside `shape`. With `limit` > 0 (COUNT n ANY) the walk stops once it has
// found that many.
std::vector<GeoPoint> FindInShape(const ZSetValue& zset, const Shape& shape, size_t limit);

enum class SortOrder { kNone, kAsc, kDesc };

// Orders `points` by distance as GEORADIUS does before replying `returned` of them: all sorted when
// returned == points->size(), otherwise only the first `returned` places are guaranteed.
void SortByDistance(std::vector<GeoPoint>* points, SortOrder order, size_t returned);

}  // namespace slotd::geo
