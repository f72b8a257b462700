// The escape rules of Redis's sdssplitargs, shared by the inline-request parser and the redis.conf reader:
// "\xHH" hex escapes and the single-letter escapes \n \r \t \b \a (any other escaped byte stands for itself).
#pragma once

namespace slotd::resp {

// 0..15 for a hex digit, -1 otherwise.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte a backslash followed by `c` stands for inside double quotes.
inline char UnescapeChar(char c) {
  switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\a';
    default: return c;
  }
}

}  // namespace slotd::resp
