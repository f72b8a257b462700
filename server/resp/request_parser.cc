// RequestParser: Redis 7.0's processMultibulkBuffer/processInlineBuffer as an incremental state
// machine over offsets, so bytes arriving in many reads are looked at once each.
#include "server/resp/request_parser.h"
#include "server/resp/quoting.h"

#include <algorithm>

#include "server/resp/errors.h"

namespace slotd::resp {
namespace {

// Redis's string2ll acceptance: optional '-', no '+', no leading zeros, no spaces, under 21 bytes.
bool ParseLength(std::string_view s, int64_t* value) {
  if (s.empty() || s.size() >= 21) return false;
  if (s.size() == 1 && s[0] == '0') {
    *value = 0;
    return true;
  }
  size_t i = 0;
  bool negative = s[0] == '-';
  if (negative && ++i == s.size()) return false;
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *value = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *value = static_cast<int64_t>(v);
  }
  return true;
}

// isspace() in the C locale: what sdssplitargs skips between arguments.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// What ends an unquoted argument in sdssplitargs (note: not \v or \f).
bool EndsUnquoted(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Continues an inline argument at line[*i], which is a quote, appending its unescaped bytes to
// *out. The line holds no NUL (the line search stops at one), so '\0' stands for its end, as it
// does for sdssplitargs. Returns false on unbalanced quotes.
bool ReadQuotedArg(std::string_view line, size_t* i, std::string* out) {
  auto at = [line](size_t k) { return k < line.size() ? line[k] : '\0'; };
  bool in_double = false;
  bool in_single = false;
  for (size_t p = *i;; ++p) {
    char c = at(p);
    if (in_double) {
      if (c == '\\' && at(p + 1) == 'x' && HexDigitValue(at(p + 2)) >= 0 && HexDigitValue(at(p + 3)) >= 0) {
        out->push_back(static_cast<char>(HexDigitValue(at(p + 2)) * 16 + HexDigitValue(at(p + 3))));
        p += 3;
      } else if (c == '\\' && at(p + 1) != '\0') {
        out->push_back(UnescapeChar(at(++p)));
      } else if (c == '"' || c == '\0') {
        // A closing quote must be followed by a space or the end of the line.
        if (c == '\0' || (at(p + 1) != '\0' && !IsSpace(at(p + 1)))) return false;
        *i = p + 1;
        return true;
      } else {
        out->push_back(c);
      }
    } else if (in_single) {
      if (c == '\\' && at(p + 1) == '\'') {
        out->push_back(at(++p));
      } else if (c == '\'' || c == '\0') {
        if (c == '\0' || (at(p + 1) != '\0' && !IsSpace(at(p + 1)))) return false;
        *i = p + 1;
        return true;
      } else {
        out->push_back(c);
      }
    } else if (c == '\0' || EndsUnquoted(c)) {
      *i = p;
      return true;
    } else if (c == '"') {
      in_double = true;
    } else if (c == '\'') {
      in_single = true;
    } else {
      out->push_back(c);
    }
  }
}

// A "<prefix><digits>\r?" line at *pos as ReadNumberLine's quick form accepts it: 1 to 18 digits, no leading
// zero, '\r', and one more byte present (not checked, as Redis). Advances *pos past the line.
bool ReadPlainNumber(std::string_view data, char prefix, size_t* pos, int64_t* value) {
  size_t i = *pos;
  if (i >= data.size() || data[i] != prefix) return false;
  ++i;
  const size_t first = i;
  const size_t limit = std::min(data.size(), first + 18);
  uint64_t v = 0;
  for (; i < limit && data[i] >= '0' && data[i] <= '9'; ++i) v = v * 10 + static_cast<uint64_t>(data[i] - '0');
  const size_t digits = i - first;
  if (digits == 0 || (data[first] == '0' && digits > 1) || i + 1 >= data.size() || data[i] != '\r') return false;
  *value = static_cast<int64_t>(v);
  *pos = i + 2;
  return true;
}

// Requests with more arguments than this take the general path (they are rare and large anyway).
constexpr int64_t kWholeRequestMaxArgs = 1024;

}  // namespace

RequestParser::Status RequestParser::Parse(std::string_view data, size_t* consumed) {
  *consumed = 0;
  if (!error_.empty()) return Status::kError;
  if (data.size() < pos_) Reset();  // the caller broke the contract; start over rather than misread
  seen_bytes_ = data.size();
  if (state_ == State::kIdle) {
    if (data.empty()) return Status::kNeedMore;
    last_inline_ = data[0] != '*';
    if (!last_inline_ && limits_->authenticated && ParseWholeMultibulk(data, consumed)) return Status::kCommand;
    state_ = last_inline_ ? State::kInline : State::kMultibulkCount;
  }
  return state_ == State::kInline ? ParseInline(data, consumed) : ParseMultibulk(data, consumed);
}

RequestParser::LineScan RequestParser::FindLineEnd(std::string_view data, char terminator,
                                                   size_t* at) {
  // One pass looks for both the terminator and a NUL; count lines are short, so a byte loop wins.
  size_t from = std::max(scan_pos_, pos_);
  if (!line_blocked_) {
    for (size_t i = from; i < data.size(); ++i) {
      char c = data[i];
      if (c == terminator) {
        scan_pos_ = i;  // found again at once if the byte after it is still missing
        *at = i;
        return LineScan::kFound;
      }
      if (c == '\0') {
        line_blocked_ = true;
        break;
      }
    }
    if (!line_blocked_) scan_pos_ = data.size();
  }
  return data.size() - pos_ > limits_->max_inline_len ? LineScan::kTooBig : LineScan::kNeedMore;
}

RequestParser::LineScan RequestParser::ReadNumberLine(std::string_view data, char prefix,
                                                      size_t* cr, int64_t* number, bool* valid) {
  if (pos_ >= data.size()) return LineScan::kNeedMore;
  // Fast path for the usual "<prefix><digits>\r" line; anything else takes the exact path below.
  size_t i = pos_ + 1;
  size_t limit = std::min(data.size(), pos_ + 19);  // 18 digits cannot overflow
  uint64_t v = 0;
  for (; i < limit && data[i] >= '0' && data[i] <= '9'; ++i) v = v * 10 + (data[i] - '0');
  size_t digits = i - pos_ - 1;
  if (data[pos_] == prefix && digits > 0 && (data[pos_ + 1] != '0' || digits == 1) &&
      i + 1 < data.size() && data[i] == '\r') {
    *cr = i;
    *number = static_cast<int64_t>(v);
    *valid = true;
    return LineScan::kFound;
  }
  LineScan scan = FindLineEnd(data, '\r', cr);
  // Like Redis, the byte after '\r' must be present but is not checked to be '\n'.
  if (scan == LineScan::kFound && *cr + 1 >= data.size()) return LineScan::kNeedMore;
  if (scan == LineScan::kFound) *valid = ParseLength(data.substr(pos_ + 1, *cr - pos_ - 1), number);
  return scan;
}

bool RequestParser::ParseWholeMultibulk(std::string_view data, size_t* consumed) {
  size_t pos = 0;
  int64_t count = 0;
  if (!ReadPlainNumber(data, '*', &pos, &count) || count <= 0 || count > kWholeRequestMaxArgs ||
      count > limits_->max_multibulk_len) {
    return false;
  }
  args_.clear();
  for (int64_t k = 0; k < count; ++k) {
    int64_t length = 0;
    if (!ReadPlainNumber(data, '$', &pos, &length) || length > limits_->max_bulk_len) return false;
    // The bulk and the two bytes after it (skipped unchecked, as Redis does) must all be here.
    if (data.size() - pos < static_cast<uint64_t>(length) + 2) return false;
    args_.emplace_back(data.data() + pos, static_cast<size_t>(length));
    pos += static_cast<size_t>(length) + 2;
  }
  *consumed = pos;
  return true;
}

RequestParser::Status RequestParser::ParseMultibulk(std::string_view data, size_t* consumed) {
  size_t cr = 0;
  int64_t number = 0;
  bool valid = false;
  if (state_ == State::kMultibulkCount) {
    LineScan scan = ReadNumberLine(data, '*', &cr, &number, &valid);
    if (scan == LineScan::kTooBig) return Fail(errors::kProtoTooBigMbulkCount);
    if (scan == LineScan::kNeedMore) return Status::kNeedMore;
    if (!valid || number > limits_->max_multibulk_len) {
      return Fail(errors::kProtoInvalidMultibulkLength);
    }
    if (number > 10 && !limits_->authenticated) return Fail(errors::kProtoUnauthMultibulk);
    pos_ = cr + 2;
    if (number <= 0) return Complete(data, pos_, consumed);
    multibulk_remaining_ = number;
    state_ = State::kBulkCount;
  }
  while (multibulk_remaining_ > 0) {
    if (state_ == State::kBulkCount) {
      LineScan scan = ReadNumberLine(data, '$', &cr, &number, &valid);
      if (scan == LineScan::kTooBig) return Fail(errors::kProtoTooBigBulkCount);
      if (scan == LineScan::kNeedMore) return Status::kNeedMore;
      if (data[pos_] != '$') return Fail(errors::ProtoExpectedDollar(data[pos_]));
      if (!valid || number < 0 || number > limits_->max_bulk_len) {
        return Fail(errors::kProtoInvalidBulkLength);
      }
      if (number > 16384 && !limits_->authenticated) return Fail(errors::kProtoUnauthBulk);
      pos_ = cr + 2;
      bulk_len_ = number;
      state_ = State::kBulkData;
    }
    // The two bytes after the bulk are skipped unchecked, as Redis does.
    uint64_t needed = static_cast<uint64_t>(bulk_len_) + 2;
    if (data.size() - pos_ < needed) return Status::kNeedMore;
    spans_.push_back({pos_, static_cast<size_t>(bulk_len_), false});
    pos_ += needed;
    bulk_len_ = -1;
    --multibulk_remaining_;
    state_ = State::kBulkCount;
  }
  return Complete(data, pos_, consumed);
}

RequestParser::Status RequestParser::ParseInline(std::string_view data, size_t* consumed) {
  size_t newline = 0;
  LineScan scan = FindLineEnd(data, '\n', &newline);
  if (scan == LineScan::kTooBig) return Fail(errors::kProtoTooBigInline);
  if (scan == LineScan::kNeedMore) return Status::kNeedMore;
  size_t end = newline > 0 && data[newline - 1] == '\r' ? newline - 1 : newline;
  if (!SplitInline(data.substr(0, end))) return Fail(errors::kProtoUnbalancedQuotes);
  return Complete(data, newline + 1, consumed);
}

bool RequestParser::SplitInline(std::string_view line) {
  inline_buf_.clear();
  size_t i = 0;
  while (true) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i == line.size()) return true;
    size_t start = i;
    while (i < line.size() && !EndsUnquoted(line[i]) && line[i] != '"' && line[i] != '\'') ++i;
    if (i == line.size() || EndsUnquoted(line[i])) {
      spans_.push_back({start, i - start, false});  // plain argument: a view of the caller's bytes
      continue;
    }
    size_t buf_start = inline_buf_.size();
    inline_buf_.append(line.substr(start, i - start));
    if (!ReadQuotedArg(line, &i, &inline_buf_)) return false;
    spans_.push_back({buf_start, inline_buf_.size() - buf_start, true});
  }
}

