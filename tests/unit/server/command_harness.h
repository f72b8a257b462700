// In-process test harness: a Server with every command registered and clients with no socket.
// Run() dispatches one command and returns exactly the RESP bytes it replied with.
#pragma once
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/app/client.h"
#include "server/app/server.h"
#include "server/config/config.h"

namespace slotd::test {

class CommandHarness {
 public:
  explicit CommandHarness(Config config = Config());
  ~CommandHarness();

  Server& server() { return *server_; }
  Client& client() { return *clients_.front(); }
  Client& NewClient();

  // Dispatches `args` as the default client (or `c`) and returns the reply bytes it produced
  // (including bytes other commands delivered to it meanwhile, e.g. pub/sub messages).
  std::string Run(std::initializer_list<std::string_view> args) { return RunAs(client(), args); }
  std::string Run(const std::vector<std::string>& args) { return RunAs(client(), args); }
  std::string RunAs(Client& c, std::initializer_list<std::string_view> args);
  std::string RunAs(Client& c, const std::vector<std::string>& args);
  // Returns and clears what has been written to `c` since the last call (pushes, unblocked replies).
  std::string TakeOutput(Client& c);

  // The clock the server and databases read (ms since the epoch).
  int64_t now() const { return server_->now_ms; }
  void SetTime(int64_t now_ms);
  // Moves the clock forward and times out blocked clients whose deadline passed.
  void AdvanceTime(int64_t ms);

  // Replication/AOF stream capture: after CapturePropagation(), every propagated command is recorded;
  // TakePropagated() returns and clears them as "db:arg arg ..." lines (e.g. "0:SET k v").
  void CapturePropagation();
  std::vector<std::string> TakePropagated();

 private:
  std::vector<std::string> propagated_;
  std::unique_ptr<Server> server_;
  std::vector<std::unique_ptr<Client>> clients_;
  uint64_t next_id_ = 1;
};

// Expected-reply builders (RESP2).
std::string Simple(std::string_view s);              // "+s\r\n"
std::string Err(std::string_view s);                 // "-s\r\n" (pass the full text, e.g. "ERR syntax error")
std::string Int(int64_t v);                          // ":v\r\n"
std::string Bulk(std::string_view s);                // "$n\r\ns\r\n"
std::string NullBulk();                              // "$-1\r\n"
std::string NullArray();                             // "*-1\r\n"
std::string Arr(std::initializer_list<std::string> items);  // "*n\r\n" + items (already encoded)
std::string BulkArr(std::initializer_list<std::string_view> items);  // array of bulks

}  // namespace slotd::test
