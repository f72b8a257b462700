#include "server/commands/arg_parse.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "server/resp/errors.h"

namespace slotd {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return std::nullopt;
  }
  if (s[i] == '0') {
    if (s.size() == i + 1 && !negative) return 0;
    return std::nullopt;  // leading zero, or "-0"
  }
  uint64_t value = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (negative) {
    if (value > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - value);
  }
  if (value > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(value);
}

std::optional<long double> ParseLongDouble(std::string_view s) {
  if (s.empty() || s.size() > 5120) return std::nullopt;
  if (std::isspace(static_cast<unsigned char>(s.front())) || std::isspace(static_cast<unsigned char>(s.back()))) {
    return std::nullopt;
  }
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  long double value = std::strtold(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return std::nullopt;
  // Like string2ld: out-of-range literals (overflow to +-inf, underflow to 0) are not valid floats.
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return std::nullopt;
  if (std::isnan(value)) return std::nullopt;
  return value;
}

std::optional<double> ParseDouble(std::string_view s) {
  if (s.empty() || s.size() > 5120) return std::nullopt;
  if (std::isspace(static_cast<unsigned char>(s.front()))) return std::nullopt;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return std::nullopt;
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return std::nullopt;
  if (std::isnan(value)) return std::nullopt;
  return value;
}

std::string FormatLongDoubleHuman(long double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[5 * 1024];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", value);
  std::string out(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (out.find('.') != std::string::npos) {
    while (!out.empty() && out.back() == '0') out.pop_back();
    if (!out.empty() && out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

TimeoutParse ParseBlockingTimeout(std::string_view s, int64_t now_ms) {
  auto seconds = ParseLongDouble(s);
  if (!seconds) return {false, 0, errors::kTimeoutNotFloat};
  // Redis truncates seconds*1000 to a long long; values that do not fit (inf, 1e20) come out negative there.
  long double ms = *seconds * 1000.0L;
  if (ms < 0 || ms >= 9.2e18L) return {false, 0, errors::kTimeoutNegative};
  int64_t timeout_ms = static_cast<int64_t>(ms);
  if (timeout_ms == 0) return {true, 0, {}};
  return {true, now_ms + timeout_ms, {}};
}

TimeoutParse ParseMsTimeout(std::string_view s) {
  std::optional<int64_t> value = ParseInt64(s);
  if (!value) return {false, 0, errors::kTimeoutNotInteger};
  if (*value < 0) return {false, 0, errors::kTimeoutNegative};
  return {true, *value, {}};
}

}  // namespace slotd
