// Durable file writing shared by everything that persists (RDB, AOF, CONFIG REWRITE, nodes.conf):
// complete writes across short writes and EINTR, and fsync of the directory that makes a rename durable.
#pragma once
#include <string>
#include <string_view>

namespace slotd {

// Writes all of `data` to `fd`, retrying short writes and EINTR. False with errno set on failure.
bool WriteAll(int fd, std::string_view data);
// fsyncs the directory `dir`, so a file created or renamed in it survives a crash. False with errno set.
bool FsyncDirectory(const std::string& dir);
// fsyncs the directory that holds `path` ("." when the path has no slash).
bool FsyncDirectoryOf(const std::string& path);

}  // namespace slotd
