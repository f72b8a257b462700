// PFADD PFCOUNT PFMERGE over HyperLogLog strings (server/commands/hyperloglog.h), with Redis
// 7.0's replies and errors: a string that is not an HLL is WRONGTYPE, a corrupt one INVALIDOBJ. Also the
// debugging commands PFDEBUG and PFSELFTEST.
#include <cstdint>
#include <random>
#include <string>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/hyperloglog.h"
#include "server/commands/keyspace_families.h"
#include "server/commands/server_family.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

constexpr std::string_view kNotHll = "-WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kCorrupt = "-INVALIDOBJ Corrupted HLL object detected";

// The HLL at `key` (nullptr when missing); false after replying WRONGTYPE.
bool LookupHll(CommandContext& ctx, std::string_view key, uint32_t flags, Object** out) {
  StringLookup found = LookupString(ctx, key, flags);
  if (found.wrong_type) return false;
  if (found.value != nullptr && hll::Validate(found.value->str()) != hll::Check::kValid) {
    ctx.reply().Error(kNotHll);
    return false;
  }
  *out = found.value;
  return true;
}

void Store(Object* existing, CommandContext& ctx, std::string_view key, const std::string& bytes) {
  if (existing != nullptr) {
    existing->SetString(bytes, StringEncoding::kRaw);
  } else {
    ctx.db().Set(key, Object::String(bytes, StringEncoding::kRaw));
  }
}

void PfAdd(CommandContext& ctx, ArgList args) {
  Object* value = nullptr;
  if (!LookupHll(ctx, args[1], kLookupForWrite, &value)) return;
  std::string hll = value != nullptr ? std::string(value->str()) : hll::Empty();
  int updated = value == nullptr ? 1 : 0;
  for (size_t j = 2; j < args.size(); ++j) {
    const int r = hll::Add(&hll, args[j], ctx.config().hll_sparse_max_bytes);
    if (r < 0) return ctx.reply().Error(kCorrupt);
    updated += r;
  }
  if (updated > 0) {
    hll::InvalidateCache(&hll);
    Store(value, ctx, args[1], hll);
    ctx.Modified(args[1], notify::kString, "pfadd");
    ctx.server().dirty += static_cast<uint64_t>(updated - 1);  // Redis counts every change
  }
  ctx.reply().Integer(updated > 0 ? 1 : 0);
}

void PfCount(CommandContext& ctx, ArgList args) {
  if (args.size() > 2) {
    // The union: register-wise maximum over the keys (missing ones are empty).
    hll::Registers max{};
    for (size_t j = 1; j < args.size(); ++j) {
      Object* value = nullptr;
      if (!LookupHll(ctx, args[j], kLookupNone, &value)) return;
      if (value != nullptr && !hll::MergeInto(value->str(), &max)) {
        return ctx.reply().Error(kCorrupt);
      }
    }
    return ctx.reply().Integer(static_cast<int64_t>(hll::CountRegisters(max)));
  }
  Object* value = nullptr;
  if (!LookupHll(ctx, args[1], kLookupNone, &value)) return;
  if (value == nullptr) return ctx.reply().Integer(0);
  uint64_t count = 0;
  if (!hll::CachedCount(value->str(), &count)) {
    bool corrupt = false;
    count = hll::Count(value->str(), &corrupt);
    if (corrupt) return ctx.reply().Error(kCorrupt);
    // Caching the estimate changes the string: a write, propagated like Redis does.
    std::string hll(value->str());
    hll::StoreCachedCount(&hll, count);
    value->SetString(hll, StringEncoding::kRaw);
    ctx.Modified(args[1]);
  }
  ctx.reply().Integer(static_cast<int64_t>(count));
}

