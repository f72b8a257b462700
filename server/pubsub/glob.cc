// Glob-style matching with Redis's rules (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, PUBSUB CHANNELS):
// '*' any run, '?' any byte, '[...]' a class with '^' negation, 'a-z' ranges and '\' escapes, '\x' literal.
#include <cctype>

#include "server/pubsub/pubsub.h"

namespace slotd {
namespace {

bool SameByte(char a, char b, bool nocase) {
  if (!nocase) return a == b;
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

// Matches one '[...]' class starting at pattern[p] == '['. Sets *next to the index after the class.
bool MatchClass(std::string_view pattern, size_t p, char c, bool nocase, size_t* next) {
  ++p;
  bool negate = p < pattern.size() && pattern[p] == '^';
  if (negate) ++p;
  bool matched = false;
  while (p < pattern.size() && pattern[p] != ']') {
    if (pattern[p] == '\\' && p + 1 < pattern.size()) {
      ++p;
      if (SameByte(pattern[p], c, nocase)) matched = true;
      ++p;
    } else if (p + 2 < pattern.size() && pattern[p + 1] == '-') {
      unsigned char lo = static_cast<unsigned char>(pattern[p]);
      unsigned char hi = static_cast<unsigned char>(pattern[p + 2]);
      unsigned char ch = static_cast<unsigned char>(c);
      if (lo > hi) std::swap(lo, hi);
      if (nocase) {
        lo = static_cast<unsigned char>(std::tolower(lo));
        hi = static_cast<unsigned char>(std::tolower(hi));
        ch = static_cast<unsigned char>(std::tolower(ch));
      }
      if (ch >= lo && ch <= hi) matched = true;
      p += 3;
    } else {
      if (SameByte(pattern[p], c, nocase)) matched = true;
      ++p;
    }
  }
  // An unterminated class ends at the end of the pattern, as in Redis.
  *next = p < pattern.size() ? p + 1 : p;
  return negate ? !matched : matched;
}

// Iterative matcher: on a mismatch, backtrack to the most recent '*' and let it absorb one more byte.
// Backtracking to the last star only is enough for globs and keeps matching O(pattern * text).
bool Match(std::string_view pattern, std::string_view text, bool nocase) {
  size_t p = 0;
  size_t t = 0;
  size_t star_p = std::string_view::npos;
  size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '*') {
        star_p = p++;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        size_t next = 0;
        if (MatchClass(pattern, p, text[t], nocase, &next)) {
          p = next;
          ++t;
          continue;
        }
      } else {
        size_t lit = (pc == '\\' && p + 1 < pattern.size()) ? p + 1 : p;
        if (SameByte(pattern[lit], text[t], nocase)) {
          p = lit + 1;
          ++t;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  return Match(pattern, text, nocase);
}

}  // namespace slotd