RequestParser::Status RequestParser::Complete(std::string_view data, size_t end, size_t* consumed) {
  args_.clear();
  std::string_view internal = inline_buf_;
  for (const ArgSpan& span : spans_) {
    args_.push_back((span.internal ? internal : data).substr(span.offset, span.length));
  }
  *consumed = end;
  StartRequest();
  return Status::kCommand;
}

void RequestParser::StartRequest() {
  spans_.clear();
  state_ = State::kIdle;
  multibulk_remaining_ = 0;
  bulk_len_ = -1;
  pos_ = 0;
  scan_pos_ = 0;
  line_blocked_ = false;
}

RequestParser::Status RequestParser::Fail(std::string_view message) {
  error_.assign(message);
  return Status::kError;
}

size_t RequestParser::pending_bulk_bytes() const {
  if (state_ != State::kBulkData || seen_bytes_ < pos_) return 0;
  uint64_t needed = static_cast<uint64_t>(bulk_len_) + 2;
  uint64_t have = seen_bytes_ - pos_;
  return needed > have ? static_cast<size_t>(needed - have) : 0;
}

void RequestParser::Reset() {
  StartRequest();
  args_.clear();
  inline_buf_.clear();
  error_.clear();
  seen_bytes_ = 0;
}

}  // namespace slotd::resp
