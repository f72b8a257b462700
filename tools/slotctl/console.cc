// Console output with redis-cli's colour codes.
#include "tools/slotctl/console.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace slotd::slotctl {
namespace {

int DefaultColor() {
  if (std::getenv("NO_COLOR") != nullptr) return 0;
  const char* term = std::getenv("TERM");
  if (term == nullptr || std::strcmp(term, "dumb") == 0) return 0;
  return isatty(STDOUT_FILENO) ? 1 : 0;
}

int color = -1;  // -1: not decided yet

const char* Code(Level level) {
  switch (level) {
    case Level::kInfo:
      return "\033[29;1m";
    case Level::kOk:
      return "\033[32;1m";
    case Level::kWarn:
      return "\033[33;1m";
    case Level::kErr:
      return "\033[31;1m";
  }
  return "";
}

}  // namespace

void SetColor(bool on) { color = on ? 1 : 0; }

void Log(Level level, std::string_view text) {
  if (color < 0) color = DefaultColor();
  if (color == 1) std::fputs(Code(level), stdout);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (color == 1) std::fputs("\033[0m", stdout);
  std::fflush(stdout);
}

void Print(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace slotd::slotctl
