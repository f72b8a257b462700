// Allocation budget of the GET/SET hot path: GET allocates nothing, SET allocates only the stored
// value (and, for a new key, its table entry). Counts calls to the global operator new, which this
// file replaces for the whole unit-test binary (counting only while a test asks for it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "server/commands/dispatcher.h"
#include "tests/unit/server/command_harness.h"

namespace {
bool g_counting = false;
size_t g_allocations = 0;
}  // namespace

void* operator new(size_t size) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace slotd::test {
namespace {

// Runs argv through the dispatcher (as the network layer does, with views into its buffer) and
// returns how many allocations the command made. The output buffer is reserved beforehand.
size_t AllocationsOf(CommandHarness& h, const std::vector<std::string_view>& argv) {
  Client& c = h.client();
  c.output.clear();
  c.output.reserve(4096);
  g_allocations = 0;
  g_counting = true;
  Dispatch(h.server(), c, argv);
  g_counting = false;
  c.output.clear();
  return g_allocations;
}

TEST(StringAllocations, GetAllocatesNothing) {
  CommandHarness h;
  std::string big(1000, 'v');
  EXPECT_EQ(h.Run({"SET", "key:small", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "key:big", big}), Simple("OK"));
  // A command's first call allocates its latency histogram (INFO latencystats): not measured.
  h.Run({"GET", "missing"});
  h.Run({"MGET", "missing"});
  EXPECT_EQ(AllocationsOf(h, {"GET", "key:small"}), 0u);
  EXPECT_EQ(AllocationsOf(h, {"GET", "key:big"}), 0u);
  EXPECT_EQ(AllocationsOf(h, {"GET", "missing"}), 0u);
  EXPECT_EQ(AllocationsOf(h, {"MGET", "key:small", "key:big", "missing"}), 0u);
}

TEST(StringAllocations, SetAllocatesOnlyTheStoredValue) {
  CommandHarness h;
  std::string big(1000, 'v');
  EXPECT_EQ(h.Run({"SET", "key:1", "v"}), Simple("OK"));
  // Overwriting: a short value lives inside the string object, a long one needs its buffer.
  EXPECT_EQ(AllocationsOf(h, {"SET", "key:1", "small"}), 0u);
  EXPECT_EQ(AllocationsOf(h, {"SET", "key:1", big}), 1u);
  // A new key also needs its table entry (key and value slot in one allocation). The key was there
  // before so that the table does not grow during the measurement.
  EXPECT_EQ(h.Run({"SET", "key:2", "x"}), Simple("OK"));
  EXPECT_EQ(h.Run({"DEL", "key:2"}), Int(1));
  EXPECT_EQ(AllocationsOf(h, {"SET", "key:2", "small"}), 1u);
  EXPECT_EQ(h.Run({"SET", "key:1", "v", "EX", "100"}), Simple("OK"));  // sizes the expiry index
  EXPECT_EQ(AllocationsOf(h, {"SET", "key:1", "v", "EX", "100"}), 0u);
  EXPECT_EQ(h.Run({"SET", "key:2", "5"}), Simple("OK"));
  h.Run({"INCR", "key:3"});  // the first INCR allocates its latency histogram
  EXPECT_EQ(AllocationsOf(h, {"INCR", "key:2"}), 0u);
  EXPECT_EQ(h.Run({"GET", "key:2"}), Bulk("6"));
}

}  // namespace
}  // namespace slotd::test
