#include "server/commands/command_table.h"
#include "server/commands/families.h"

namespace slotd {

void RegisterAllCommands(CommandTable& table) {
  RegisterConnectionCommands(table);
  RegisterServerCommands(table);
  RegisterConfigCommands(table);
  RegisterKeyCommands(table);
  RegisterStringCommands(table);
  RegisterListCommands(table);
  RegisterHashCommands(table);
  RegisterSetCommands(table);
  RegisterZSetCommands(table);
  RegisterGeoCommands(table);
  RegisterPubSubCommands(table);
  RegisterTransactionCommands(table);
  RegisterClusterCommands(table);
  RegisterMigrateCommand(table);
  RegisterPersistenceCommands(table);
  RegisterAofCommands(table);
  RegisterDumpCommands(table);
  RegisterReplicationCommands(table);
}

}  // namespace slotd
