// slotd entry point: argv -> Config -> role -> run.
#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "server/app/app.h"
#include "server/app/crash_report.h"
#include "server/app/process.h"
#include "server/config/config_loader.h"
#include "server/log/logger.h"

int main(int argc, char** argv) {
  // SORT ... ALPHA collates with the environment's locale, as redis-server does.
  std::setlocale(LC_COLLATE, "");
  slotd::StartupConfig startup;
  slotd::Config& config = startup.config;
  std::string& config_file = startup.config_file;
  std::string error;
  slotd::LoadOutcome outcome = slotd::LoadConfig(argc, argv, &startup, &error);
  if (outcome == slotd::LoadOutcome::kExit) return 0;  // --version / --help printed
  if (outcome == slotd::LoadOutcome::kError) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  if (!slotd::ApplyProcessSettings(config, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  slotd::InstallCrashHandler();
  slotd::App app(std::move(config), config_file);
  if (startup.sentinel) app.SetSentinelMode(std::move(startup.sentinel_directives));
  char resolved[4096];
  app.server().executable = realpath(argv[0], resolved) != nullptr ? resolved : argv[0];
  return app.Run();
}
