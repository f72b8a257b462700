#include "server/app/client.h"

namespace slotd {

Client::Client(uint64_t id, Connection* connection) : id_(id), connection_(connection) {}

}  // namespace slotd