void PfMerge(CommandContext& ctx, ArgList args) {
  hll::Registers max{};
  bool use_dense = false;
  Object* dest = nullptr;
  for (size_t j = 1; j < args.size(); ++j) {
    Object* value = nullptr;
    if (!LookupHll(ctx, args[j], kLookupNone, &value)) return;
    if (value == nullptr) continue;
    if (j == 1) dest = value;
    if (hll::IsDense(value->str())) use_dense = true;  // a dense source makes the result dense
    if (!hll::MergeInto(value->str(), &max)) return ctx.reply().Error(kCorrupt);
  }
  std::string hll = dest != nullptr ? std::string(dest->str()) : hll::Empty();
  if (use_dense && !hll::ToDense(&hll)) return ctx.reply().Error(kCorrupt);
  for (int i = 0; i < hll::kRegisters; ++i) {
    if (max[i] != 0) hll::SetRegister(&hll, i, max[i], ctx.config().hll_sparse_max_bytes);
  }
  hll::InvalidateCache(&hll);
  Store(dest, ctx, args[1], hll);
  ctx.Modified(args[1], notify::kString, "pfadd");
  ctx.reply().Ok();
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. The key is checked before the subcommand, as in Redis.
void PfDebug(CommandContext& ctx, ArgList args) {
  Object* value = nullptr;
  if (ctx.db().Find(args[2], kLookupForWrite) == nullptr) {
    return ctx.reply().Error("The specified key does not exist");
  }
  if (!LookupHll(ctx, args[2], kLookupForWrite, &value)) return;
  std::string_view sub = args[1];
  // GETREG and TODENSE turn a sparse value dense; the change propagates (PFDEBUG itself, verbatim).
  auto make_dense = [&ctx, value]() {
    std::string hll(value->str());
    if (!hll::ToDense(&hll)) return false;
    value->SetString(hll, StringEncoding::kRaw);
    ++ctx.server().dirty;
    return true;
  };
  if (EqualsIgnoreCase(sub, "getreg")) {
    if (!hll::IsDense(value->str()) && !make_dense()) return ctx.reply().Error(kCorrupt);
    hll::Registers registers{};
    hll::MergeInto(value->str(), &registers);
    ctx.reply().ArrayHeader(registers.size());
    for (uint8_t r : registers) ctx.reply().Integer(r);
  } else if (EqualsIgnoreCase(sub, "decode")) {
    if (hll::IsDense(value->str())) return ctx.reply().Error("HLL encoding is not sparse");
    ctx.reply().Bulk(hll::DescribeSparse(value->str()));
  } else if (EqualsIgnoreCase(sub, "encoding")) {
    ctx.reply().SimpleString(hll::IsDense(value->str()) ? "dense" : "sparse");
  } else if (EqualsIgnoreCase(sub, "todense")) {
    const bool convert = !hll::IsDense(value->str());
    if (convert && !make_dense()) return ctx.reply().Error(kCorrupt);
    ctx.reply().Integer(convert ? 1 : 0);
  } else {
    ctx.reply().Error("Unknown PFDEBUG subcommand '" + std::string(sub) + "'");
  }
}

// PFSELFTEST: the same value kept sparse and dense must hold the same registers and estimate, and the
// estimate must stay within the error Redis's self test allows (5 standard errors, 1.04/sqrt(16384)).
void PfSelfTest(CommandContext& ctx, ArgList) {
  std::string sparse = hll::Empty();
  std::string dense = hll::Empty();
  if (!hll::ToDense(&dense)) return ctx.reply().Error("TESTFAILED could not create a dense HLL");
  std::mt19937_64 rng(ctx.now_ms());
  const double max_error = 5 * 1.04 / 128;  // sqrt(16384) = 128
  constexpr uint64_t kSparseCompared = 5000;  // sparse edits cost O(size): compare the first ones only
  for (uint64_t n = 1; n <= 100000; ++n) {
    const std::string element = "element:" + std::to_string(rng());
    if (n <= kSparseCompared) hll::Add(&sparse, element, 1 << 30);  // stays sparse while registers fit
    hll::Add(&dense, element, 0);
    if (n % 1000 != 0 && n > 10) continue;
    bool corrupt = false;
    const uint64_t count = hll::Count(dense, &corrupt);
    if (n <= kSparseCompared && (corrupt || hll::Count(sparse, &corrupt) != count || corrupt)) {
      return ctx.reply().Error("TESTFAILED sparse and dense encodings disagree at " + std::to_string(n));
    }
    const double error = (static_cast<double>(count) - static_cast<double>(n)) / static_cast<double>(n);
    if (n >= 100 && (error > max_error || error < -max_error)) {
      return ctx.reply().Error("TESTFAILED Too big error. card:" + std::to_string(n) +
                               " abserr:" + std::to_string(error));
    }
  }
  ctx.reply().Ok();
}

}  // namespace

void RegisterHyperLogLogCommands(CommandTable& table) {
  table.Register(OneKeySpec("hyperloglog", "pfadd", -2, kCmdWrite | kCmdDenyOom | kCmdFast, PfAdd,
                            "@write @hyperloglog @fast",
                            "Adds the specified elements to the specified HyperLogLog.", "2.8.9",
                            "O(1) to add every element."));
  table.Register(CollectionSpec(
      "pfcount", -2, kCmdReadOnly, 1, -1, 1, PfCount,
      "@read @hyperloglog @slow", "hyperloglog",
      "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
      "2.8.9",
      "O(1) with a very small average constant time when called with a single key. O(N) with N "
      "being the number of keys, and much bigger constant times, when called with multiple keys."));
  table.Register(CollectionSpec("pfmerge", -2, kCmdWrite | kCmdDenyOom, 1, -1, 1, PfMerge,
                                "@write @hyperloglog @slow", "hyperloglog",
                                "Merge N different HyperLogLogs into a single one.", "2.8.9",
                                "O(N) to merge N HyperLogLogs, but with high constant times."));
  table.Register(CollectionSpec("pfdebug", 3, kCmdWrite | kCmdDenyOom | kCmdAdmin, 2, 2, 1, PfDebug,
                                "@write @hyperloglog @admin @slow @dangerous", "hyperloglog",
                                "Internal commands for debugging HyperLogLog values", "2.8.9", "N/A"));
  table.Register(MakeSpec("pfselftest", 1, kCmdAdmin, PfSelfTest, "@hyperloglog @admin @slow @dangerous",
                          "hyperloglog", "An internal command for testing HyperLogLog values", "2.8.9", "N/A"));
}

}  // namespace slotd
