// Option values with Redis 7.0's acceptance rules and error texts (yes/no, integers with ranges,
// memory sizes with units, enums, strings) behind ParseOption/FormatOption, which the loader and
// CONFIG GET/SET go through; plus redis.conf word splitting and quoting.
#include <strings.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "server/commands/arg_parse.h"
#include "server/resp/quoting.h"
#include "server/config/option_table.h"

namespace slotd {
namespace {

std::string RangeError(int64_t min, int64_t max) {
  return "argument must be between " + std::to_string(min) + " and " + std::to_string(max) +
         " inclusive";
}

bool ParseNumber(const OptionDef& def, std::string_view text, int64_t* out, std::string* error) {
  if (def.type == OptionType::kMemory) {
    uint64_t bytes;
    if (!ParseMemory(text, &bytes)) {
      *error = "argument must be a memory value";
      return false;
    }
    // Unsigned storage takes the whole range; signed storage wraps like Redis's long long cast.
    *out = static_cast<int64_t>(bytes);
    return true;
  }
  if (def.flags & kOptOctal) {
    char* end = nullptr;
    std::string copy(text);
    errno = 0;
    long value = std::strtol(copy.c_str(), &end, 8);
    if (copy.empty() || *end != '\0' || errno != 0) {
      *error = "argument couldn't be parsed into an integer";
      return false;
    }
    *out = value;
    return true;
  }
  std::optional<int64_t> value = ParseInt64(text);
  if (!value) {
    *error = "argument couldn't be parsed into an integer";
    return false;
  }
  *out = *value;
  return true;
}

bool SetNumber(const OptionDef& def, std::string_view text, Config* config, std::string* error) {
  int64_t value;
  if (!ParseNumber(def, text, &value, error)) return false;
  if (def.flags & kOptUnsigned) {
    config->*def.uint64_field = static_cast<uint64_t>(value);
    return true;
  }
  if (value < def.min || value > def.max) {
    *error = RangeError(def.min, def.max);
    return false;
  }
  if (def.int_field != nullptr) {
    config->*def.int_field = static_cast<int>(value);
  } else {
    config->*def.int64_field = value;
  }
  return true;
}

bool SetEnum(const OptionDef& def, std::string_view text, Config* config, std::string* error) {
  for (const EnumChoice& choice : def.choices) {
    if (!EqualsIgnoreCase(choice.name, text)) continue;
    if (def.string_field != nullptr) {
      config->*def.string_field = std::string(choice.name);
    } else {
      def.set_enum(*config, choice.value);
    }
    return true;
  }
  *error = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < def.choices.size(); ++i) {
    if (i > 0) error->append(", ");
    error->append(def.choices[i].name);
  }
  return false;
}

bool SetSingle(const OptionDef& def, std::string_view text, Config* config, std::string* error) {
  switch (def.type) {
    case OptionType::kBool: {
      bool value;
      if (!ParseYesNo(text, &value)) {
        *error = "argument must be 'yes' or 'no'";
        return false;
      }
      config->*def.bool_field = value;
      return true;
    }
    case OptionType::kInt:
    case OptionType::kMemory:
      return SetNumber(def, text, config, error);
    case OptionType::kEnum:
      return SetEnum(def, text, config, error);
    case OptionType::kString:
      if (def.validate != nullptr && !def.validate(text, error)) return false;
      config->*def.string_field = std::string(text);
      return true;
    case OptionType::kSpecial:
      break;
  }
  return false;
}

}  // namespace

bool ParseYesNo(std::string_view text, bool* value) {
  if (EqualsIgnoreCase(text, "yes")) {
    *value = true;
    return true;
  }
  if (EqualsIgnoreCase(text, "no")) {
    *value = false;
    return true;
  }
  return false;
}

bool ParseMemory(std::string_view text, uint64_t* value) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string_view unit = text.substr(digits);
  uint64_t multiplier;
  if (unit.empty() || EqualsIgnoreCase(unit, "b")) {
    multiplier = 1;
  } else if (EqualsIgnoreCase(unit, "k")) {
    multiplier = 1000;
  } else if (EqualsIgnoreCase(unit, "kb")) {
    multiplier = 1024;
  } else if (EqualsIgnoreCase(unit, "m")) {
    multiplier = 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "mb")) {
    multiplier = 1024 * 1024;
  } else if (EqualsIgnoreCase(unit, "g")) {
    multiplier = 1000ULL * 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "gb")) {
    multiplier = 1024ULL * 1024 * 1024;
  } else {
    return false;
  }
  if (digits >= 128) return false;  // Redis's digit buffer
  uint64_t number = 0;
  for (size_t i = 0; i < digits; ++i) {
    uint64_t d = static_cast<uint64_t>(text[i] - '0');
    // strtoull saturates on overflow; so do we.
    number = number > (UINT64_MAX - d) / 10 ? UINT64_MAX : number * 10 + d;
  }
  *value = number > UINT64_MAX / multiplier ? UINT64_MAX : number * multiplier;
  return true;
}

