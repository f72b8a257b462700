// Shared by the GEO command files (geo_commands.cc, geo_search_commands.cc): argument parsing with
// Redis 7.0's error texts, the reply forms of coordinates and distances, and the spec builder.
#pragma once
#include <optional>
#include <string_view>

#include "server/commands/command_context.h"
#include "server/commands/command_spec.h"
#include "server/commands/geohash.h"
#include "server/resp/reply_builder.h"

namespace slotd {

class CommandTable;

namespace geo {

// extractLongLatOrReply: two doubles read as getDoubleFromObject does, inside the Mercator limits.
// Replies the error and returns nullopt otherwise.
std::optional<LonLat> ParseLonLat(CommandContext& ctx, std::string_view lon, std::string_view lat);

// extractUnitOrReply: metres per unit for M, KM, FT and MI (any case). Replies the error and returns
// nullopt for anything else.
std::optional<double> ParseUnit(CommandContext& ctx, std::string_view unit);

// A coordinate as addReplyHumanLongDouble sends it: "%.17Lf" with trailing zeros trimmed, a bulk
// string in RESP2 and a double in RESP3.
void ReplyCoordinate(resp::ReplyBuilder& reply, double value);

// A distance as addReplyDoubleDistance sends it: always a bulk string, 4 decimals.
inline void ReplyDistance(resp::ReplyBuilder& reply, double distance) { reply.Bulk(FormatDistance(distance)); }

CommandSpec Spec(std::string_view name, int arity, uint32_t flags, int first_key, int last_key,
                 CommandHandler handler, std::string_view summary, std::string_view since,
                 std::string_view complexity);

void RegisterSearchCommands(CommandTable& table);  // geo_search_commands.cc: GEORADIUS* GEOSEARCH*

}  // namespace geo
}  // namespace slotd
