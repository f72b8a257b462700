// TOML config files: top-level keys are Redis directive names (`port = 7001`, `save = "3600 1"`,
// `bind = ["127.0.0.1"]`, `maxmemory = "100mb"`). Loading turns values into directive arguments
// for the option table; CONFIG REWRITE replaces values in place.
#include <toml++/toml.h>

#include <algorithm>

#include "server/config/config_loader.h"
#include "server/config/config_rewrite.h"
#include "server/config/option_table.h"

namespace slotd {
namespace {

std::string TomlError(std::string_view source, int line, std::string_view key,
                      std::string_view reason) {
  std::string out = "*** FATAL CONFIG FILE ERROR *** ";
  out.append(source);
  out.append(":");
  out.append(std::to_string(line));
  if (!key.empty()) {
    out.append(": '");
    out.append(key);
    out.append("'");
  }
  out.append(": ");
  out.append(reason);
  return out;
}

// Appends the arguments one scalar stands for. Strings of multi-argument options are split like a
// redis.conf line ("3600 1 300 100"); other strings are one argument.
bool AppendScalar(const toml::node& node, bool multi_arg, std::vector<std::string>* args) {
  if (const auto* s = node.as_string()) {
    if (!multi_arg) {
      args->push_back(s->get());
      return true;
    }
    std::vector<std::string> words;
    if (!SplitArgs(s->get(), &words)) return false;
    args->insert(args->end(), words.begin(), words.end());
    return true;
  }
  if (const auto* i = node.as_integer()) {
    args->push_back(std::to_string(i->get()));
    return true;
  }
  if (const auto* b = node.as_boolean()) {
    args->push_back(b->get() ? "yes" : "no");
    return true;
  }
  return false;
}

// The directive arguments for one TOML value, or false with the reason.
bool ValueToArgs(const toml::node& node, bool multi_arg, std::vector<std::string>* args,
                 std::string* reason) {
  if (const auto* array = node.as_array()) {
    if (!multi_arg) {
      *reason = "wrong number of arguments";
      return false;
    }
    for (const toml::node& element : *array) {
      if (!AppendScalar(element, true, args)) {
        *reason = "array elements must be strings, integers or booleans";
        return false;
      }
    }
    return true;
  }
  if (!AppendScalar(node, multi_arg, args)) {
    *reason = node.is_string() ? "Unbalanced quotes in configuration line"
                               : "value must be a string, an integer, a boolean or an array";
    return false;
  }
  return true;
}

struct Entry {
  int line;
  std::string key;
  const toml::node* value;
};

}  // namespace

bool ConfigLoader::LoadToml(std::string_view text, std::string_view source, std::string* error) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    *error = TomlError(source, static_cast<int>(e.source().begin.line), "", e.description());
    return false;
  }
  // toml::table iterates by key; apply (and report errors) in file order instead.
  std::vector<Entry> entries;
  for (auto&& [key, value] : table) {
    entries.push_back({static_cast<int>(key.source().begin.line), std::string(key.str()), &value});
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.line < b.line; });

  for (const Entry& entry : entries) {
    std::string reason;
    if (entry.value->is_table()) {
      // Sentinel state lives in its own tables, read by the sentinel host from the same file.
      if (out_->sentinel && entry.key == "sentinel") continue;
      *error = TomlError(source, entry.line, entry.key, "tables are not configuration directives");
      return false;
    }
    const OptionDef* def = OptionTable::Get().Find(entry.key);
    std::vector<std::string> args = {entry.key};
    if (def == nullptr) {
      reason = "Bad directive or wrong number of arguments";
    } else if (def->name == "replicaof" && entry.value->value_or(std::string_view("x")).empty()) {
      args.insert(args.end(), {"no", "one"});  // replicaof = "" means: not a replica
      if (ApplyOption(args, entry.line, &reason)) continue;
    } else if (ValueToArgs(*entry.value, def->multi_arg(), &args, &reason)) {
      if (ApplyOption(args, entry.line, &reason)) continue;
    }
    *error = TomlError(source, entry.line, entry.key, reason);
    return false;
  }
  return true;
}

