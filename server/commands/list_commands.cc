// List commands on one key: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT
// LREM LTRIM LPOS, the helpers the list family shares, and RegisterListCommands (moves and blocking
// pops live in blocking_list_commands.cc).
#include <algorithm>
#include <cstdint>
#include <memory>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/list_family.h"
#include "server/resp/errors.h"

namespace slotd {

using End = ListValue::End;

ListValue& CreateList(CommandContext& ctx, std::string_view key) {
  auto list = std::make_unique<ListValue>(ctx.config().list_max_listpack_size);
  ListValue& ref = *list;
  ctx.db().Set(key, Object::FromCollection(ObjectType::kList, std::move(list)));
  return ref;
}

void ListChanged(CommandContext& ctx, std::string_view key, const ListValue& list,
                 uint64_t changes, std::string_view event) {
  ctx.Modified(key);
  // Modified() counted one change; Redis counts every element pushed, popped or removed.
  if (changes > 1) ctx.server().dirty += changes - 1;
  ctx.Notify(notify::kList, event, key);
  if (list.Length() == 0) {
    ctx.db().Erase(key);
    ctx.Notify(notify::kGeneric, "del", key);
  }
}

void PopRangeReply(CommandContext& ctx, std::string_view key, ListValue& list, End end,
                   uint64_t count) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(count, list.Length()));
  ctx.reply().ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    ctx.reply().Bulk(list.Peek(end));
    list.Pop(end);
  }
  ListChanged(ctx, key, list, n, PopEvent(end));
}

bool ParseListEnd(std::string_view word, End* end) {
  if (EqualsIgnoreCase(word, "LEFT")) {
    *end = End::kHead;
  } else if (EqualsIgnoreCase(word, "RIGHT")) {
    *end = End::kTail;
  } else {
    return false;
  }
  return true;
}

namespace {

// Normalizes a Redis LRANGE/LTRIM [start, stop] against `len`; false when the range is empty.
bool ClampRange(int64_t start, int64_t stop, size_t len, size_t* first, size_t* last) {
  const auto slen = static_cast<int64_t>(len);
  if (start < 0) start += slen;
  if (stop < 0) stop += slen;
  if (start < 0) start = 0;
  if (start > stop || start >= slen) return false;
  if (stop >= slen) stop = slen - 1;
  *first = static_cast<size_t>(start);
  *last = static_cast<size_t>(stop);
  return true;
}

// An index that may count from the tail (-1 = last); false when outside the list.
bool ResolveIndex(int64_t index, size_t len, size_t* out) {
  const auto slen = static_cast<int64_t>(len);
  if (index < 0) index += slen;
  if (index < 0 || index >= slen) return false;
  *out = static_cast<size_t>(index);
  return true;
}

void PushGeneric(CommandContext& ctx, ArgList args, End end, bool only_if_exists) {
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupForWrite);
  if (wrong_type) return;
  if (list == nullptr) {
    if (only_if_exists) {
      ctx.reply().Integer(0);
      return;
    }
    list = &CreateList(ctx, args[1]);
  }
  for (size_t i = 2; i < args.size(); ++i) list->Push(end, args[i]);
  ListChanged(ctx, args[1], *list, args.size() - 2, PushEvent(end));
  ctx.reply().Integer(static_cast<int64_t>(list->Length()));
}

void LPush(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, End::kHead, false); }
void RPush(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, End::kTail, false); }
void LPushX(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, End::kHead, true); }
void RPushX(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, End::kTail, true); }

// LPOP/RPOP key [count]: without count a bulk (or null bulk), with count an array (or null array).
void PopGeneric(CommandContext& ctx, ArgList args, End end) {
  if (args.size() > 3) {
    ctx.reply().Error(errors::WrongArity(ctx.spec().name));
    return;
  }
  const bool has_count = args.size() == 3;
  uint64_t count = 1;
  if (has_count) {
    auto parsed = ParseInt64(args[2]);
    if (!parsed || *parsed < 0) {
      ctx.reply().Error(errors::kMustBePositive);
      return;
    }
    count = static_cast<uint64_t>(*parsed);
  }
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupForWrite);
  if (wrong_type) return;
  if (list == nullptr) {
    has_count ? ctx.reply().NullArray() : ctx.reply().Null();
    return;
  }
  if (!has_count) {
    ctx.reply().Bulk(list->Peek(end));
    list->Pop(end);
    ListChanged(ctx, args[1], *list, 1, PopEvent(end));
  } else if (count == 0) {
    ctx.reply().EmptyArray();
  } else {
    PopRangeReply(ctx, args[1], *list, end, count);
  }
}