std::string FormatMemoryUnits(uint64_t value) {
  constexpr uint64_t kGb = 1024ULL * 1024 * 1024;
  constexpr uint64_t kMb = 1024ULL * 1024;
  constexpr uint64_t kKb = 1024ULL;
  if (value == 0) return "0";
  if (value % kGb == 0) return std::to_string(value / kGb) + "gb";
  if (value % kMb == 0) return std::to_string(value / kMb) + "mb";
  if (value % kKb == 0) return std::to_string(value / kKb) + "kb";
  return std::to_string(value);
}

bool ParseOption(const OptionDef& def, std::span<const std::string> args, bool append,
                 Config* config, std::string* error) {
  Config updated = *config;
  bool ok;
  if (def.type == OptionType::kSpecial) {
    ok = def.parse(args, append, &updated, error);
  } else if (args.size() != 1) {
    *error = "wrong number of arguments";
    ok = false;
  } else {
    ok = SetSingle(def, args[0], &updated, error);
  }
  if (!ok) return false;
  if (def.normalize != nullptr) def.normalize(updated);
  *config = std::move(updated);
  return true;
}

bool SetOptionFromString(const OptionDef& def, std::string_view value, Config* config,
                         std::string* error) {
  std::vector<std::string> args;
  if (def.multi_arg()) {
    // Redis splits CONFIG SET values of multi-argument options on single spaces; "" means no
    // arguments.
    size_t start = 0;
    while (!value.empty() && start <= value.size()) {
      size_t space = value.find(' ', start);
      if (space == std::string_view::npos) space = value.size();
      args.emplace_back(value.substr(start, space - start));
      start = space + 1;
    }
  } else {
    args.emplace_back(value);
  }
  return ParseOption(def, args, false, config, error);
}

std::string FormatOption(const OptionDef& def, const Config& config) {
  switch (def.type) {
    case OptionType::kBool:
      return config.*def.bool_field ? "yes" : "no";
    case OptionType::kInt:
    case OptionType::kMemory:
      if (def.flags & kOptUnsigned) return std::to_string(config.*def.uint64_field);
      if (def.int_field != nullptr) {
        if (def.flags & kOptOctal) {
          char octal[16];
          std::snprintf(octal, sizeof(octal), "%o", static_cast<unsigned>(config.*def.int_field));
          return octal;
        }
        return std::to_string(config.*def.int_field);
      }
      return std::to_string(config.*def.int64_field);
    case OptionType::kEnum: {
      if (def.string_field != nullptr) return config.*def.string_field;
      int value = def.get_enum(config);
      for (const EnumChoice& choice : def.choices) {
        if (choice.value == value) return std::string(choice.name);
      }
      return "";
    }
    case OptionType::kString:
      return config.*def.string_field;
    case OptionType::kSpecial:
      return def.format(config);
  }
  return "";
}

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

// One quoted or bare word starting at line[*pos]; false on unbalanced quotes. A quote may start in
// the middle of a word, as in sdssplitargs.
bool SplitWord(std::string_view line, size_t* pos, std::string* word) {
  auto at = [&](size_t k) { return k < line.size() ? line[k] : '\0'; };
  char quote = 0;  // '"' or '\'' while inside quotes
  for (size_t i = *pos;; ++i) {
    char c = at(i);
    bool end = i >= line.size();
    if (quote == 0) {
      if (end || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        *pos = i;
        return true;
      }
      if (c == '"' || c == '\'') {
        quote = c;
      } else {
        word->push_back(c);
      }
    } else if (end) {
      return false;
    } else if (c == quote) {
      if (i + 1 < line.size() && !IsSpace(line[i + 1]))
        return false;  // the closing quote ends the word
      *pos = i + 1;
      return true;
    } else if (quote == '"' && c == '\\' && at(i + 1) == 'x' && resp::HexDigitValue(at(i + 2)) >= 0 &&
               resp::HexDigitValue(at(i + 3)) >= 0) {
      word->push_back(static_cast<char>(resp::HexDigitValue(at(i + 2)) * 16 + resp::HexDigitValue(at(i + 3))));
      i += 3;
    } else if (quote == '"' && c == '\\' && i + 1 < line.size()) {
      word->push_back(resp::UnescapeChar(line[++i]));
    } else if (quote == '\'' && c == '\\' && at(i + 1) == '\'') {
      word->push_back(line[++i]);
    } else {
      word->push_back(c);
    }
  }
}

}  // namespace

bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  size_t pos = 0;
  while (true) {
    while (pos < line.size() && IsSpace(line[pos])) ++pos;
    if (pos >= line.size()) return true;
    std::string word;
    if (!SplitWord(line, &pos, &word)) {
      out->clear();
      return false;
    }
    out->push_back(std::move(word));
  }
}

std::string QuoteString(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f) {
          out.push_back(c);
        } else {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02x", static_cast<unsigned char>(c));
          out += hex;
        }
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace slotd
