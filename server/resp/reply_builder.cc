#include "server/resp/reply_builder.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace slotd::resp {
namespace {

void AppendInt(std::string* out, int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;
  out->append(buf, end);
}

// Placeholder for a deferred count: long enough for any count, trimmed by EndDeferred.
constexpr std::string_view kDeferredPlaceholder = "?00000000000000000000\r\n";

}  // namespace

std::string FormatDouble(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (std::isnan(value)) return "nan";
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", value);
  return std::string(buf, n);
}

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::Error(std::string_view message) {
  ++errors_written_;
  if (error_counts_ != nullptr) {
    // The code is the first word of a "-CODE text" message (looked for in its first 32 bytes, as
    // Redis does); anything else counts as ERR.
    std::string_view code = "ERR";
    if (!message.empty() && message[0] == '-') {
      const size_t space = message.substr(0, 32).find(' ');
      if (space != std::string_view::npos) code = message.substr(1, space - 1);
    }
    auto it = error_counts_->find(code);
    if (it == error_counts_->end()) it = error_counts_->emplace(std::string(code), 0).first;
    ++it->second;
  }
  size_t start = out_->size();
  if (message.empty() || message[0] != '-') out_->append("-ERR ");
  out_->append(message);
  for (size_t i = start; i < out_->size(); ++i) {
    char& c = (*out_)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
  out_->append("\r\n");
}

void ReplyBuilder::Integer(int64_t value) {
  out_->push_back(':');
  AppendInt(out_, value);
  out_->append("\r\n");
}

void ReplyBuilder::Bulk(std::string_view s) {
  // The header in one piece and room for all of it at once: GET's reply is this, per command.
  char header[32];
  header[0] = '$';
  char* end = std::to_chars(header + 1, header + sizeof(header) - 2, s.size()).ptr;
  *end++ = '\r';
  *end++ = '\n';
  const size_t header_len = static_cast<size_t>(end - header);
  out_->reserve(out_->size() + header_len + s.size() + 2);
  out_->append(header, header_len);
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Null() { out_->append(resp3() ? "_\r\n" : "$-1\r\n"); }

void ReplyBuilder::NullArray() { out_->append(resp3() ? "_\r\n" : "*-1\r\n"); }

void ReplyBuilder::Double(double value) {
  std::string text = FormatDouble(value);
  if (!resp3()) {
    Bulk(text);
    return;
  }
  out_->push_back(',');
  out_->append(text);
  out_->append("\r\n");
}

void ReplyBuilder::Bool(bool value) {
  if (resp3()) {
    out_->append(value ? "#t\r\n" : "#f\r\n");
  } else {
    out_->append(value ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyBuilder::Verbatim(std::string_view text, std::string_view format) {
  if (!resp3()) {
    Bulk(text);
    return;
  }
  // The format is always 3 bytes on the wire (Redis pads with spaces or truncates).
  out_->push_back('=');
  AppendInt(out_, static_cast<int64_t>(text.size() + 4));
  out_->append("\r\n");
  for (size_t i = 0; i < 3; ++i) out_->push_back(i < format.size() ? format[i] : ' ');
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n");
}

void ReplyBuilder::Header(char kind, int64_t count) {
  out_->push_back(kind);
  AppendInt(out_, count);
  out_->append("\r\n");
}

void ReplyBuilder::ArrayHeader(size_t count) { Header('*', static_cast<int64_t>(count)); }

void ReplyBuilder::MapHeader(size_t pairs) {
  if (resp3()) {
    Header('%', static_cast<int64_t>(pairs));
  } else {
    Header('*', static_cast<int64_t>(pairs * 2));
  }
}

void ReplyBuilder::SetHeader(size_t count) { Header(resp3() ? '~' : '*', static_cast<int64_t>(count)); }

void ReplyBuilder::PushHeader(size_t count) { Header(resp3() ? '>' : '*', static_cast<int64_t>(count)); }

void ReplyBuilder::BulkArray(std::span<const std::string_view> items) {
  ArrayHeader(items.size());
  for (std::string_view item : items) Bulk(item);
}

void ReplyBuilder::BulkArray(std::span<const std::string> items) {
  ArrayHeader(items.size());
  for (const std::string& item : items) Bulk(item);
}

ReplyBuilder::Deferred ReplyBuilder::BeginDeferred(char kind) {
  Deferred d{out_->size(), kind};
  out_->append(kDeferredPlaceholder);
  return d;
}

void ReplyBuilder::EndDeferred(Deferred d, size_t count) {
  char kind = d.kind;
  int64_t n = static_cast<int64_t>(count);
  if (!resp3()) {
    if (kind == '%') n *= 2;
    kind = '*';
  }
  std::string header(1, kind);
  AppendInt(&header, n);
  header.append("\r\n");
  out_->replace(d.offset, kDeferredPlaceholder.size(), header);
}

}  // namespace slotd::resp