void LPop(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, End::kHead); }
void RPop(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, End::kTail); }

void LLen(CommandContext& ctx, ArgList args) {
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupNone);
  if (wrong_type) return;
  ctx.reply().Integer(list == nullptr ? 0 : static_cast<int64_t>(list->Length()));
}

// Parses LRANGE/LTRIM's start and stop (args[2], args[3]); replies the error and returns false when
// either is not an integer. Redis parses them before looking the key up.
bool ParseStartStop(CommandContext& ctx, ArgList args, int64_t* start, int64_t* stop) {
  auto parsed_start = ParseInt64(args[2]);
  auto parsed_stop = ParseInt64(args[3]);
  if (!parsed_start || !parsed_stop) {
    ctx.NotInteger();
    return false;
  }
  *start = *parsed_start;
  *stop = *parsed_stop;
  return true;
}

void LRange(CommandContext& ctx, ArgList args) {
  int64_t start, stop;
  if (!ParseStartStop(ctx, args, &start, &stop)) return;
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupNone);
  if (wrong_type) return;
  size_t first, last;
  if (list == nullptr || !ClampRange(start, stop, list->Length(), &first, &last)) {
    ctx.reply().EmptyArray();
    return;
  }
  ctx.reply().ArrayHeader(last - first + 1);
  auto cursor = list->CursorAt(first);
  for (size_t i = first; i <= last; ++i, cursor.Next()) ctx.reply().Bulk(cursor.value());
}

void LIndex(CommandContext& ctx, ArgList args) {
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupNone);
  if (wrong_type) return;
  if (list == nullptr) {
    ctx.reply().Null();
    return;
  }
  auto index = ParseInt64(args[2]);
  if (!index) {
    ctx.NotInteger();
    return;
  }
  size_t at;
  if (!ResolveIndex(*index, list->Length(), &at)) {
    ctx.reply().Null();
    return;
  }
  ctx.reply().Bulk(list->At(at));
}

void LSet(CommandContext& ctx, ArgList args) {
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupForWrite);
  if (wrong_type) return;
  if (list == nullptr) {
    ctx.reply().Error(errors::kNoSuchKey);
    return;
  }
  auto index = ParseInt64(args[2]);
  if (!index) {
    ctx.NotInteger();
    return;
  }
  size_t at;
  if (!ResolveIndex(*index, list->Length(), &at)) {
    ctx.reply().Error(errors::kIndexOutOfRange);
    return;
  }
  list->Set(at, args[3]);
  ListChanged(ctx, args[1], *list, 1, "lset");
  ctx.reply().Ok();
}

void LInsert(CommandContext& ctx, ArgList args) {
  bool after;
  if (EqualsIgnoreCase(args[2], "AFTER")) {
    after = true;
  } else if (EqualsIgnoreCase(args[2], "BEFORE")) {
    after = false;
  } else {
    ctx.SyntaxError();
    return;
  }
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupForWrite);
  if (wrong_type) return;
  if (list == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (!list->InsertAtPivot(args[3], args[4], after)) {
    ctx.reply().Integer(-1);
    return;
  }
  ListChanged(ctx, args[1], *list, 1, "linsert");
  ctx.reply().Integer(static_cast<int64_t>(list->Length()));
}

void LRem(CommandContext& ctx, ArgList args) {
  auto count = ParseInt64(args[2]);
  if (!count) {
    ctx.NotInteger();
    return;
  }
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupForWrite);
  if (wrong_type) return;
  if (list == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  // Negative counts remove from the tail; INT64_MIN's magnitude is computed without overflow.
  const uint64_t limit =
      *count < 0 ? 0 - static_cast<uint64_t>(*count) : static_cast<uint64_t>(*count);
  const size_t removed = list->RemoveMatches(args[3], limit, *count < 0);
  if (removed > 0) ListChanged(ctx, args[1], *list, removed, "lrem");
  ctx.reply().Integer(static_cast<int64_t>(removed));
}

