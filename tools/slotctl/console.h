// slotctl's output: redis-cli --cluster's message levels (info, ok, warning, error), coloured
// like redis-cli when stdout is a terminal, plain otherwise (scripts and tests read it).
#pragma once
#include <string_view>

namespace slotd::slotctl {

enum class Level { kInfo, kOk, kWarn, kErr };

// Writes `text` as is (include the newline) to stdout, wrapped in the level's colour if enabled.
void Log(Level level, std::string_view text);
// Plain text on stdout.
void Print(std::string_view text);
// Colour on/off; the default is on when stdout is a terminal and NO_COLOR is unset.
void SetColor(bool on);

}  // namespace slotd::slotctl
