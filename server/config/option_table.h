// The one table of configuration options: Redis directive names and aliases, value types, ranges,
// whether CONFIG SET may change them, and how each is parsed into and rendered from a Config. The
// loader (files, arguments), CONFIG GET/SET and CONFIG REWRITE are all driven by it.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.h"

namespace slotd {

enum class OptionType : uint8_t { kBool, kInt, kMemory, kEnum, kString, kSpecial };

enum OptionFlag : uint32_t {
  kOptImmutable = 1u << 0,  // CONFIG SET: "can't set immutable config"
  kOptProtected = 1u << 1,  // CONFIG SET only with enable-protected-configs yes
  kOptMultiArg = 1u << 2,  // takes several arguments (save, bind, ...); CONFIG SET splits its value
  kOptUnsigned = 1u << 3,  // kMemory stored in a uint64_t up to 2^64-1
  kOptOctal = 1u << 4,     // kInt written and shown in octal (unixsocketperm)
  kOptAlwaysRewrite = 1u << 5,  // CONFIG REWRITE writes it even at its default (save, dir)
  kOptHidden = 1u << 6,  // CONFIG GET matches it by exact name only, not by pattern (HIDDEN_CONFIG)
};

struct EnumChoice {
  std::string_view name;
  int value;
};

// For kSpecial options. `append` is true for the second and later `save` lines of one load, which
// add points instead of replacing them. Errors are Redis's reason texts ("Invalid save
// parameters").
using OptionParser = bool (*)(std::span<const std::string> args, bool append, Config* config,
                              std::string* error);
using OptionFormatter = std::string (*)(const Config& config);
// Lines for CONFIG REWRITE of a kSpecial option in redis.conf format: each entry is the text after
// the directive name. `all` asks for the complete value even where parts equal their defaults.
using OptionLines = std::vector<std::string> (*)(const Config& config, bool all);
using StringValidator = bool (*)(std::string_view value, std::string* error);

struct OptionDef {
  std::string_view name;
  std::string_view alias;  // "" when none (slaveof, hash-max-ziplist-entries, ...)
  OptionType type = OptionType::kString;
  uint32_t flags = 0;
  int64_t min = 0;  // kInt and kMemory, inclusive
  int64_t max = 0;
  std::span<const EnumChoice> choices;  // kEnum, in the order Redis lists them in its error text

  // Storage: the member matching `type` is set (enum: string_field or get/set_enum).
  bool Config::*bool_field = nullptr;
  int Config::*int_field = nullptr;
  int64_t Config::*int64_field = nullptr;
  uint64_t Config::*uint64_field = nullptr;
  std::string Config::*string_field = nullptr;
  int (*get_enum)(const Config&) = nullptr;
  void (*set_enum)(Config&, int) = nullptr;

  OptionParser parse = nullptr;         // kSpecial
  OptionFormatter format = nullptr;     // kSpecial
  OptionLines rewrite_lines = nullptr;  // kSpecial
  StringValidator validate = nullptr;   // extra checks for kString (dbfilename is a base name, ...)
  void (*normalize)(Config&) = nullptr;  // silent clamps after a set (hz to 1..500, ...)

  bool immutable() const { return (flags & kOptImmutable) != 0; }
  bool is_protected() const { return (flags & kOptProtected) != 0; }
  bool multi_arg() const { return (flags & kOptMultiArg) != 0; }
};

class OptionTable {
 public:
  // The process-wide table, built on first use.
  static const OptionTable& Get();

  // By name or alias, case-insensitive; nullptr when unknown.
  const OptionDef* Find(std::string_view name) const;
  const std::vector<OptionDef>& all() const { return options_; }

 private:
  OptionTable();
  std::vector<OptionDef> options_;
};

// Parses `args` (a file line's arguments after the directive, or CONFIG SET's value split for
// multi-arg options) into `config`. On failure returns false with Redis's reason text and leaves
// `config` unchanged.
bool ParseOption(const OptionDef& def, std::span<const std::string> args, bool append,
                 Config* config, std::string* error);
// CONFIG SET's form: one value string (split on spaces for multi-arg options).
bool SetOptionFromString(const OptionDef& def, std::string_view value, Config* config,
                         std::string* error);
// The value as CONFIG GET shows it.
std::string FormatOption(const OptionDef& def, const Config& config);

// Value helpers shared with the loader and rewrite.
// Redis's memtoull: digits with an optional b/k/kb/m/mb/g/gb unit (case-insensitive); "" is 0.
bool ParseMemory(std::string_view text, uint64_t* value);
// The largest unit that divides the value exactly ("1gb", "64mb", "16kb", "3000000"), as CONFIG
// REWRITE writes memory values.
std::string FormatMemoryUnits(uint64_t value);
// yes/no, case-insensitive.
bool ParseYesNo(std::string_view text, bool* value);
// Redis's sdssplitargs: whitespace-separated words, "double quoted" with \n \r \t \b \a \\ \" \xHH
// escapes, 'single quoted' with \' only. False on unbalanced quotes (or a closing quote followed by
// a non-space).
bool SplitArgs(std::string_view line, std::vector<std::string>* out);
// Redis's sdscatrepr: the value in double quotes with non-printable bytes escaped.
std::string QuoteString(std::string_view value);

}  // namespace slotd
