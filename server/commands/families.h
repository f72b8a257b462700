// Registration functions, one per command family (server/commands/<family>_commands.cc).
#pragma once

namespace slotd {

class CommandTable;

void RegisterConnectionCommands(CommandTable& table);  // PING ECHO QUIT HELLO AUTH SELECT RESET CLIENT
void RegisterServerCommands(CommandTable& table);      // INFO COMMAND DBSIZE FLUSH* TIME SHUTDOWN DEBUG ...
void RegisterConfigCommands(CommandTable& table);      // CONFIG
void RegisterKeyCommands(CommandTable& table);         // DEL EXISTS EXPIRE SCAN OBJECT RENAME ...
void RegisterStringCommands(CommandTable& table);
void RegisterListCommands(CommandTable& table);
void RegisterHashCommands(CommandTable& table);
void RegisterSetCommands(CommandTable& table);
void RegisterZSetCommands(CommandTable& table);
void RegisterGeoCommands(CommandTable& table);  // GEOADD GEODIST GEOHASH GEOPOS GEORADIUS* GEOSEARCH*
void RegisterPubSubCommands(CommandTable& table);
void RegisterTransactionCommands(CommandTable& table);  // MULTI EXEC DISCARD WATCH UNWATCH
void RegisterClusterCommands(CommandTable& table);      // CLUSTER ASKING READONLY READWRITE
void RegisterMigrateCommand(CommandTable& table);       // MIGRATE
void RegisterPersistenceCommands(CommandTable& table);  // SAVE BGSAVE LASTSAVE
void RegisterAofCommands(CommandTable& table);          // BGREWRITEAOF
void RegisterDumpCommands(CommandTable& table);         // DUMP RESTORE RESTORE-ASKING
void RegisterReplicationCommands(CommandTable& table);  // REPLICAOF SLAVEOF REPLCONF PSYNC SYNC WAIT ROLE
// Sentinel mode's whole table (instead of RegisterAllCommands): the commands redis-sentinel 7.0 serves,
// with sentinel INFO/ROLE/PUBLISH, plus SENTINEL (sentinel_mode_commands.cc, sentinel_commands.cc).
void RegisterSentinelModeCommands(CommandTable& table);

}  // namespace slotd
