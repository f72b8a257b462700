// Incremental parser for client requests: RESP multibulk ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and
// inline ("GET k\r\n", sdssplitargs quoting). No I/O, no allocation per multibulk request:
// arguments are views into the caller's buffer. Limits and error texts are Redis 7.0's
// (PROTOCOLS.md 1.1); any error means: reply with error() and close the connection.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slotd::resp {

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  size_t max_inline_len = 64 * 1024;       // PROTO_INLINE_MAX_SIZE: inline line, *N and $N lines
  int64_t max_multibulk_len = 2147483647;  // INT_MAX, as Redis 7.0; argv grows as bulks arrive
  bool authenticated = true;  // false: *N > 10 or $N > 16384 are refused (unauthenticated limits)
};

class RequestParser {
 public:
  enum class Status {
    kNeedMore,  // no complete request yet; call again with the same bytes plus more appended
    kCommand,   // one request parsed: see args(); *consumed bytes of `data` belong to it
    kError,     // protocol error: see error(); the connection must be closed after replying
  };

  explicit RequestParser(const ParserLimits* limits) : limits_(limits) {}

  // Parses at most one request from the front of `data`. Between a kNeedMore and the next call the
  // caller must pass the same unconsumed bytes (possibly moved in memory) with more appended; the
  // parser keeps offsets, not pointers, so it never rescans a large bulk from the start. On
  // kCommand, args() stays valid until the caller modifies or frees the bytes, or calls Parse
  // again. An empty request ("*0\r\n", "*-1\r\n" or an empty inline line) is kCommand with args()
  // empty.
  Status Parse(std::string_view data, size_t* consumed);

  std::span<const std::string_view> args() const { return args_; }
  bool last_was_inline() const { return last_inline_; }
  std::string_view error() const { return error_; }
  // Bytes still missing for the bulk being read, its CRLF included (0 when unknown): lets the
  // connection grow its buffer once.
  size_t pending_bulk_bytes() const;
  void Reset();  // forget partial state (after the connection discards its buffer)

 private:
  enum class State : uint8_t { kIdle, kMultibulkCount, kBulkCount, kBulkData, kInline };
  // Where a parsed argument lives: caller's bytes (offset into `data`) or inline_buf_.
  struct ArgSpan {
    size_t offset;
    size_t length;
    bool internal;
  };
  enum class LineScan : uint8_t { kFound, kNeedMore, kTooBig };

  // The common case in one pass: a complete multibulk request whose count and length lines are plain
  // decimals within the limits. Returns false, having consumed nothing, for anything else (incomplete,
  // unusual or invalid); the general path below then parses it with all of Redis's rules and errors.
  bool ParseWholeMultibulk(std::string_view data, size_t* consumed);
  Status ParseMultibulk(std::string_view data, size_t* consumed);
  Status ParseInline(std::string_view data, size_t* consumed);
  // Finds `terminator` at or after pos_ the way Redis's strchr() over the query buffer does: a NUL
  // byte hides everything after it. Remembers how far it looked so a line arriving byte by byte is
  // scanned once. Sets *at to the terminator's offset on kFound.
  LineScan FindLineEnd(std::string_view data, char terminator, size_t* at);
  // Reads the "*N" or "$N" line at pos_: on kFound, *cr is its '\r' and *valid says whether the
  // text after the prefix byte is a number by Redis's string2ll rules (then in *number).
  LineScan ReadNumberLine(std::string_view data, char prefix, size_t* cr, int64_t* number,
                          bool* valid);
  bool SplitInline(std::string_view line);  // sdssplitargs rules; false: unbalanced quotes
  Status Complete(std::string_view data, size_t end, size_t* consumed);
  Status Fail(std::string_view message);
  void StartRequest();  // forget the partial request (not args_, which the caller may still read)

  const ParserLimits* limits_;
  std::vector<std::string_view> args_;
  std::vector<ArgSpan> spans_;  // arguments of the current request, complete ones only
  std::string inline_buf_;      // unescaped quoted inline arguments
  std::string error_;
  State state_ = State::kIdle;
  int64_t multibulk_remaining_ = 0;  // elements still to read
  int64_t bulk_len_ = -1;            // length of the bulk being read, -1 = expecting a $ line
  size_t pos_ = 0;                   // parse position within the current request
  size_t scan_pos_ = 0;              // line search resumes here (>= pos_)
  size_t seen_bytes_ = 0;            // data.size() at the last call, for pending_bulk_bytes()
  bool line_blocked_ = false;        // a NUL before the line end: only the size limit can end it
  bool last_inline_ = false;
};

}  // namespace slotd::resp
