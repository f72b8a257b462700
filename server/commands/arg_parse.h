// Argument parsing shared by every command family, with Redis's exact acceptance rules
// (util.c string2ll / string2ld). Pure functions; no replies are written here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slotd {

// Case-insensitive ASCII comparison, for option keywords (NX, WITHSCORES, ...).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);

// Redis's string2ll: optional '-', digits, no '+', no leading zeros (except "0"), no spaces, fits int64.
std::optional<int64_t> ParseInt64(std::string_view s);
// string2ld-like: strtold over the whole string, no leading/trailing spaces, not NaN. Accepts "inf",
// "-inf", "+inf", "1e3", "0x10" (as strtold does). Used for INCRBYFLOAT, ZADD scores, timeouts.
std::optional<long double> ParseLongDouble(std::string_view s);
// Like ParseLongDouble but as double (ZADD scores, HINCRBYFLOAT uses long double).
std::optional<double> ParseDouble(std::string_view s);

// Formats a long double the way INCRBYFLOAT/HINCRBYFLOAT reply ("%.17Lg", trailing zeros trimmed,
// no exponent for humane values), matching Redis's ld2string(LD_STR_HUMAN).
std::string FormatLongDoubleHuman(long double value);

// Blocking-command timeout in seconds (may be fractional) -> absolute deadline in ms, 0 = block forever.
// Errors: "timeout is not a float or out of range", "timeout is negative".
struct TimeoutParse {
  bool ok;
  int64_t deadline_ms;           // 0 = forever
  std::string_view error;        // set when !ok
};
TimeoutParse ParseBlockingTimeout(std::string_view s, int64_t now_ms);
// A timeout in whole milliseconds (WAIT, CLIENT PAUSE): a non-negative integer; deadline_ms is the
// value itself (not added to a clock).
TimeoutParse ParseMsTimeout(std::string_view s);

}  // namespace slotd
