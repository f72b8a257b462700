// GEO commands on single members: GEOADD GEODIST GEOHASH GEOPOS, the helpers the family shares, and
// RegisterGeoCommands for the whole family (the searches live in geo_search_commands.cc). A geo index is
// a plain sorted set whose scores are 52-bit geohashes (geohash.h).
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/geo_common.h"
#include "server/commands/zset_common.h"
#include "server/pubsub/pubsub.h"
#include "server/resp/errors.h"

namespace slotd {
namespace geo {

std::optional<LonLat> ParseLonLat(CommandContext& ctx, std::string_view lon, std::string_view lat) {
  std::optional<double> x = zset::ParseScore(lon);
  std::optional<double> y = x ? zset::ParseScore(lat) : std::nullopt;
  if (!x || !y) {
    ctx.reply().Error(errors::kNotFloat);
    return std::nullopt;
  }
  if (*x < kLonMin || *x > kLonMax || *y < kLatMin || *y > kLatMax) {
    ctx.reply().Error(errors::GeoInvalidLonLat(*x, *y));
    return std::nullopt;
  }
  return LonLat{*x, *y};
}

std::optional<double> ParseUnit(CommandContext& ctx, std::string_view unit) {
  if (EqualsIgnoreCase(unit, "m")) return 1;
  if (EqualsIgnoreCase(unit, "km")) return 1000;
  if (EqualsIgnoreCase(unit, "ft")) return 0.3048;
  if (EqualsIgnoreCase(unit, "mi")) return 1609.34;
  ctx.reply().Error(errors::kGeoUnsupportedUnit);
  return std::nullopt;
}

void ReplyCoordinate(resp::ReplyBuilder& reply, double value) {
  std::string text = FormatLongDoubleHuman(value);
  if (!reply.resp3()) {
    reply.Bulk(text);
    return;
  }
  reply.Raw(",");
  reply.Raw(text);
  reply.Raw("\r\n");
}

CommandSpec Spec(std::string_view name, int arity, uint32_t flags, int first_key, int last_key,
                 CommandHandler handler, std::string_view summary, std::string_view since,
                 std::string_view complexity) {
  std::string_view acl = (flags & kCmdWrite) ? "@write @geo @slow" : "@read @geo @slow";
  return CollectionSpec(name, arity, flags, first_key, last_key, 1, handler, acl, "geo", summary, since,
                        complexity);
}

}  // namespace geo

namespace {

// GEOADD's leading options. NX with XX is refused afterwards, with the syntax error a wrong number of
// arguments gets.
struct GeoAddOptions {
  bool nx = false;
  bool xx = false;
  bool ch = false;
  size_t first_point = 2;  // index of the first longitude
};

GeoAddOptions ParseGeoAddOptions(ArgList args) {
  GeoAddOptions o;
  for (; o.first_point < args.size(); ++o.first_point) {
    std::string_view opt = args[o.first_point];
    if (EqualsIgnoreCase(opt, "NX")) {
      o.nx = true;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      o.xx = true;
    } else if (EqualsIgnoreCase(opt, "CH")) {
      o.ch = true;
    } else {
      break;
    }
  }
  return o;
}

// Redis runs GEOADD as the ZADD it rewrites itself into ("zadd key [options] score member ..."), so
// replicas and the AOF receive that ZADD.
void PropagateAsZAdd(CommandContext& ctx, ArgList args, const GeoAddOptions& o,
                     const std::vector<uint64_t>& scores) {
  std::vector<std::string> score_texts;
  score_texts.reserve(scores.size());
  for (uint64_t score : scores) score_texts.push_back(std::to_string(score));
  std::vector<std::string_view> argv;
  argv.reserve(o.first_point + scores.size() * 2);
  argv.push_back("zadd");
  for (size_t i = 1; i < o.first_point; ++i) argv.push_back(args[i]);
  for (size_t i = 0; i < scores.size(); ++i) {
    argv.push_back(score_texts[i]);
    argv.push_back(args[o.first_point + 3 * i + 2]);
  }
  ctx.Propagate(argv);
}

void GeoAdd(CommandContext& ctx, ArgList args) {
  GeoAddOptions o = ParseGeoAddOptions(args);
  size_t values = args.size() - o.first_point;
  if (values % 3 != 0 || (o.xx && o.nx) || values == 0) {
    ctx.SyntaxError();
    return;
  }
  std::vector<uint64_t> scores;  // every point is checked before the set is looked up
  for (size_t i = o.first_point; i < args.size(); i += 3) {
    std::optional<geo::LonLat> point = geo::ParseLonLat(ctx, args[i], args[i + 1]);
    if (!point) return;
    scores.push_back(geo::ScoreOf(point->lon, point->lat));
  }
  std::string_view key = args[1];
  bool wrong_type = false;
  ZSetValue* zset = zset::Find(ctx, key, kLookupForWrite, &wrong_type);
  if (wrong_type) return;
  if (zset == nullptr) {
    if (o.xx) {
      ctx.reply().Integer(0);
      return;
    }
    std::unique_ptr<ZSetValue> created =
        ZSetValue::ForFirstMember(args[o.first_point + 2].size(), zset::Limits(ctx));
    zset = &ctx.db().Add(key, Object::FromCollection(ObjectType::kZSet, std::move(created)))->as<ZSetValue>();
  }
  uint32_t flags = 0;
  if (o.nx) flags |= ZSetValue::kAddNx;
  if (o.xx) flags |= ZSetValue::kAddXx;
  ZSetLimits limits = zset::Limits(ctx);
  int64_t added = 0, updated = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    // ZADD parses the decimal text back: the nearest double, as this conversion gives.
    double score = static_cast<double>(scores[i]);
    ZSetValue::AddResult r = zset->Add(args[o.first_point + 3 * i + 2], score, flags, limits);
    added += r.outcome == ZSetValue::AddResult::kAdded;
    updated += r.outcome == ZSetValue::AddResult::kUpdated;
  }
  if (added + updated > 0) {
    ctx.Modified(key);
    ctx.server().dirty += static_cast<uint64_t>(added + updated - 1);  // ZADD counts every change
    ctx.Notify(notify::kZset, "zadd", key);
    PropagateAsZAdd(ctx, args, o, scores);
  }
  ctx.reply().Integer(o.ch ? added + updated : added);
}

void GeoDist(CommandContext& ctx, ArgList args) {
  double to_meters = 1;
  if (args.size() == 5) {
    std::optional<double> unit = geo::ParseUnit(ctx, args[4]);
    if (!unit) return;
    to_meters = *unit;
  } else if (args.size() > 5) {
    ctx.SyntaxError();
    return;
  }
  bool wrong_type = false;
  const ZSetValue* zset = zset::Find(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  std::optional<double> score1 = zset ? zset->Score(args[2]) : std::nullopt;
  std::optional<double> score2 = score1 ? zset->Score(args[3]) : std::nullopt;
  if (!score2) {
    ctx.reply().Null();
    return;
  }
  geo::LonLat a = geo::DecodeScore(*score1);
  geo::LonLat b = geo::DecodeScore(*score2);
  geo::ReplyDistance(ctx.reply(), geo::Distance(a.lon, a.lat, b.lon, b.lat) / to_meters);
}

// GEOHASH and GEOPOS: one reply element per member asked for, from its point or (absent member or key)
// `reply_missing`.
template <class ReplyPoint, class ReplyMissing>
void ReplyPerMember(CommandContext& ctx, ArgList args, ReplyPoint reply_point, ReplyMissing reply_missing) {
  bool wrong_type = false;
  const ZSetValue* zset = zset::Find(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  ctx.reply().ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    std::optional<double> score = zset ? zset->Score(args[i]) : std::nullopt;
    if (score) {
      reply_point(geo::DecodeScore(*score));
    } else {
      reply_missing();
    }
  }
}

void GeoHash(CommandContext& ctx, ArgList args) {
  ReplyPerMember(
      ctx, args, [&ctx](geo::LonLat point) { ctx.reply().Bulk(geo::StandardGeohash(point)); },
      [&ctx] { ctx.reply().Null(); });
}

void GeoPos(CommandContext& ctx, ArgList args) {
  ReplyPerMember(
      ctx, args,
      [&ctx](geo::LonLat point) {
        ctx.reply().ArrayHeader(2);
        geo::ReplyCoordinate(ctx.reply(), point.lon);
        geo::ReplyCoordinate(ctx.reply(), point.lat);
      },
      [&ctx] { ctx.reply().NullArray(); });
}

}  // namespace

void RegisterGeoCommands(CommandTable& table) {
  using geo::Spec;
  table.Register(Spec("geoadd", -5, kCmdWrite | kCmdDenyOom, 1, 1, GeoAdd,
                      "Add one or more geospatial items in the geospatial index represented using a sorted set",
                      "3.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set."));
  table.Register(Spec("geodist", -4, kCmdReadOnly, 1, 1, GeoDist,
                      "Returns the distance between two members of a geospatial index", "3.2.0", "O(log(N))"));
  table.Register(Spec("geohash", -2, kCmdReadOnly, 1, 1, GeoHash,
                      "Returns members of a geospatial index as standard geohash strings", "3.2.0",
                      "O(log(N)) for each member requested, where N is the number of elements in the sorted set."));
  table.Register(Spec("geopos", -2, kCmdReadOnly, 1, 1, GeoPos,
                      "Returns longitude and latitude of members of a geospatial index", "3.2.0",
                      "O(N) where N is the number of members requested."));
  geo::RegisterSearchCommands(table);
}

}  // namespace slotd
