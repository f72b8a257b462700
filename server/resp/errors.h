// Every client-visible error text, once, exactly as Redis 7.0 sends it. Pass these to
// ReplyBuilder::Error(); texts that start with '-' carry their own error code, the others get "-ERR ".
// Functions build the texts that embed a name or a number.
#pragma once
#include <string>
#include <string_view>

namespace slotd::errors {

// Generic.
inline constexpr std::string_view kSyntax = "syntax error";
inline constexpr std::string_view kWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "value is not a valid float";
inline constexpr std::string_view kOverflow = "increment or decrement would overflow";
inline constexpr std::string_view kNoSuchKey = "no such key";
inline constexpr std::string_view kIndexOutOfRange = "index out of range";
inline constexpr std::string_view kOutOfRange = "value is out of range";
inline constexpr std::string_view kMustBePositive = "value is out of range, must be positive";
inline constexpr std::string_view kInvalidExpireTime = "invalid expire time in '%s' command";  // use InvalidExpireTime()
inline constexpr std::string_view kBusyKey = "-BUSYKEY Target key name already exists.";
// DUMP / RESTORE (dump_commands.cc).
inline constexpr std::string_view kDumpPayloadInvalid = "DUMP payload version or checksum are wrong";
inline constexpr std::string_view kBadDataFormat = "Bad data format";
inline constexpr std::string_view kInvalidTtl = "Invalid TTL value, must be >= 0";
inline constexpr std::string_view kInvalidIdletime = "Invalid IDLETIME value, must be >= 0";
inline constexpr std::string_view kInvalidFreq = "Invalid FREQ value, must be >= 0 and <= 255";
inline constexpr std::string_view kTimeoutNotFloat = "timeout is not a float or out of range";
inline constexpr std::string_view kTimeoutNegative = "timeout is negative";
inline constexpr std::string_view kTimeoutNotInteger = "timeout is not an integer or out of range";
inline constexpr std::string_view kPauseMode = "CLIENT PAUSE mode must be WRITE or ALL";
// FAILOVER (replication_commands.cc, replication/failover.cc).
inline constexpr std::string_view kFailoverInCluster = "FAILOVER not allowed in cluster mode.";
inline constexpr std::string_view kNoFailover = "No failover in progress.";
inline constexpr std::string_view kFailoverTimeout = "FAILOVER timeout must be greater than 0";
inline constexpr std::string_view kFailoverRunning = "FAILOVER already in progress.";
inline constexpr std::string_view kFailoverOnReplica = "FAILOVER is not valid when server is a replica.";
inline constexpr std::string_view kFailoverNoReplicas = "FAILOVER requires connected replicas.";
inline constexpr std::string_view kFailoverForce =
    "FAILOVER with force option requires both a timeout and target HOST and IP.";
inline constexpr std::string_view kFailoverNotReplica = "FAILOVER target HOST and PORT is not a replica.";
inline constexpr std::string_view kFailoverNotOnline = "FAILOVER target replica is not online.";
inline constexpr std::string_view kReplicaOfWhileFailover = "REPLICAOF not allowed while failing over.";
inline constexpr std::string_view kSyncWhileFailover = "-NOMASTERLINK Can't SYNC while failing over";
inline constexpr std::string_view kNanOrInfinity = "increment would produce NaN or Infinity";
inline constexpr std::string_view kStringTooLong = "string exceeds maximum allowed size (proto-max-bulk-len)";

// Strings and generic keys (string_commands.cc, key_commands.cc and their siblings).
inline constexpr std::string_view kOffsetOutOfRange = "offset is out of range";
inline constexpr std::string_view kDecrementOverflow = "decrement would overflow";
inline constexpr std::string_view kSameObject = "source and destination objects are the same";
inline constexpr std::string_view kCopyDbInCluster = "Copying to another database is not allowed in cluster mode";
inline constexpr std::string_view kMoveInCluster = "MOVE is not allowed in cluster mode";
inline constexpr std::string_view kSwapDbInCluster = "SWAPDB is not allowed in cluster mode";
inline constexpr std::string_view kInvalidFirstDbIndex = "invalid first DB index";
inline constexpr std::string_view kInvalidSecondDbIndex = "invalid second DB index";
inline constexpr std::string_view kInvalidCursor = "invalid cursor";
inline constexpr std::string_view kUnsupportedOptionPrefix = "Unsupported option ";  // + the option
inline constexpr std::string_view kExpireNxConflict =
    "NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtLtConflict = "GT and LT options at the same time are not compatible";
inline constexpr std::string_view kLfuNotSelected =
    "An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching "
    "between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLfuSelected =
    "An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between "
    "policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLcsNotStrings = "The specified keys must contain string values";
inline constexpr std::string_view kLcsIdxAndLen = "If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsTooLong = "String too long for LCS";
inline constexpr std::string_view kLcsTooMuchMemory =
    "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

// Lists (list_commands.cc, blocking_list_commands.cc). The numkeys/count texts are shared by LMPOP, ZMPOP and
// SINTERCARD in Redis 7.0.
inline constexpr std::string_view kLposRankZero =
    "RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to "
    "start from the end of the list";
inline constexpr std::string_view kLposCountNegative = "COUNT can't be negative";
inline constexpr std::string_view kLposMaxlenNegative = "MAXLEN can't be negative";
inline constexpr std::string_view kNumkeysNotPositive = "numkeys should be greater than 0";
inline constexpr std::string_view kCountNotPositive = "count should be greater than 0";

// Hashes and sets (hash_commands.cc, set_commands.cc).
inline constexpr std::string_view kHashValueNotInteger = "hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "hash value is not a float";
inline constexpr std::string_view kValueNanOrInfinity = "value is NaN or Infinity";
inline constexpr std::string_view kLongOutOfRange =
    "value is out of range, value must between -9223372036854775807 and 9223372036854775807";
inline constexpr std::string_view kNumkeysExceedArgs = "Number of keys can't be greater than number of args";
inline constexpr std::string_view kLimitNegative = "LIMIT can't be negative";

// Sorted sets (zset_*_commands.cc).
inline constexpr std::string_view kZAddXxNx = "XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZAddGtLtNx = "GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZAddIncrPair = "INCR option supports a single increment-element pair";
inline constexpr std::string_view kZScoreNaN = "resulting score is not a number (NaN)";
inline constexpr std::string_view kZMinMaxNotFloat = "min or max is not a float";
inline constexpr std::string_view kZMinMaxNotLex = "min or max not valid string range item";
inline constexpr std::string_view kZLimitNeedsBy =
    "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kZWithScoresByLex =
    "syntax error, WITHSCORES not supported in combination with BYLEX";
inline constexpr std::string_view kZWeightNotFloat = "weight value is not a float";
// "at least 1 input key is needed for 'zunion' command"
inline std::string ZNeedsInputKey(std::string_view command) {
  return "at least 1 input key is needed for '" + std::string(command) + "' command";
}

// GEO (geo_commands.cc, geo_search_commands.cc).
inline constexpr std::string_view kGeoUnsupportedUnit = "unsupported unit provided. please use M, KM, FT, MI";
inline constexpr std::string_view kGeoNeedNumericRadius = "need numeric radius";
inline constexpr std::string_view kGeoRadiusNegative = "radius cannot be negative";
inline constexpr std::string_view kGeoNeedNumericWidth = "need numeric width";
inline constexpr std::string_view kGeoNeedNumericHeight = "need numeric height";
inline constexpr std::string_view kGeoBoxNegative = "height or width cannot be negative";
inline constexpr std::string_view kGeoMemberNotDecodable = "could not decode requested zset member";
inline constexpr std::string_view kGeoCountNotPositive = "COUNT must be > 0";
inline constexpr std::string_view kGeoAnyNeedsCount = "the ANY argument requires COUNT argument";
inline constexpr std::string_view kGeoRadiusStoreWithOptions =
    "STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
inline constexpr std::string_view kGeoSearchStoreWithOptions =
    "GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
// "invalid longitude,latitude pair 200.000000,10.000000" (printf "%f,%f")
std::string GeoInvalidLonLat(double lon, double lat);
// The command name as the client spelled it: "... can be specified for GEOSEARCH"
inline std::string GeoNeedsOneFrom(std::string_view command) {
  return "exactly one of FROMMEMBER or FROMLONLAT can be specified for " + std::string(command);
}
inline std::string GeoNeedsOneBy(std::string_view command) {
  return "exactly one of BYRADIUS and BYBOX can be specified for " + std::string(command);
}

// Connection, auth, state.
inline constexpr std::string_view kNoAuth = "-NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass = "-WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNotConfigured =
    "AUTH <password> called without any password configured for the default user. Are you sure your "
    "configuration is correct?";
inline constexpr std::string_view kNoProto = "-NOPROTO unsupported protocol version";
inline constexpr std::string_view kLoading = "-LOADING Redis is loading the dataset in memory";
inline constexpr std::string_view kReadOnlyReplica = "-READONLY You can't write against a read only replica.";
inline constexpr std::string_view kMasterDown =
    "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
inline constexpr std::string_view kNoReplicas = "-NOREPLICAS Not enough good replicas to write.";
inline constexpr std::string_view kOom = "-OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kDbIndexOutOfRange = "DB index is out of range";
inline constexpr std::string_view kInvalidDbIndex = "value is not an integer or out of range";
inline constexpr std::string_view kSelectNotAllowedInCluster = "SELECT is not allowed in cluster mode";
inline constexpr std::string_view kMaxClients = "max number of clients reached";

// Sent to a non-loopback client when protected-mode is on and no password is set (then closed).
inline constexpr std::string_view kProtectedModeDenied =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for "
    "the default user. In this mode connections are only accepted from the loopback interface. If you want to "
    "connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable "
    "protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting "
    "to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just "
    "disable the protected mode by editing the Redis configuration file, and setting the protected mode option to "
    "'no', and then restarting the server. 3) If you started the server manually just for testing, restart it "
    "with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You "
    "only need to do one of the above things in order for the server to start accepting connections from the "
    "outside.";

// Transactions.
inline constexpr std::string_view kMultiNested = "MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "DISCARD without MULTI";
inline constexpr std::string_view kWatchInMulti = "WATCH inside MULTI is not allowed";
inline constexpr std::string_view kExecAbort = "-EXECABORT Transaction discarded because of previous errors.";

// Pub/Sub.
inline constexpr std::string_view kPubSubContextPrefix = "Can't execute '";  // use PubSubContext()

// Protocol (always followed by closing the connection).
inline constexpr std::string_view kProtoInvalidMultibulkLength = "Protocol error: invalid multibulk length";
inline constexpr std::string_view kProtoInvalidBulkLength = "Protocol error: invalid bulk length";
inline constexpr std::string_view kProtoUnbalancedQuotes = "Protocol error: unbalanced quotes in request";
inline constexpr std::string_view kProtoTooBigInline = "Protocol error: too big inline request";
inline constexpr std::string_view kProtoTooBigMbulkCount = "Protocol error: too big mbulk count string";
inline constexpr std::string_view kProtoTooBigBulkCount = "Protocol error: too big bulk count string";
inline constexpr std::string_view kProtoUnauthMultibulk = "Protocol error: unauthenticated multibulk length";
inline constexpr std::string_view kProtoUnauthBulk = "Protocol error: unauthenticated bulk length";

// "unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs);
// "unknown subcommand 'foo'. Try CONFIG HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view command);
// "wrong number of arguments for 'get' command" (name as the table spells it, e.g. "config|get")
std::string WrongArity(std::string_view command_name);
// "invalid expire time in 'set' command"
std::string InvalidExpireTime(std::string_view command_name);
// "Protocol error: expected '$', got 'x'"
std::string ProtoExpectedDollar(char got);
// "Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
std::string PubSubContext(std::string_view command_name);
// "Command not allowed inside a transaction" family etc. are plain constants above.

// Connection and server commands (connection_commands.cc, client_command.cc, server_commands.cc,
// command_command.cc, debug_command.cc, slowlog.cc).
// getIntFromObjectOrReply's text for an integer outside the int range (SELECT).
inline constexpr std::string_view kIntOutOfRange =
    "value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kHelloProtoNotInteger = "Protocol version is not an integer or out of range";
inline constexpr std::string_view kHelloNoAuth =
    "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> "
    "<pass> option can be used to authenticate the client and select the RESP protocol version at the same "
    "time";
inline constexpr std::string_view kBadClientName =
    "Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kResetNotNormal = "can only reset normal client connections";
inline constexpr std::string_view kInvalidClientId = "Invalid client ID";
inline constexpr std::string_view kClientIdNotPositive = "client-id should be greater than 0";
inline constexpr std::string_view kNoSuchClient = "No such client";
inline constexpr std::string_view kUnblockReason = "CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
inline constexpr std::string_view kUnblockedByClient = "-UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr std::string_view kGetKeysInvalidCommand = "Invalid command specified";
inline constexpr std::string_view kGetKeysNoKeys = "The command has no key arguments";
inline constexpr std::string_view kGetKeysBadArity = "Invalid number of arguments specified for command";
inline constexpr std::string_view kGetKeysBadArgs = "Invalid arguments specified for command";
inline constexpr std::string_view kNoShutdownInProgress = "No shutdown in progress.";
inline constexpr std::string_view kDebugNotAllowed =
    "DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a "
    "local connection, otherwise you need to set this option in the configuration file, and then restart the "
    "server.";
inline constexpr std::string_view kSlowlogCount = "count should be greater than or equal to -1";
inline constexpr std::string_view kMonitorDenyBlocking = "MONITOR isn't allowed for DENY BLOCKING client";

// Persistence (commands/persistence_commands.cc, persistence/snapshots.cc).
inline constexpr std::string_view kBgsaveInProgress = "Background save already in progress";
inline constexpr std::string_view kBgsaveOtherChild =
    "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to "
    "schedule a BGSAVE whenever possible.";
inline constexpr std::string_view kAofRewriteInProgress = "Background append only file rewriting already in progress";
inline constexpr std::string_view kAofRewriteFailed =
    "Can't execute an AOF background rewriting. Please check the server logs for more information.";
inline constexpr std::string_view kAofTurnOnFailed = "Unable to turn on AOF. Check server logs.";
inline constexpr std::string_view kBareErr = "-ERR";  // Redis's shared.err: a failed SAVE/BGSAVE
inline constexpr std::string_view kShutdownFailed = "Errors trying to SHUTDOWN. Check logs.";
inline constexpr std::string_view kDebugReloadFailed = "Error trying to load the RDB dump";
inline constexpr std::string_view kDebugLoadAofFailed = "Error trying to load the AOF files, check server logs.";
inline constexpr std::string_view kDebugReloadOptions = "DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.";
inline constexpr std::string_view kMisconfRdb =
    "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
    "Commands that may modify the data set are disabled, because this instance is configured to report "
    "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the "
    "Redis logs for details about the RDB error.";

// Cluster routing and key-slot commands (cluster_host/routing_glue.cc, commands/cluster_commands.cc).
inline constexpr std::string_view kClusterTryAgain = "-TRYAGAIN Multiple keys request during rehashing of slot";
inline constexpr std::string_view kClusterCrossSlot = "-CROSSSLOT Keys in request don't hash to the same slot";
inline constexpr std::string_view kClusterDown = "-CLUSTERDOWN The cluster is down";
inline constexpr std::string_view kClusterDownReadOnly =
    "-CLUSTERDOWN The cluster is down and only accepts read commands";
inline constexpr std::string_view kClusterDownUnbound = "-CLUSTERDOWN Hash slot not served";
inline constexpr std::string_view kClusterDisabled = "This instance has cluster support disabled";
inline constexpr std::string_view kInvalidSlot = "Invalid slot";
inline constexpr std::string_view kInvalidSlotOrKeyCount = "Invalid slot or number of keys";

// MIGRATE (commands/migrate_command.cc).
inline constexpr std::string_view kMigrateKeysNeedsEmptyKey =
    "When using MIGRATE KEYS option, the key argument must be set to the empty string";
inline constexpr std::string_view kMigrateConnectError = "-IOERR error or timeout connecting to the client";
inline constexpr std::string_view kMigrateWriteError = "-IOERR error or timeout writing to target instance";
inline constexpr std::string_view kMigrateReadError = "-IOERR error or timeout reading to target instance";
inline constexpr std::string_view kMigrateTargetErrorPrefix = "Target instance replied with error: ";

// Sentinel mode (commands/sentinel_commands.cc, commands/sentinel_mode_commands.cc). The SentinelNode's
// own errors (MONITOR, SET, CONFIG SET, FAILOVER, CKQUORUM) come from cluster/sentinel/admin.cc.
inline constexpr std::string_view kSentinelNoSuchMaster = "No such master with that name";
inline constexpr std::string_view kSentinelSaveFailed = "Failed to save config file. Check server logs.";
inline constexpr std::string_view kSentinelOnlyHello = "Only HELLO messages are accepted by Sentinel instances.";
inline constexpr std::string_view kSentinelUnknownSimFailure = "Unknown failure simulation specified";
inline constexpr std::string_view kSentinelConfigUsage =
    "Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.";

// "Syntax error in HELLO option 'foo'"
std::string HelloSyntaxError(std::string_view option);
// "Unknown client type 'foo'"
std::string UnknownClientType(std::string_view type);
// "No such user 'foo'"
std::string NoSuchUser(std::string_view user);
// "Unrecognized option 'foo'" (CLIENT SETINFO)
std::string UnrecognizedOption(std::string_view option);
// "lib-name cannot contain spaces, newlines or special characters." (CLIENT SETINFO)
std::string BadClientInfoValue(std::string_view attribute);
// "unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP."
std::string UnknownSubcommandOrArity(std::string_view sub, std::string_view command);
// "No samples available for event 'command'"
std::string NoLatencySamples(std::string_view event);
// "Unknown option or number of arguments for SENTINEL DEBUG 'foo'"
std::string SentinelDebugUnknownOption(std::string_view option);
// "Invalid argument 'abc' for SENTINEL DEBUG 'info-period'"
std::string SentinelDebugBadArgument(std::string_view value, std::string_view option);

}  // namespace slotd::errors