void LTrim(CommandContext& ctx, ArgList args) {
  int64_t start, stop;
  if (!ParseStartStop(ctx, args, &start, &stop)) return;
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupForWrite);
  if (wrong_type) return;
  if (list == nullptr) {
    ctx.reply().Ok();
    return;
  }
  const size_t len = list->Length();
  size_t first = 0, last = 0;
  size_t removed = len;
  if (ClampRange(start, stop, len, &first, &last)) {
    list->EraseRange(last + 1, len - last - 1);
    list->EraseRange(0, first);
    removed = len - (last - first + 1);
  } else {
    list->EraseRange(0, len);
  }
  // Redis signals the key even when nothing was trimmed.
  ListChanged(ctx, args[1], *list, removed, "ltrim");
  ctx.reply().Ok();
}

struct LposOptions {
  int64_t rank = 1;
  int64_t count = -1;  // -1: no COUNT option (reply a single index)
  int64_t maxlen = 0;  // 0: the whole list
};

// Parses LPOS's RANK / COUNT / MAXLEN options; replies the error and returns false on failure.
bool ParseLposOptions(CommandContext& ctx, ArgList args, LposOptions* opts) {
  for (size_t i = 3; i < args.size(); ++i) {
    const std::string_view opt = args[i];
    const bool has_value = i + 1 < args.size();
    if (EqualsIgnoreCase(opt, "RANK") && has_value) {
      auto rank = ParseInt64(args[++i]);
      if (!rank) {
        ctx.NotInteger();
        return false;
      }
      if (*rank == 0) {
        ctx.reply().Error(errors::kLposRankZero);
        return false;
      }
      opts->rank = *rank;
    } else if ((EqualsIgnoreCase(opt, "COUNT") || EqualsIgnoreCase(opt, "MAXLEN")) && has_value) {
      const bool is_count = EqualsIgnoreCase(opt, "COUNT");
      auto value = ParseInt64(args[++i]);
      if (!value || *value < 0) {
        ctx.reply().Error(is_count ? errors::kLposCountNegative : errors::kLposMaxlenNegative);
        return false;
      }
      (is_count ? opts->count : opts->maxlen) = *value;
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  return true;
}

void LPos(CommandContext& ctx, ArgList args) {
  LposOptions opts;
  if (!ParseLposOptions(ctx, args, &opts)) return;
  auto [list, wrong_type] = LookupList(ctx, args[1], kLookupNone);
  if (wrong_type) return;
  const bool want_array = opts.count >= 0;
  if (list == nullptr) {
    want_array ? ctx.reply().EmptyArray() : ctx.reply().Null();
    return;
  }
  const bool from_tail = opts.rank < 0;
  // Matches to skip before the first reported one. Redis treats RANK INT64_MIN like -1 (its
  // negation overflows and every match then qualifies).
  uint64_t skip = opts.rank == INT64_MIN ? 0
                  : from_tail            ? static_cast<uint64_t>(-opts.rank) - 1
                                         : static_cast<uint64_t>(opts.rank) - 1;
  const size_t len = list->Length();
  const uint64_t scan = opts.maxlen == 0 ? len : std::min<uint64_t>(len, opts.maxlen);
  resp::ReplyBuilder::Deferred header{};
  if (want_array) header = ctx.reply().BeginDeferredArray();
  uint64_t found = 0;
  const std::string_view element = args[2];
  auto cursor = list->CursorAt(from_tail ? len - 1 : 0);
  for (uint64_t i = 0; i < scan; ++i) {
    if (cursor.value() == element) {
      if (skip > 0) {
        --skip;
      } else {
        ctx.reply().Integer(static_cast<int64_t>(from_tail ? len - 1 - i : i));
        if (!want_array) return;
        if (++found == static_cast<uint64_t>(opts.count)) break;
      }
    }
    from_tail ? cursor.Prev() : cursor.Next();
  }
  if (want_array) {
    ctx.reply().EndDeferred(header, found);
  } else {
    ctx.reply().Null();
  }
}

constexpr uint32_t kWriteDenyOomFast = kCmdWrite | kCmdDenyOom | kCmdFast;
constexpr std::string_view kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple "
    "arguments.";

}  // namespace

void RegisterListCommands(CommandTable& table) {
  table.Register(ListSpec("lpush", -3, kWriteDenyOomFast, 1, 1, 1, LPush, "@write @list @fast",
                          "Prepend one or multiple elements to a list", "1.0.0", kPushComplexity));
  table.Register(ListSpec("rpush", -3, kWriteDenyOomFast, 1, 1, 1, RPush, "@write @list @fast",
                          "Append one or multiple elements to a list", "1.0.0", kPushComplexity));
  table.Register(ListSpec("lpushx", -3, kWriteDenyOomFast, 1, 1, 1, LPushX, "@write @list @fast",
                          "Prepend an element to a list, only if the list exists", "2.2.0",
                          kPushComplexity));
  table.Register(ListSpec("rpushx", -3, kWriteDenyOomFast, 1, 1, 1, RPushX, "@write @list @fast",
                          "Append an element to a list, only if the list exists", "2.2.0",
                          kPushComplexity));
  table.Register(ListSpec("lpop", -2, kCmdWrite | kCmdFast, 1, 1, 1, LPop, "@write @list @fast",
                          "Remove and get the first elements in a list", "1.0.0",
                          "O(N) where N is the number of elements returned"));
  table.Register(ListSpec("rpop", -2, kCmdWrite | kCmdFast, 1, 1, 1, RPop, "@write @list @fast",
                          "Remove and get the last elements in a list", "1.0.0",
                          "O(N) where N is the number of elements returned"));
  table.Register(ListSpec("llen", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, LLen, "@read @list @fast",
                          "Get the length of a list", "1.0.0", "O(1)"));
  table.Register(
      ListSpec("lrange", 4, kCmdReadOnly, 1, 1, 1, LRange, "@read @list @slow",
               "Get a range of elements from a list", "1.0.0",
               "O(S+N) where S is the distance of start offset from HEAD for small lists, from "
               "nearest end (HEAD or "
               "TAIL) for large lists; and N is the number of elements in the specified range."));
  table.Register(ListSpec("lindex", 3, kCmdReadOnly, 1, 1, 1, LIndex, "@read @list @slow",
                          "Get an element from a list by its index", "1.0.0",
                          "O(N) where N is the number of elements to traverse to get to the "
                          "element at index. This makes asking "
                          "for the first or the last element of the list O(1)."));
  table.Register(ListSpec("lset", 4, kCmdWrite | kCmdDenyOom, 1, 1, 1, LSet, "@write @list @slow",
                          "Set the value of an element in a list by its index", "1.0.0",
                          "O(N) where N is the length of the list. Setting either the first or the "
                          "last element of the list is "
                          "O(1)."));
  table.Register(ListSpec("linsert", 5, kCmdWrite | kCmdDenyOom, 1, 1, 1, LInsert,
                          "@write @list @slow",
                          "Insert an element before or after another element in a list", "2.2.0",
                          "O(N) where N is the number of elements to traverse before seeing the "
                          "value pivot. This means that "
                          "inserting somewhere on the left end on the list (head) can be "
                          "considered O(1) and inserting somewhere "
                          "on the right end (tail) is O(N)."));
  table.Register(ListSpec(
      "lrem", 4, kCmdWrite, 1, 1, 1, LRem, "@write @list @slow", "Remove elements from a list",
      "1.0.0",
      "O(N+M) where N is the length of the list and M is the number of elements removed."));
  table.Register(
      ListSpec("ltrim", 4, kCmdWrite, 1, 1, 1, LTrim, "@write @list @slow",
               "Trim a list to the specified range", "1.0.0",
               "O(N) where N is the number of elements to be removed by the operation."));
  table.Register(ListSpec("lpos", -3, kCmdReadOnly, 1, 1, 1, LPos, "@read @list @slow",
                          "Return the index of matching elements on a list", "6.0.6",
                          "O(N) where N is the number of elements in the list, for the average "
                          "case. When searching for elements "
                          "near the head or the tail of the list, or when the MAXLEN option is "
                          "provided, the command may run in "
                          "constant time."));
  RegisterBlockingListCommands(table);
}

}  // namespace slotd
