// The background fsync worker thread.
#include "server/persistence/aof/aof_fsync.h"

#include <unistd.h>

#include <cerrno>

namespace slotd {

AofFsyncWorker::~AofFsyncWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void AofFsyncWorker::Push(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(job);
    pending_.fetch_add(1, std::memory_order_release);
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  wake_.notify_one();
}

void AofFsyncWorker::Drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return pending_.load() == 0; });
}

void AofFsyncWorker::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stop_ with nothing left to do
    Job job = jobs_.front();
    jobs_.pop_front();
    lock.unlock();
    if (fdatasync(job.fd) != 0 && errno != EBADF && errno != EINVAL) {
      last_error_.store(errno);
    }
    if (job.close_after) close(job.fd);
    lock.lock();
    pending_.fetch_sub(1, std::memory_order_release);
    if (pending_.load() == 0) idle_.notify_all();
  }
}

}  // namespace slotd
