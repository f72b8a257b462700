// The background fsync of appendfsync everysec (Redis's bio AOF fsync thread): fdatasync and close
// jobs run on one worker thread so the event loop never waits for the disk.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace slotd {

class AofFsyncWorker {
 public:
  AofFsyncWorker() = default;
  AofFsyncWorker(const AofFsyncWorker&) = delete;
  AofFsyncWorker& operator=(const AofFsyncWorker&) = delete;
  ~AofFsyncWorker();  // finishes the queued jobs

  void Fsync(int fd) { Push({fd, false}); }
  // fdatasync then close: an INCR file that is no longer appended to.
  void FsyncAndClose(int fd) { Push({fd, true}); }
  // Jobs queued or running (INFO aof_pending_bio_fsync; a flush is postponed while one runs).
  uint64_t pending() const { return pending_.load(std::memory_order_acquire); }
  // The errno of the last failed fdatasync, 0 when it succeeded (read and cleared).
  int TakeError() { return last_error_.exchange(0); }
  // Blocks until every queued job has run.
  void Drain();

 private:
  struct Job {
    int fd;
    bool close_after;
  };
  void Push(Job job);
  void Run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Job> jobs_;
  std::atomic<uint64_t> pending_{0};
  std::atomic<int> last_error_{0};
  bool stop_ = false;
  std::thread thread_;  // started on the first job
};

}  // namespace slotd
