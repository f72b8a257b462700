// Helpers shared by the collection command families: scan arguments, random counts, spec building.
#include "server/commands/collection_helpers.h"

#include <charconv>

#include "server/commands/arg_parse.h"
#include "server/resp/errors.h"

namespace slotd {

std::optional<uint64_t> ParseCollectionScanCursor(std::string_view s) {
  if (s.empty()) return 0;
  size_t i = 0;
  bool negative = s[0] == '-';
  if (s[0] == '+' || s[0] == '-') i = 1;
  if (i == s.size()) return std::nullopt;
  uint64_t value = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return negative ? 0 - value : value;
}

bool ParseScanOptions(CommandContext& ctx, ArgList args, size_t first, bool allow_type,
                      CollectionScanArgs* out) {
  for (size_t i = first; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) {
      ctx.SyntaxError();
      return false;
    }
    if (EqualsIgnoreCase(args[i], "COUNT")) {
      std::optional<int64_t> count = ParseInt64(args[i + 1]);
      if (!count) {
        ctx.NotInteger();
        return false;
      }
      if (*count < 1) {
        ctx.SyntaxError();
        return false;
      }
      out->count = static_cast<uint64_t>(*count);
    } else if (EqualsIgnoreCase(args[i], "MATCH")) {
      out->pattern = args[i + 1];
      out->use_pattern = out->pattern != "*";
    } else if (allow_type && EqualsIgnoreCase(args[i], "TYPE")) {
      out->type = args[i + 1];
      out->use_type = true;
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  return true;
}

void ReplyScanCursor(resp::ReplyBuilder& reply, uint64_t cursor) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), cursor);
  (void)ec;
  reply.ArrayHeader(2);
  reply.Bulk(std::string_view(buf, static_cast<size_t>(end - buf)));
}

std::optional<int64_t> ParseRandomCount(CommandContext& ctx, std::string_view arg) {
  std::optional<int64_t> count = ParseInt64(arg);
  if (!count) {
    ctx.NotInteger();
    return std::nullopt;
  }
  if (*count == INT64_MIN) {
    ctx.reply().Error(errors::kLongOutOfRange);
    return std::nullopt;
  }
  return count;
}

CommandSpec CollectionSpec(std::string_view name, int arity, uint32_t flags, int first_key,
                           int last_key, int key_step, CommandHandler handler, std::string_view acl,
                           std::string_view group, std::string_view summary, std::string_view since,
                           std::string_view complexity) {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .first_key = first_key,
          .last_key = last_key,
          .key_step = key_step,
          .handler = handler,
          .key_finder = nullptr,
          .acl_categories = acl,
          .summary = summary,
          .since = since,
          .group = group,
          .complexity = complexity,
          .subcommands = {}};
}

bool ParseMultiPopArgs(CommandContext& ctx, ArgList args, size_t numkeys_index, std::string_view first_word,
                       std::string_view second_word, MultiPopArgs* out) {
  std::optional<int64_t> numkeys = ParseInt64(args[numkeys_index]);
  if (!numkeys || *numkeys <= 0) {
    ctx.reply().Error(errors::kNumkeysNotPositive);
    return false;
  }
  // WHERE must follow the keys.
  if (static_cast<uint64_t>(*numkeys) >= args.size() - numkeys_index - 1) {
    ctx.SyntaxError();
    return false;
  }
  size_t where = numkeys_index + 1 + static_cast<size_t>(*numkeys);
  if (EqualsIgnoreCase(args[where], first_word)) {
    out->first_end = true;
  } else if (EqualsIgnoreCase(args[where], second_word)) {
    out->first_end = false;
  } else {
    ctx.SyntaxError();
    return false;
  }
  bool counted = false;
  for (size_t i = where + 1; i < args.size(); ++i) {
    if (counted || !EqualsIgnoreCase(args[i], "COUNT") || i + 1 == args.size()) {
      ctx.SyntaxError();
      return false;
    }
    std::optional<int64_t> count = ParseInt64(args[++i]);
    if (!count || *count <= 0) {
      ctx.reply().Error(errors::kCountNotPositive);
      return false;
    }
    out->count = static_cast<uint64_t>(*count);
    counted = true;
  }
  out->keys = args.subspan(numkeys_index + 1, static_cast<size_t>(*numkeys));
  return true;
}

}  // namespace slotd
