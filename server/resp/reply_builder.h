// Writes RESP2 or RESP3 replies into a byte buffer owned by the caller (a connection's output buffer).
// No I/O. Aggregate headers take their element count up front; use BeginDeferred*/EndDeferred* when the
// count is only known after the elements were written.
#pragma once
#include <cstdint>
#include <span>
#include <map>
#include <string>
#include <string_view>

namespace slotd::resp {

class ReplyBuilder {
 public:
  explicit ReplyBuilder(std::string* out) : out_(out) {}

  void set_protocol(int protocol) { protocol_ = protocol; }
  int protocol() const { return protocol_; }
  bool resp3() const { return protocol_ == 3; }
  std::string* buffer() { return out_; }
  void set_buffer(std::string* out) { out_ = out; }

  // Number of error replies written so far (INFO's total_error_replies is the sum over clients).
  uint64_t errors_written() const { return errors_written_; }
  // Where error replies are counted by code ("ERR", "WRONGTYPE", ...: INFO errorstats); null = not.
  using ErrorCounts = std::map<std::string, uint64_t, std::less<>>;
  void set_error_counts(ErrorCounts* counts) { error_counts_ = counts; }

  void SimpleString(std::string_view s);  // "+s"
  void Ok() { SimpleString("OK"); }
  // A message starting with '-' is sent as is (own error code, e.g. "-WRONGTYPE ..."); otherwise
  // "-ERR " is prefixed. CR and LF inside are replaced by spaces, as Redis does.
  void Error(std::string_view message);
  void Integer(int64_t value);
  void Bulk(std::string_view s);
  void Null();       // RESP2 "$-1", RESP3 "_"
  void NullArray();  // RESP2 "*-1", RESP3 "_"
  void Double(double value);  // RESP2 bulk "%.17g"; RESP3 ",..."
  void Bool(bool value);      // RESP2 ":1"/":0"; RESP3 "#t"/"#f"
  // Verbatim text (INFO, CLUSTER NODES): RESP2 bulk; RESP3 "=len\r\ntxt:..."
  void Verbatim(std::string_view text, std::string_view format = "txt");

  void ArrayHeader(size_t count);
  void MapHeader(size_t pairs);   // RESP2: array of 2*pairs
  void SetHeader(size_t count);   // RESP2: array
  void PushHeader(size_t count);  // RESP2: array (pub/sub messages)
  void EmptyArray() { ArrayHeader(0); }

  void BulkArray(std::span<const std::string_view> items);
  void BulkArray(std::span<const std::string> items);

  // Deferred aggregate length: reserve a header, write elements, then patch the count in.
  struct Deferred {
    size_t offset;
    char kind;
  };
  Deferred BeginDeferredArray() { return BeginDeferred('*'); }
  Deferred BeginDeferredMap() { return BeginDeferred('%'); }
  Deferred BeginDeferredSet() { return BeginDeferred('~'); }
  // For maps, `count` is the number of pairs.
  void EndDeferred(Deferred d, size_t count);

  // Raw bytes, already in RESP (shared replies, forwarded frames).
  void Raw(std::string_view bytes) { out_->append(bytes); }

 private:
  Deferred BeginDeferred(char kind);
  void Header(char kind, int64_t count);

  std::string* out_;
  int protocol_ = 2;
  uint64_t errors_written_ = 0;
  ErrorCounts* error_counts_ = nullptr;
};

// "%.17g"-style formatting Redis 7.0 uses for doubles in replies ("inf"/"-inf"/"nan" spelled that way).
std::string FormatDouble(double value);

}  // namespace slotd::resp
