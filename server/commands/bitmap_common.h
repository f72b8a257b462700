// What the bitmap commands share (bitmap_commands.cc, bitfield_command.cc).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace slotd {

class CommandContext;
class CommandTable;

// A bit offset argument: non-negative and within proto-max-bulk-len bytes (the master's stream is
// obeyed whatever the limit). With field_bits > 0, "#N" means N * field_bits (BITFIELD). Replies
// Redis's error and returns nullopt otherwise.
std::optional<uint64_t> ParseBitOffset(CommandContext& ctx, std::string_view arg, int field_bits);

void RegisterBitfieldCommands(CommandTable& table);  // BITFIELD, BITFIELD_RO

}  // namespace slotd
