// Process-level start-up settings: logging target and level, daemonize, pidfile, ignoring SIGPIPE.
#pragma once
#include <string>

#include "server/config/config.h"

namespace slotd {

// Applies loglevel/logfile, daemonizes when asked, writes the pidfile. False with `error` on failure.
bool ApplyProcessSettings(const Config& config, std::string* error);

}  // namespace slotd
