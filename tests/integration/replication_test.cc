// Replication between real slotd processes on loopback: full sync (diskless, the 7.0 default), the
// stream (all types, expiries, other dbs), partial resync after a cut link and after a replica
// restart, promotion with a sibling continuing partially, chained replicas, WAIT and the READONLY
// refusal.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/repl_nodes.h"

namespace slotd::test {
namespace {

using Replication = ReplNodes;

TEST_F(Replication, TwoReplicasReceiveAllTypesAndExpiries) {
  Node& master = Start();
  Call(master, {"SET", "early", "before-sync"});
  Node& r1 = StartReplicaOf(master);
  Node& r2 = StartReplicaOf(master);
  ASSERT_TRUE(WaitInSync(master, r1)) << r1.process->ReadLog();
  ASSERT_TRUE(WaitInSync(master, r2)) << r2.process->ReadLog();
  const std::vector<std::vector<std::string>> writes = {{"SET", "s", "v"},
                                                        {"INCR", "n"},
                                                        {"RPUSH", "l", "a", "b", "c"},
                                                        {"HSET", "h", "f", "1"},
                                                        {"SADD", "set", "x"},
                                                        {"ZADD", "z", "1.5", "m"},
                                                        {"SET", "ttl", "1", "EX", "100"},
                                                        {"SELECT", "3"},
                                                        {"SET", "db3", "yes"},
                                                        {"SET", "gone", "x", "PX", "200"}};
  RawClient writer(master.port);
  for (const auto& w : writes) writer.Call(w);
  ASSERT_TRUE(WaitInSync(master, r1));
  ASSERT_TRUE(WaitInSync(master, r2));
  for (Node* replica : {&r1, &r2}) {
    RawClient c(replica->port);
    EXPECT_EQ(c.Call({"GET", "early"}), "$11\r\nbefore-sync\r\n");
    EXPECT_EQ(c.Call({"GET", "s"}), "$1\r\nv\r\n");
    EXPECT_EQ(c.Call({"GET", "n"}), "$1\r\n1\r\n");
    EXPECT_EQ(c.Call({"LRANGE", "l", "0", "-1"}), "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
    EXPECT_EQ(c.Call({"HGET", "h", "f"}), "$1\r\n1\r\n");
    EXPECT_EQ(c.Call({"SISMEMBER", "set", "x"}), ":1\r\n");
    EXPECT_EQ(c.Call({"ZSCORE", "z", "m"}), "$3\r\n1.5\r\n");
    std::string ttl = c.Call({"TTL", "ttl"});
    EXPECT_TRUE(ttl == ":100\r\n" || ttl == ":99\r\n") << ttl;
    EXPECT_EQ(c.Call({"SELECT", "3"}), "+OK\r\n");
    EXPECT_EQ(c.Call({"GET", "db3"}), "$3\r\nyes\r\n");
  }
  // The master's expiry reaches the replicas as a DEL.
  RawClient r1_db3(r1.port);
  r1_db3.Call({"SELECT", "3"});
  EXPECT_TRUE(WaitFor([&] { return r1_db3.Call({"EXISTS", "gone"}) == ":0\r\n"; }));
  auto info = Info(master, "replication");
  EXPECT_EQ(info["connected_slaves"], "2");
  EXPECT_EQ(info["slave0"].find("ip=127.0.0.1,port=" + std::to_string(r1.port) + ",state=online"),
            0u)
      << info["slave0"];
  EXPECT_EQ(Call(r1, {"SET", "k", "v"}),
            "-READONLY You can't write against a read only replica.\r\n");
  EXPECT_EQ(Call(r1, {"ROLE"}).substr(0, 15), "*5\r\n$5\r\nslave\r\n");
}

TEST_F(Replication, ReplicaHidesExpiredKeysUntilTheMasterDeletesThem) {
  Node& master = Start({"--enable-debug-command", "yes"});
  Node& replica = StartReplicaOf(master);
  ASSERT_EQ(Call(master, {"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), "+OK\r\n");
  Call(master, {"SET", "k", "v", "PX", "100"});
  ASSERT_TRUE(WaitInSync(master, replica));
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_EQ(Call(replica, {"GET", "k"}), "$-1\r\n");  // logically expired: hidden from reads
  EXPECT_EQ(Call(replica, {"DBSIZE"}), ":1\r\n");     // but not deleted by the replica itself
  EXPECT_EQ(Call(master, {"GET", "k"}), "$-1\r\n");   // the master expires it and sends DEL
  ASSERT_TRUE(WaitInSync(master, replica));
  EXPECT_EQ(Call(replica, {"DBSIZE"}), ":0\r\n");
}

TEST_F(Replication, CutLinkContinuesWithAPartialResync) {
  Node& master = Start();
  Node& replica = StartReplicaOf(master);
  Call(master, {"SET", "a", "1"});
  ASSERT_TRUE(WaitInSync(master, replica));
  EXPECT_EQ(Call(master, {"CLIENT", "KILL", "TYPE", "replica"}), ":1\r\n");
  Call(master, {"SET", "b", "2"});  // written while the link is down
  ASSERT_TRUE(WaitInSync(master, replica)) << replica.process->ReadLog();
  EXPECT_EQ(Call(replica, {"GET", "b"}), "$1\r\n2\r\n");
  auto stats = Info(master, "stats");
  EXPECT_EQ(stats["sync_full"], "1");
  EXPECT_EQ(stats["sync_partial_ok"], "1");
  EXPECT_NE(replica.process->ReadLog().find("Successful partial resynchronization with master."),
            std::string::npos);
}

TEST_F(Replication, RestartedReplicaContinuesFromItsSnapshot) {
  Node& master = Start();
  Node& replica = StartReplicaOf(master);
  Call(master, {"SET", "a", "1"});
  ASSERT_TRUE(WaitInSync(master, replica));
  ASSERT_EQ(Call(replica, {"SAVE"}), "+OK\r\n");
  replica.process->Stop();
  Call(master, {"SET", "b", "2"});
  Start({"--replicaof", "127.0.0.1", std::to_string(master.port)}, &replica);
  ASSERT_TRUE(WaitInSync(master, replica)) << replica.process->ReadLog();
  EXPECT_EQ(Call(replica, {"GET", "a"}), "$1\r\n1\r\n");
  EXPECT_EQ(Call(replica, {"GET", "b"}), "$1\r\n2\r\n");
  EXPECT_EQ(Info(master, "stats")["sync_partial_ok"], "1");
}

TEST_F(Replication, PromotedReplicaKeepsItsSiblingOnAPartialResync) {
  Node& master = Start();
  Node& r1 = StartReplicaOf(master);
  Node& r2 = StartReplicaOf(master);
  Call(master, {"SET", "a", "1"});
  ASSERT_TRUE(WaitInSync(master, r1));
  ASSERT_TRUE(WaitInSync(master, r2));
  std::string old_id = Info(r1, "replication")["master_replid"];
  master.process->Stop();
  ASSERT_EQ(Call(r1, {"REPLICAOF", "NO", "ONE"}), "+OK\r\n");
  auto promoted = Info(r1, "replication");
  EXPECT_EQ(promoted["role"], "master");
  EXPECT_EQ(promoted["master_replid2"], old_id);
  EXPECT_EQ(promoted["second_repl_offset"],
            std::to_string(std::stoll(promoted["master_repl_offset"]) + 1));
  EXPECT_NE(promoted["master_replid"], old_id);
  ASSERT_EQ(Call(r2, {"REPLICAOF", "127.0.0.1", std::to_string(r1.port)}), "+OK\r\n");
  Call(r1, {"SET", "b", "2"});
  ASSERT_TRUE(WaitInSync(r1, r2)) << r2.process->ReadLog();
  EXPECT_EQ(Call(r2, {"GET", "b"}), "$1\r\n2\r\n");
  EXPECT_EQ(Info(r1, "stats")["sync_partial_ok"], "1");
  EXPECT_EQ(Info(r2, "replication")["master_replid"], promoted["master_replid"]);
}

TEST_F(Replication, ChainedReplicaGetsTheSameStream) {
  Node& master = Start();
  Node& middle = StartReplicaOf(master);
  RawClient writer(master.port);
  writer.Call({"SELECT", "5"});
  writer.Call({"SET", "in5", "a"});
  ASSERT_TRUE(WaitInSync(master, middle));
  Node& leaf = StartReplicaOf(middle);
  ASSERT_TRUE(WaitInSync(middle, leaf));
  // The master's stream is still in db 5 (no new SELECT): the leaf must apply this there too.
  writer.Call({"RPUSH", "l", "x", "y"});
  ASSERT_TRUE(WaitInSync(master, middle));
  ASSERT_TRUE(WaitInSync(middle, leaf));
  RawClient reader(leaf.port);
  reader.Call({"SELECT", "5"});
  EXPECT_EQ(reader.Call({"GET", "in5"}), "$1\r\na\r\n");
  EXPECT_EQ(reader.Call({"LRANGE", "l", "0", "-1"}), "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  // Same history, same offsets all along the chain.
  EXPECT_EQ(Info(leaf, "replication")["master_replid"],
            Info(master, "replication")["master_replid"]);
  EXPECT_EQ(Info(leaf, "replication")["master_repl_offset"],
            Info(master, "replication")["master_repl_offset"]);
}

TEST_F(Replication, WaitReturnsOnceReplicasAcknowledge) {
  Node& master = Start();
  Node& r1 = StartReplicaOf(master);
  Node& r2 = StartReplicaOf(master);
  ASSERT_TRUE(WaitInSync(master, r1));
  ASSERT_TRUE(WaitInSync(master, r2));
  RawClient client(master.port);
  client.Call({"SET", "k", "v"});
  EXPECT_EQ(client.Call({"WAIT", "2", "5000"}), ":2\r\n");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.Call({"WAIT", "3", "300"}), ":2\r\n");  // only two exist: times out
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
}

TEST_F(Replication, DiskSyncSavesInTheBackgroundAndStreamsTheFile) {
  // 1000 keys at 2 ms each: the BGSAVE for the sync takes about 2 s.
  Node& master = Start({"--repl-diskless-sync", "no", "--rdb-key-save-delay", "2000"});
  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < 1000; ++i) {
    mset.push_back("key:" + std::to_string(i));
    mset.push_back(std::string(100, static_cast<char>('a' + i % 26)));
  }
  RawClient client(master.port);
  ASSERT_EQ(client.Call(mset), "+OK\r\n");
  Node& r1 = StartReplicaOf(master);
  Node& r2 = StartReplicaOf(master);  // arrives while the save runs: attaches to it
  ASSERT_TRUE(
      WaitFor([&] { return Info(master, "persistence")["rdb_bgsave_in_progress"] == "1"; }));
  // The save runs in a child: the master keeps answering meanwhile.
  for (int i = 0; i < 5; ++i) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(client.Call({"SET", "during", std::to_string(i)}), "+OK\r\n");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Info(master, "persistence")["rdb_bgsave_in_progress"], "1");
  ASSERT_TRUE(WaitInSync(master, r1, 20000)) << master.process->ReadLog();
  ASSERT_TRUE(WaitInSync(master, r2, 20000)) << master.process->ReadLog();
  for (Node* replica : {&r1, &r2}) {
    EXPECT_EQ(Call(*replica, {"DBSIZE"}), ":1001\r\n");
    EXPECT_EQ(Call(*replica, {"GET", "during"}), "$1\r\n4\r\n");
    EXPECT_EQ(Call(*replica, {"GET", "key:27"}), "$100\r\n" + std::string(100, 'b') + "\r\n");
  }
  std::string log = master.process->ReadLog();
  EXPECT_NE(log.find("Starting BGSAVE for SYNC with target: disk"), std::string::npos) << log;
  EXPECT_NE(log.find("Waiting for end of BGSAVE for SYNC"), std::string::npos) << log;
  EXPECT_EQ(Info(master, "stats")["sync_full"], "2");
  // The stream continues after the sync.
  client.Call({"SET", "after", "yes"});
  ASSERT_TRUE(WaitInSync(master, r2));
  EXPECT_EQ(Call(r2, {"GET", "after"}), "$3\r\nyes\r\n");
}

TEST_F(Replication, DisklessRelayWaitsForASlowReplicaInsteadOfOverflowingItsBuffer) {
  // A 60 MB snapshot, a 32 MB output limit for replicas, and a replica that stops reading: the
  // relay must leave the rest in the child's pipe rather than buffer it all.
  Node& master = Start({"--rdbcompression", "no", "--rdb-key-save-delay", "1000",
                        "--client-output-buffer-limit", "replica 32mb 0 0"});
  RawClient client(master.port);
  for (int batch = 0; batch < 60; ++batch) {
    std::vector<std::string> mset = {"MSET"};
    for (int i = 0; i < 10; ++i) {
      mset.push_back("big:" + std::to_string(batch * 10 + i));
      mset.push_back(std::string(100 * 1024, static_cast<char>('a' + i)));
    }
    ASSERT_EQ(client.Call(mset), "+OK\r\n");
  }
  Node& replica = StartReplicaOf(master);
  ASSERT_TRUE(WaitFor([&] {
    return Info(master, "replication")["slave0"].find("state=send_bulk") != std::string::npos;
  }));
  ASSERT_EQ(kill(replica.process->pid(), SIGSTOP), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the save would be done by now
  std::string slave0 = Info(master, "replication")["slave0"];
  ASSERT_EQ(kill(replica.process->pid(), SIGCONT), 0);
  EXPECT_NE(slave0.find("state=send_bulk"), std::string::npos) << slave0;
  ASSERT_TRUE(WaitInSync(master, replica, 20000)) << master.process->ReadLog();
  EXPECT_EQ(Call(replica, {"DBSIZE"}), ":600\r\n");
  EXPECT_EQ(Info(master, "stats")["sync_full"], "1");
}

TEST_F(Replication, MinReplicasToWriteRefusesWritesWhenReplicasAreGone) {
  Node& master = Start({"--min-replicas-to-write", "1"});
  EXPECT_EQ(Call(master, {"SET", "k", "v"}), "-NOREPLICAS Not enough good replicas to write.\r\n");
  Node& replica = StartReplicaOf(master);
  ASSERT_TRUE(WaitInSync(master, replica));
  EXPECT_TRUE(WaitFor([&] { return Call(master, {"SET", "k", "v"}) == "+OK\r\n"; }));
  EXPECT_EQ(Info(master, "replication")["min_slaves_good_slaves"], "1");
}

// CONFIG REWRITE writes the current replicaof into the file (a restart follows the same master) and
// drops the line after REPLICAOF NO ONE.
TEST_F(Replication, ConfigRewriteRecordsReplicaofAndDropsItAfterNoOne) {
  Node& master = Start();
  Node node;
  node.port = FreePort();
  node.dir = MakeTempDir();
  std::string conf = node.dir + "/slotd.conf";
  {
    std::ofstream out(conf);
    out << "port " << node.port << "\nbind 127.0.0.1\ndir " << node.dir << "\nsave \"\"\n";
  }
  auto start = [&] {
    node.process = std::make_unique<ServerProcess>(SlotdBinary(), std::vector<std::string>{conf},
                                                   node.dir + "/log");
    ASSERT_TRUE(node.process->WaitReady(node.port)) << node.process->ReadLog();
  };
  auto file = [&] {
    std::ifstream in(conf);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  start();
  std::string line = "replicaof 127.0.0.1 " + std::to_string(master.port);
  ASSERT_EQ(Call(node, {"REPLICAOF", "127.0.0.1", std::to_string(master.port)}), "+OK\r\n");
  ASSERT_EQ(Call(node, {"CONFIG", "REWRITE"}), "+OK\r\n");
  EXPECT_NE(file().find(line), std::string::npos) << file();
  node.process->Stop();
  start();
  EXPECT_EQ(Info(node, "replication")["master_port"], std::to_string(master.port));
  EXPECT_TRUE(WaitInSync(master, node));
  ASSERT_EQ(Call(node, {"REPLICAOF", "NO", "ONE"}), "+OK\r\n");
  ASSERT_EQ(Call(node, {"CONFIG", "REWRITE"}), "+OK\r\n");
  EXPECT_EQ(file().find("replicaof"), std::string::npos) << file();
}

// rdb-del-sync-files with persistence off: the master removes the file it wrote for a disk sync once
// the transfer is over, and the replica removes the file it received after loading it.
TEST_F(Replication, RdbDelSyncFilesRemovesTheTransferFilesWithoutPersistence) {
  Node& master = Start({"--repl-diskless-sync", "no", "--rdb-del-sync-files", "yes"});
  Call(master, {"SET", "k", "v"});
  Node& replica = Start({"--replicaof", "127.0.0.1", std::to_string(master.port),
                         "--rdb-del-sync-files", "yes"});
  ASSERT_TRUE(WaitInSync(master, replica)) << replica.process->ReadLog();
  EXPECT_EQ(Call(replica, {"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(master.dir + "/dump.rdb"); }))
      << master.process->ReadLog();
  EXPECT_FALSE(std::filesystem::exists(replica.dir + "/dump.rdb"));
  EXPECT_NE(replica.process->ReadLog().find("Removing the RDB file obtained from the master. This "
                                            "replica has persistence disabled"),
            std::string::npos);
  EXPECT_NE(master.process->ReadLog().find(
                "Removing the RDB file used to feed replicas in a persistence-less instance"),
            std::string::npos);
}

// repl-diskless-load: swapdb always parses the payload from memory (no file in the replica's dir);
// on-empty-db only while the replica holds no keys.
TEST_F(Replication, DisklessLoadParsesThePayloadWithoutAFile) {
  Node& master = Start();
  Call(master, {"SET", "k", "v"});
  Node& swapdb = Start({"--replicaof", "127.0.0.1", std::to_string(master.port),
                        "--repl-diskless-load", "swapdb"});
  ASSERT_TRUE(WaitInSync(master, swapdb)) << swapdb.process->ReadLog();
  EXPECT_EQ(Call(swapdb, {"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_NE(swapdb.process->ReadLog().find("receiving streamed RDB from master with EOF to parser"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(swapdb.dir + "/dump.rdb"));
  Node& empty = Start({"--repl-diskless-load", "on-empty-db"});
  ASSERT_EQ(Call(empty, {"REPLICAOF", "127.0.0.1", std::to_string(master.port)}), "+OK\r\n");
  ASSERT_TRUE(WaitInSync(master, empty)) << empty.process->ReadLog();
  EXPECT_NE(empty.process->ReadLog().find("with EOF to parser"), std::string::npos);
  Node& filled = Start({"--repl-diskless-load", "on-empty-db"});
  Call(filled, {"SET", "mine", "1"});
  ASSERT_EQ(Call(filled, {"REPLICAOF", "127.0.0.1", std::to_string(master.port)}), "+OK\r\n");
  ASSERT_TRUE(WaitInSync(master, filled)) << filled.process->ReadLog();
  EXPECT_NE(filled.process->ReadLog().find("with EOF to disk"), std::string::npos);
  EXPECT_EQ(Call(filled, {"EXISTS", "mine", "k"}), ":1\r\n");
}

}  // namespace
}  // namespace slotd::test
