#include "server/app/client.h"

#include "server/commands/command_spec.h"

namespace slotd {

Client::Client(uint64_t id, Connection* connection) : id_(id), connection_(connection) {}

std::string Client::LastCommandName() const {
  if (last_command == nullptr) return "NULL";
  std::string name;
  if (last_command_parent != nullptr && last_command_parent != last_command) {
    name.append(last_command_parent->name);
    name.push_back('|');
  }
  name.append(last_command->name);
  return name;
}

}  // namespace slotd
