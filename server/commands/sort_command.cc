// SORT and SORT_RO: the elements of a list, set or sorted set, sorted numerically or with ALPHA
// (strcoll, or byte order when storing), by themselves or by external keys (BY pattern, with
// "->field" for hashes), with LIMIT, GET patterns and STORE, as Redis 7.0's sort.c behaves.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/keyspace_families.h"
#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/zset_value.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> by;
  bool dont_sort = false;  // BY a pattern without '*'
  std::vector<std::string_view> gets;
  std::optional<std::string_view> store;
};

// Parses the options; replies the error and returns false on a bad one.
bool ParseSortOptions(CommandContext& ctx, ArgList args, bool read_only, SortOptions* o) {
  const bool cluster = ctx.server().cluster_mode();
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t left = args.size() - j - 1;
    std::string_view word = args[j];
    if (EqualsIgnoreCase(word, "asc")) {
      o->desc = false;
    } else if (EqualsIgnoreCase(word, "desc")) {
      o->desc = true;
    } else if (EqualsIgnoreCase(word, "alpha")) {
      o->alpha = true;
    } else if (EqualsIgnoreCase(word, "limit") && left >= 2) {
      std::optional<int64_t> start = ParseInt64(args[j + 1]);
      std::optional<int64_t> count = start ? ParseInt64(args[j + 2]) : std::nullopt;
      if (!start || !count) {
        ctx.NotInteger();
        return false;
      }
      o->limit_start = *start;
      o->limit_count = *count;
      j += 2;
    } else if (!read_only && EqualsIgnoreCase(word, "store") && left >= 1) {
      o->store = args[++j];
    } else if (EqualsIgnoreCase(word, "by") && left >= 1) {
      o->by = args[++j];
      if (o->by->find('*') == std::string_view::npos) {
        o->dont_sort = true;
      } else if (cluster) {
        ctx.reply().Error("-ERR BY option of SORT denied in Cluster mode.");
        return false;
      }
    } else if (EqualsIgnoreCase(word, "get") && left >= 1) {
      if (cluster) {
        ctx.reply().Error("-ERR GET option of SORT denied in Cluster mode.");
        return false;
      }
      o->gets.push_back(args[++j]);
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  return true;
}

// lookupKeyByPattern: "#" is the element itself; otherwise the first '*' of the pattern becomes the
// element, and "->field" after it reads a hash field instead of a string key.
std::optional<std::string> LookupByPattern(CommandContext& ctx, std::string_view pattern,
                                           std::string_view element) {
  if (pattern == "#") return std::string(element);
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  std::string_view field;
  std::string_view suffix = pattern.substr(star + 1);
  const size_t arrow = suffix.find("->");
  if (arrow != std::string_view::npos && arrow + 2 < suffix.size()) {
    field = suffix.substr(arrow + 2);
    suffix = suffix.substr(0, arrow);
  }
  std::string key(pattern.substr(0, star));
  key.append(element).append(suffix);
  const Object* value = ctx.db().Find(key);
  if (value == nullptr) return std::nullopt;
  if (!field.empty()) {
    if (value->type() != ObjectType::kHash) return std::nullopt;
    std::optional<std::string_view> v = value->as<HashValue>().Get(field);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  }
  if (!value->is_string()) return std::nullopt;
  return std::string(value->str());
}

struct SortItem {
  std::string element;
  double score = 0;
  std::optional<std::string> by;  // ALPHA with BY: the external value (absent sorts first)
};

// The elements to sort. For a list or sorted set that is not sorted (BY without '*'), only the
// LIMIT window is taken, in the requested direction; `*window_taken` says so.
std::vector<SortItem> LoadElements(const Object& value, const SortOptions& o, size_t start,
                                   size_t count, bool* window_taken) {
  std::vector<SortItem> items;
  *window_taken = false;
  auto add = [&items](std::string_view s) { items.push_back({std::string(s), 0, std::nullopt}); };
  switch (value.type()) {
    case ObjectType::kList: {
      const ListValue& list = value.as<ListValue>();
      if (o.dont_sort) {
        *window_taken = true;
        for (size_t i = 0; i < count; ++i) {
          add(list.At(o.desc ? list.Length() - 1 - start - i : start + i));
        }
      } else {
        list.ForEach(add);
      }
      break;
    }
    case ObjectType::kSet: {
      value.as<SetValue>().ForEach([&](const SetMember& m) {
        char buf[24];
        add(m.Text(buf));
      });
      break;
    }
    case ObjectType::kZSet: {
      const ZSetValue& zset = value.as<ZSetValue>();
      if (o.dont_sort) {
        *window_taken = true;
        const size_t n = zset.Length();
        for (size_t i = 0; i < count; ++i) {
          add(zset.At(o.desc ? n - 1 - start - i : start + i).member());
        }
      } else {
        for (ZSetValue::Cursor c = zset.First(); c.valid(); c.Next()) add(c.member());
      }
      break;
    }
    default:
      break;
  }
  return items;
}

// strtod over the whole text, as Redis converts sort weights; false for junk, overflow or NaN.
bool ParseWeight(const std::string& text, double* out) {
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end != nullptr && *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

int CompareBytes(const std::string& a, const std::string& b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

void SortGeneric(CommandContext& ctx, ArgList args, bool read_only) {
  SortOptions o;
  if (!ParseSortOptions(ctx, args, read_only, &o)) return;
  const Object* value = ctx.db().Find(args[1]);
  if (value != nullptr && value->type() != ObjectType::kList &&
      value->type() != ObjectType::kSet && value->type() != ObjectType::kZSet) {
    return ctx.WrongType();
  }
  // Unsorted set output would depend on the hashing: stored results are sorted, as in Redis.
  if (o.dont_sort && value != nullptr && value->type() == ObjectType::kSet && o.store) {
    o.dont_sort = false;
    o.alpha = true;
    o.by.reset();
  }
  const int64_t length = value != nullptr ? static_cast<int64_t>(value->collection()->Length()) : 0;
  // LIMIT as Redis clamps it; [start, end] inclusive, empty when end < start.
  int64_t start = std::min(std::max<int64_t>(o.limit_start, 0), length);
  const int64_t count = std::min(std::max<int64_t>(o.limit_count, -1), length);
  int64_t end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  end = std::min(end, length - 1);

  std::vector<SortItem> items;
  bool window_taken = false;
  if (value != nullptr) {
    const size_t window = end >= start ? static_cast<size_t>(end - start + 1) : 0;
    items = LoadElements(*value, o, static_cast<size_t>(std::max<int64_t>(start, 0)), window,
                         &window_taken);
  }
  if (window_taken) {
    end -= start;
    start = 0;
  }
  bool conversion_error = false;
  if (!o.dont_sort) {
    for (SortItem& item : items) {
      std::optional<std::string> weight =
          o.by ? LookupByPattern(ctx, *o.by, item.element) : item.element;
      if (!weight) continue;
      if (o.alpha) {
        if (o.by) item.by = std::move(weight);
      } else if (!ParseWeight(*weight, &item.score)) {
        conversion_error = true;
      }
    }
    const bool bytes_order = o.store.has_value();
    auto compare = [&](const SortItem& a, const SortItem& b) {
      int c = 0;
      if (!o.alpha) {
        c = a.score > b.score ? 1 : a.score < b.score ? -1 : CompareBytes(a.element, b.element);
      } else if (o.by) {
        if (!a.by || !b.by) {
          c = a.by.has_value() == b.by.has_value() ? 0 : !a.by ? -1 : 1;
        } else {
          c = bytes_order ? CompareBytes(*a.by, *b.by) : std::strcoll(a.by->c_str(), b.by->c_str());
        }
      } else {
        c = bytes_order ? CompareBytes(a.element, b.element)
                        : std::strcoll(a.element.c_str(), b.element.c_str());
      }
      return (o.desc ? -c : c) < 0;
    };
    std::stable_sort(items.begin(), items.end(), compare);
  }
  if (conversion_error) {
    return ctx.reply().Error("-ERR One or more scores can't be converted into double");
  }
  const size_t rows = end >= start ? static_cast<size_t>(end - start + 1) : 0;
  const size_t output_len = o.gets.empty() ? rows : o.gets.size() * rows;
  if (!o.store) {
    resp::ReplyBuilder& reply = ctx.reply();
    reply.ArrayHeader(output_len);
    for (size_t i = 0; i < rows; ++i) {
      const std::string& element = items[static_cast<size_t>(start) + i].element;
      if (o.gets.empty()) reply.Bulk(element);
      for (std::string_view pattern : o.gets) {
        std::optional<std::string> v = LookupByPattern(ctx, pattern, element);
        if (v) {
          reply.Bulk(*v);
        } else {
          reply.Null();
        }
      }
    }
    return;
  }
  // STORE: the output as a list (missing GET values stored as empty strings).
  if (output_len == 0) {
    if (ctx.db().Erase(*o.store)) ctx.Modified(*o.store, notify::kGeneric, "del");
    return ctx.reply().Integer(0);
  }
  auto list = std::make_unique<ListValue>(ctx.config().list_max_listpack_size);
  for (size_t i = 0; i < rows; ++i) {
    const std::string& element = items[static_cast<size_t>(start) + i].element;
    if (o.gets.empty()) list->Push(ListValue::End::kTail, element);
    for (std::string_view pattern : o.gets) {
      list->Push(ListValue::End::kTail, LookupByPattern(ctx, pattern, element).value_or(""));
    }
  }
  ctx.db().Set(*o.store, Object::FromCollection(ObjectType::kList, std::move(list)));
  ctx.Modified(*o.store, notify::kList, "sortstore");
  if (output_len > 1) ctx.server().dirty += output_len - 1;  // Redis counts every stored element
  ctx.reply().Integer(static_cast<int64_t>(output_len));
}

void Sort(CommandContext& ctx, ArgList args) { SortGeneric(ctx, args, false); }
void SortRo(CommandContext& ctx, ArgList args) { SortGeneric(ctx, args, true); }

// SORT's keys: the sorted key and the STORE destination (the last one given), skipping the
// arguments of LIMIT, BY and GET (sortGetKeys).
bool SortKeys(ArgList args, std::vector<int>* keys) {
  keys->push_back(1);
  int store = -1;
  for (size_t j = 2; j < args.size(); ++j) {
    if (EqualsIgnoreCase(args[j], "limit")) {
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "get") || EqualsIgnoreCase(args[j], "by")) {
      j += 1;
    } else if (EqualsIgnoreCase(args[j], "store") && j + 1 < args.size()) {
      store = static_cast<int>(++j);
    }
  }
  if (store > 0) keys->push_back(store);
  return true;
}

bool SortRoKeys(ArgList, std::vector<int>* keys) {
  keys->push_back(1);
  return true;
}

constexpr std::string_view kSortComplexity =
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number "
    "of returned elements. When the elements are not sorted, complexity is O(N).";

}  // namespace

void RegisterSortCommands(CommandTable& table) {
  CommandSpec sort = CollectionSpec(
      "sort", -2, kCmdWrite | kCmdDenyOom | kCmdMovableKeys, 1, 1, 1, Sort,
      "@write @set @sortedset @list @slow @dangerous", "generic",
      "Sort the elements in a list, set or sorted set", "1.0.0", kSortComplexity);
  sort.key_finder = SortKeys;
  table.Register(std::move(sort));
  CommandSpec sort_ro = CollectionSpec(
      "sort_ro", -2, kCmdReadOnly | kCmdMovableKeys, 1, 1, 1, SortRo,
      "@read @set @sortedset @list @slow @dangerous", "generic",
      "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0",
      kSortComplexity);
  sort_ro.key_finder = SortRoKeys;
  table.Register(std::move(sort_ro));
}

}  // namespace slotd