namespace {

std::string TomlString(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
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
      default:
        if (u < 0x20 || u == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", u);
          out += escaped;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string TomlArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += TomlString(items[i]);
  }
  return out + "]";
}

// The TOML value for an option; `all` asks for every part of a composite value (it is in the file).
std::string TomlValue(const OptionDef& def, const Config& config, bool all) {
  switch (def.type) {
    case OptionType::kBool:
      return config.*def.bool_field ? "true" : "false";
    case OptionType::kInt:
      return FormatOption(def, config);
    case OptionType::kMemory: {
      uint64_t bytes;
      if (def.flags & kOptUnsigned) {
        bytes = config.*def.uint64_field;
      } else if (config.*def.int64_field < 0) {
        return std::to_string(config.*def.int64_field);
      } else {
        bytes = static_cast<uint64_t>(config.*def.int64_field);
      }
      std::string text = FormatMemoryUnits(bytes);
      // "64mb" needs quotes; so does a byte count beyond TOML's int64 integers.
      bool plain = text.find_first_not_of("0123456789") == std::string::npos && bytes <= INT64_MAX;
      return plain ? text : TomlString(text);
    }
    case OptionType::kEnum:
    case OptionType::kString:
      return TomlString(FormatOption(def, config));
    case OptionType::kSpecial:
      break;
  }
  if (def.name == "bind") return TomlArray(config.bind);
  if (def.name == "client-output-buffer-limit") return TomlArray(def.rewrite_lines(config, all));
  return TomlString(FormatOption(def, config));
}

// Byte offset of a toml++ position (1-based line, 1-based column counted in code points).
size_t Offset(const std::vector<size_t>& line_starts, std::string_view text,
              toml::source_position pos) {
  size_t offset = line_starts[std::min<size_t>(pos.line, line_starts.size()) - 1];
  for (uint32_t column = 1; column < pos.column && offset < text.size(); ++offset) {
    if ((static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80) ++column;
  }
  // Skip the continuation bytes of the code point we stopped after.
  while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80)
    ++offset;
  return offset;
}

struct Replacement {
  size_t begin, end;
  std::string text;
};

}  // namespace

bool RewriteTomlText(std::string_view old_text, const Config& config, std::string* new_text,
                     std::string* error) {
  toml::table table;
  try {
    table = toml::parse(old_text, std::string_view("config"));
  } catch (const toml::parse_error& e) {
    *error = "Rewriting config file: line " + std::to_string(e.source().begin.line) + ": " +
             std::string(e.description());
    return false;
  }
  std::vector<size_t> line_starts = {0};
  for (size_t i = 0; i < old_text.size(); ++i) {
    if (old_text[i] == '\n') line_starts.push_back(i + 1);
  }
  std::vector<Replacement> replacements;
  std::vector<const OptionDef*> present;
  size_t first_table = old_text.size();  // new top-level keys must go before any [table] header
  for (auto&& [key, value] : table) {
    if (const toml::table* t = value.as_table(); t != nullptr && !t->is_inline()) {
      toml::source_position header = t->source().begin;
      first_table =
          std::min(first_table, line_starts[std::min<size_t>(header.line, line_starts.size()) - 1]);
    }
    const OptionDef* def = OptionTable::Get().Find(key.str());
    if (def == nullptr || value.is_table()) continue;  // not ours: leave it as written
    Replacement r{Offset(line_starts, old_text, key.source().begin),
                  Offset(line_starts, old_text, value.source().end), ""};
    // A second key for the same option (an alias) is dropped; the first one carries the value.
    if (std::find(present.begin(), present.end(), def) == present.end()) {
      r.text = std::string(def->name) + " = " + TomlValue(*def, config, true);
      present.push_back(def);
    }
    replacements.push_back(std::move(r));
  }
  std::string appended;
  for (const OptionDef& def : OptionTable::Get().all()) {
    bool wanted = (def.flags & kOptAlwaysRewrite) || !OptionIsDefault(def, config);
    if (!wanted || std::find(present.begin(), present.end(), &def) != present.end()) {
      continue;
    }
    appended += std::string(def.name) + " = " + TomlValue(def, config, false) + "\n";
  }
  if (!appended.empty()) {
    std::string_view before = old_text.substr(0, first_table);
    std::string block;
    if (!before.empty() && before.back() != '\n') block += '\n';
    if (old_text.find(kRewriteSignature) == std::string_view::npos) {
      // One blank line before the signature, as the redis.conf form has it.
      if (!before.empty() && !(before.size() >= 2 && before.substr(before.size() - 2) == "\n\n"))
        block += '\n';
      block += std::string(kRewriteSignature) + "\n";
    }
    block += appended;
    if (first_table < old_text.size()) block += '\n';
    replacements.push_back({first_table, first_table, block});
  }
  std::stable_sort(replacements.begin(), replacements.end(),
                   [](const Replacement& a, const Replacement& b) { return a.begin < b.begin; });
  std::string out;
  size_t copied = 0;
  for (const Replacement& r : replacements) {
    out.append(old_text.substr(copied, r.begin - copied));
    out.append(r.text);
    copied = std::max(copied, r.end);
  }
  out.append(old_text.substr(copied));
  *new_text = std::move(out);
  return true;
}

}  // namespace slotd
