// The GEO searches: GEORADIUS GEORADIUS_RO GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO GEOSEARCH
// GEOSEARCHSTORE. One request path, as Redis's georadiusGeneric: look the source up, read the centre
// and shape, then the options in one pass (errors in Redis's order), search (geo_search.h), then reply
// or store.
#include <algorithm>
#include <optional>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_table.h"
#include "server/commands/geo_common.h"
#include "server/commands/geo_search.h"
#include "server/commands/zset_common.h"
#include "server/resp/errors.h"

namespace slotd::geo {
namespace {

// Which command runs (Redis's RADIUS_* / GEOSEARCH* flags).
enum SearchFlag : uint32_t {
  kRadiusCoords = 1 << 0,    // GEORADIUS key lon lat radius unit ...
  kRadiusMember = 1 << 1,    // GEORADIUSBYMEMBER key member radius unit ...
  kNoStore = 1 << 2,         // the _RO forms: no STORE / STOREDIST
  kSearch = 1 << 3,          // GEOSEARCH syntax (FROM... BY...)
  kSearchStore = 1 << 4,     // GEOSEARCHSTORE: destination first, STOREDIST a flag
};

struct SearchRequest {
  Shape shape;
  bool with_dist = false;
  bool with_hash = false;
  bool with_coord = false;
  bool any = false;
  SortOrder sort = SortOrder::kNone;
  int64_t count = 0;  // 0 = no COUNT
  std::optional<std::string_view> store_key;
  bool store_dist = false;
  bool from_member = false;
  bool from_lonlat = false;
  bool by_radius = false;
  bool by_box = false;
};

// extractDistanceOrReply: "<radius> <unit>".
bool ParseRadius(CommandContext& ctx, std::string_view radius, std::string_view unit, Shape* shape) {
  std::optional<double> value = zset::ParseScore(radius);
  if (!value) {
    ctx.reply().Error(errors::kGeoNeedNumericRadius);
    return false;
  }
  if (*value < 0) {
    ctx.reply().Error(errors::kGeoRadiusNegative);
    return false;
  }
  std::optional<double> conversion = ParseUnit(ctx, unit);
  if (!conversion) return false;
  shape->kind = Shape::Kind::kCircle;
  shape->radius = *value;
  shape->conversion = *conversion;
  return true;
}

// extractBoxOrReply: "<width> <height> <unit>".
bool ParseBox(CommandContext& ctx, ArgList box, Shape* shape) {
  std::optional<double> width = zset::ParseScore(box[0]);
  if (!width) {
    ctx.reply().Error(errors::kGeoNeedNumericWidth);
    return false;
  }
  std::optional<double> height = zset::ParseScore(box[1]);
  if (!height) {
    ctx.reply().Error(errors::kGeoNeedNumericHeight);
    return false;
  }
  if (*height < 0 || *width < 0) {
    ctx.reply().Error(errors::kGeoBoxNegative);
    return false;
  }
  std::optional<double> conversion = ParseUnit(ctx, box[2]);
  if (!conversion) return false;
  shape->kind = Shape::Kind::kBox;
  shape->width = *width;
  shape->height = *height;
  shape->conversion = *conversion;
  return true;
}

// A member's point as the search centre; a member the set does not hold is an error.
bool MemberCenter(CommandContext& ctx, const ZSetValue& zset, std::string_view member, Shape* shape) {
  std::optional<double> score = zset.Score(member);
  if (!score) {
    ctx.reply().Error(errors::kGeoMemberNotDecodable);
    return false;
  }
  shape->center = DecodeScore(*score);
  return true;
}

// The positional arguments before the options; sets *first_option. GEORADIUSBYMEMBER on a missing key
// reads neither member nor radius (Redis only needs the options then, to pick its reply).
bool ParseFixedArguments(CommandContext& ctx, ArgList args, uint32_t flags, const ZSetValue* zset,
                         SearchRequest* req, size_t* first_option) {
  if (flags & kRadiusCoords) {
    *first_option = 6;
    std::optional<LonLat> center = ParseLonLat(ctx, args[2], args[3]);
    if (!center) return false;
    req->shape.center = *center;
    return ParseRadius(ctx, args[4], args[5], &req->shape);
  }
  if (flags & kRadiusMember) {
    *first_option = 5;
    if (zset == nullptr) return true;
    return MemberCenter(ctx, *zset, args[2], &req->shape) && ParseRadius(ctx, args[3], args[4], &req->shape);
  }
  *first_option = (flags & kSearchStore) ? 3 : 2;
  if (flags & kSearchStore) req->store_key = args[1];
  return true;
}

bool ParseCount(CommandContext& ctx, std::string_view text, SearchRequest* req) {
  std::optional<int64_t> count = ParseInt64(text);
  if (!count) {
    ctx.NotInteger();
    return false;
  }
  if (*count <= 0) {
    ctx.reply().Error(errors::kGeoCountNotPositive);
    return false;
  }
  req->count = *count;
  return true;
}

// GEOSEARCH's FROMMEMBER / FROMLONLAT / BYRADIUS / BYBOX at args[*i]. Returns false, replying
// nothing, when args[*i] is none of them (or lacks its arguments, or follows the other of its pair:
// a syntax error for the caller). Otherwise advances *i past its arguments and sets *failed when
// they were refused (the error is replied).
bool ParseSearchOption(CommandContext& ctx, ArgList args, size_t* i, const ZSetValue* zset,
                       SearchRequest* req, bool* failed) {
  std::string_view arg = args[*i];
  const size_t after = args.size() - *i - 1;  // arguments after the keyword
  if (EqualsIgnoreCase(arg, "FROMMEMBER") && after >= 1 && !req->from_lonlat) {
    // Without a source set the member is not looked up; the reply is empty anyway.
    *failed = zset != nullptr && !MemberCenter(ctx, *zset, args[*i + 1], &req->shape);
    req->from_member = true;
    *i += 1;
  } else if (EqualsIgnoreCase(arg, "FROMLONLAT") && after >= 2 && !req->from_member) {
    std::optional<LonLat> center = ParseLonLat(ctx, args[*i + 1], args[*i + 2]);
    *failed = !center;
    if (center) req->shape.center = *center;
    req->from_lonlat = true;
    *i += 2;
  } else if (EqualsIgnoreCase(arg, "BYRADIUS") && after >= 2 && !req->by_box) {
    *failed = !ParseRadius(ctx, args[*i + 1], args[*i + 2], &req->shape);
    req->by_radius = true;
    *i += 2;
  } else if (EqualsIgnoreCase(arg, "BYBOX") && after >= 3 && !req->by_radius) {
    *failed = !ParseBox(ctx, args.subspan(*i + 1, 3), &req->shape);
    req->by_box = true;
    *i += 3;
  } else {
    return false;
  }
  return true;
}

// One option at args[*i] (advanced past its arguments). Replies the error and returns false.
bool ParseOption(CommandContext& ctx, ArgList args, size_t* i, uint32_t flags, const ZSetValue* zset,
                 SearchRequest* req) {
  std::string_view arg = args[*i];
  const bool has_value = *i + 1 < args.size();
  const bool radius_store = !(flags & kNoStore) && !(flags & kSearch);
  if (EqualsIgnoreCase(arg, "WITHDIST")) {
    req->with_dist = true;
  } else if (EqualsIgnoreCase(arg, "WITHHASH")) {
    req->with_hash = true;
  } else if (EqualsIgnoreCase(arg, "WITHCOORD")) {
    req->with_coord = true;
  } else if (EqualsIgnoreCase(arg, "ANY")) {
    req->any = true;
  } else if (EqualsIgnoreCase(arg, "ASC")) {
    req->sort = SortOrder::kAsc;
  } else if (EqualsIgnoreCase(arg, "DESC")) {
    req->sort = SortOrder::kDesc;
  } else if (EqualsIgnoreCase(arg, "COUNT") && has_value) {
    return ParseCount(ctx, args[++*i], req);
  } else if ((EqualsIgnoreCase(arg, "STORE") || EqualsIgnoreCase(arg, "STOREDIST")) && has_value &&
             radius_store) {
    req->store_dist = EqualsIgnoreCase(arg, "STOREDIST");  // the later of STORE / STOREDIST wins
    req->store_key = args[++*i];
  } else if (EqualsIgnoreCase(arg, "STOREDIST") && (flags & kSearchStore)) {
    req->store_dist = true;
  } else {
    bool failed = false;
    if ((flags & kSearch) && ParseSearchOption(ctx, args, i, zset, req, &failed)) return !failed;
    ctx.SyntaxError();
    return false;
  }
  return true;
}

// The checks after parsing, in Redis's order.
bool CheckCombination(CommandContext& ctx, ArgList args, uint32_t flags, const SearchRequest& req) {
  if (req.store_key && (req.with_dist || req.with_hash || req.with_coord)) {
    ctx.reply().Error((flags & kSearchStore) ? errors::kGeoSearchStoreWithOptions
                                             : errors::kGeoRadiusStoreWithOptions);
    return false;
  }
  if ((flags & kSearch) && !(req.from_member || req.from_lonlat)) {
    ctx.reply().Error(errors::GeoNeedsOneFrom(args[0]));
    return false;
  }
  if ((flags & kSearch) && !(req.by_radius || req.by_box)) {
    ctx.reply().Error(errors::GeoNeedsOneBy(args[0]));
    return false;
  }
  if (req.any && req.count == 0) {
    ctx.reply().Error(errors::kGeoAnyNeedsCount);
    return false;
  }
  return true;
}

std::string_view StoreEvent(uint32_t flags) {
  return (flags & kSearch) ? "geosearchstore" : "georadiusstore";
}

// STORE / STOREDIST / GEOSEARCHSTORE: the points (distances already in the request's unit) become the
// destination set, scored by geohash or by distance; none deletes the destination.
void StoreResult(CommandContext& ctx, const SearchRequest& req, uint32_t flags,
                 const std::vector<GeoPoint>& points) {
  std::vector<ZEntry> entries;
  entries.reserve(points.size());
  for (const GeoPoint& p : points) entries.push_back({p.member, req.store_dist ? p.distance : p.score});
  std::sort(entries.begin(), entries.end(), [](const ZEntry& a, const ZEntry& b) {
    return a.score < b.score || (a.score == b.score && a.member < b.member);
  });
  auto same_member = [](const ZEntry& a, const ZEntry& b) { return a.member == b.member; };
  entries.erase(std::unique(entries.begin(), entries.end(), same_member), entries.end());
  zset::Store(ctx, *req.store_key, entries, StoreEvent(flags));
  if (points.size() > 1) ctx.server().dirty += points.size() - 1;  // Redis counts every stored member
  ctx.reply().Integer(static_cast<int64_t>(points.size()));
}

// Each point is its member alone, or [member, distance?, hash?, [lon, lat]?] with any WITH option.
void ReplyPoints(CommandContext& ctx, const SearchRequest& req, const std::vector<GeoPoint>& points) {
  resp::ReplyBuilder& reply = ctx.reply();
  const size_t extras = size_t{req.with_dist} + size_t{req.with_hash} + size_t{req.with_coord};
  reply.ArrayHeader(points.size());
  for (const GeoPoint& p : points) {
    if (extras > 0) reply.ArrayHeader(extras + 1);
    reply.Bulk(p.member);
    if (req.with_dist) ReplyDistance(reply, p.distance);
    if (req.with_hash) reply.Integer(static_cast<int64_t>(p.score));
    if (req.with_coord) {
      reply.ArrayHeader(2);
      ReplyCoordinate(reply, p.point.lon);
      ReplyCoordinate(reply, p.point.lat);
    }
  }
}

void Search(CommandContext& ctx, const ZSetValue& zset, const SearchRequest& req, uint32_t flags) {
  // COUNT without an order returns the nearest; with ANY, the first found.
  SortOrder sort = req.sort;
  if (req.count != 0 && sort == SortOrder::kNone && !req.any) sort = SortOrder::kAsc;
  const auto count = static_cast<size_t>(req.count);
  std::vector<GeoPoint> points = FindInShape(zset, req.shape, req.any ? count : 0);
  if (points.empty() && !req.store_key) {
    ctx.reply().EmptyArray();
    return;
  }
  size_t returned = count == 0 || points.size() < count ? points.size() : count;
  SortByDistance(&points, sort, returned);
  points.resize(returned);
  for (GeoPoint& p : points) p.distance /= req.shape.conversion;
  if (req.store_key) {
    StoreResult(ctx, req, flags, points);
  } else {
    ReplyPoints(ctx, req, points);
  }
}

void SearchCommand(CommandContext& ctx, ArgList args, size_t source_index, uint32_t flags) {
  bool wrong_type = false;
  const ZSetValue* zset = zset::Find(ctx, args[source_index], kLookupNone, &wrong_type);
  if (wrong_type) return;
  SearchRequest req;
  size_t i = 0;
  if (!ParseFixedArguments(ctx, args, flags, zset, &req, &i)) return;
  for (; i < args.size(); ++i) {
    if (!ParseOption(ctx, args, &i, flags, zset, &req)) return;
  }
  if (!CheckCombination(ctx, args, flags, req)) return;
  if (zset != nullptr) {
    Search(ctx, *zset, req, flags);
  } else if (req.store_key) {
    zset::Store(ctx, *req.store_key, {}, StoreEvent(flags));  // deletes the destination
    ctx.reply().Integer(0);
  } else {
    ctx.reply().EmptyArray();
  }
}

void GeoRadius(CommandContext& ctx, ArgList args) { SearchCommand(ctx, args, 1, kRadiusCoords); }
void GeoRadiusRo(CommandContext& ctx, ArgList args) { SearchCommand(ctx, args, 1, kRadiusCoords | kNoStore); }
void GeoRadiusByMember(CommandContext& ctx, ArgList args) { SearchCommand(ctx, args, 1, kRadiusMember); }
void GeoRadiusByMemberRo(CommandContext& ctx, ArgList args) {
  SearchCommand(ctx, args, 1, kRadiusMember | kNoStore);
}
void GeoSearch(CommandContext& ctx, ArgList args) { SearchCommand(ctx, args, 1, kSearch); }
void GeoSearchStore(CommandContext& ctx, ArgList args) { SearchCommand(ctx, args, 2, kSearch | kSearchStore); }

// GEORADIUS's keys as Redis's key specs find them: the source, then the argument after the first
// STORE and after the first STOREDIST from the first option on (a keyword in last place has no key).
template <size_t kFirstOption>
bool RadiusKeys(ArgList args, std::vector<int>* key_indexes) {
  key_indexes->push_back(1);
  for (std::string_view keyword : {"STORE", "STOREDIST"}) {
    for (size_t i = kFirstOption; i + 1 < args.size(); ++i) {
      if (EqualsIgnoreCase(args[i], keyword)) {
        key_indexes->push_back(static_cast<int>(i + 1));
        break;
      }
    }
  }
  return true;
}

void RegisterMovable(CommandTable& table, CommandSpec spec, KeyFinder finder) {
  spec.flags |= kCmdMovableKeys;
  spec.key_finder = finder;
  table.Register(std::move(spec));
}

constexpr std::string_view kRadiusCost =
    "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited "
    "by center and radius and M is the number of items inside the index.";
constexpr std::string_view kSearchCost =
    "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape "
    "provided as the filter and M is the number of items inside the shape";

}  // namespace

void RegisterSearchCommands(CommandTable& table) {
  constexpr uint32_t kWrite = kCmdWrite | kCmdDenyOom;
  RegisterMovable(table,
                  Spec("georadius", -6, kWrite, 1, 1, GeoRadius,
                       "Query a sorted set representing a geospatial index to fetch members matching a given "
                       "maximum distance from a point",
                       "3.2.0", kRadiusCost),
                  RadiusKeys<6>);
  table.Register(Spec("georadius_ro", -6, kCmdReadOnly, 1, 1, GeoRadiusRo, "A read-only variant for GEORADIUS",
                      "3.2.10", kRadiusCost));
  RegisterMovable(table,
                  Spec("georadiusbymember", -5, kWrite, 1, 1, GeoRadiusByMember,
                       "Query a sorted set representing a geospatial index to fetch members matching a given "
                       "maximum distance from a member",
                       "3.2.0", kRadiusCost),
                  RadiusKeys<5>);
  table.Register(Spec("georadiusbymember_ro", -5, kCmdReadOnly, 1, 1, GeoRadiusByMemberRo,
                      "A read-only variant for GEORADIUSBYMEMBER", "3.2.10", kRadiusCost));
  table.Register(Spec("geosearch", -7, kCmdReadOnly, 1, 1, GeoSearch,
                      "Query a sorted set representing a geospatial index to fetch members inside an area of a "
                      "box or a circle.",
                      "6.2.0", kSearchCost));
  table.Register(Spec("geosearchstore", -8, kWrite, 1, 2, GeoSearchStore,
                      "Query a sorted set representing a geospatial index to fetch members inside an area of a "
                      "box or a circle, and store the result in another key.",
                      "6.2.0", kSearchCost));
}

}  // namespace slotd::geo
