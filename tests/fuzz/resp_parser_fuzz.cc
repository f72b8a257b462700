// libFuzzer target for resp::RequestParser: arbitrary bytes, delivered whole and in random-size
// chunks (as a connection would), must never crash and must give the same requests either way.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "server/resp/errors.h"
#include "server/resp/request_parser.h"

namespace {

using slotd::resp::ParserLimits;
using slotd::resp::RequestParser;

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  std::string error;
  size_t unconsumed = 0;
};

void Check(bool condition) {
  if (!condition) std::abort();
}

// Appends the chunks to a buffer the way a connection does and erases each request once parsed.
Outcome Drive(std::string_view input, const std::vector<size_t>& chunk_sizes,
              const ParserLimits& limits) {
  RequestParser parser(&limits);
  Outcome out;
  std::string buffer;
  size_t offset = 0;
  for (size_t chunk : chunk_sizes) {
    buffer.append(input.substr(offset, chunk));
    offset += chunk;
    while (true) {
      size_t consumed = 0;
      RequestParser::Status status = parser.Parse(buffer, &consumed);
      if (status == RequestParser::Status::kError) {
        Check(consumed == 0 && !parser.error().empty());
        out.error = std::string(parser.error());
        out.unconsumed = buffer.size();
        return out;
      }
      if (status == RequestParser::Status::kNeedMore) {
        Check(consumed == 0);
        size_t pending = parser.pending_bulk_bytes();
        Check(pending == 0 ||
              static_cast<uint64_t>(pending) <= static_cast<uint64_t>(limits.max_bulk_len) + 2);
        break;
      }
      Check(consumed > 0 && consumed <= buffer.size());
      size_t total = 0;
      std::vector<std::string> argv;
      for (std::string_view arg : parser.args()) {
        total += arg.size();
        argv.emplace_back(arg);
      }
      Check(total <= consumed);  // unescaping only shrinks inline arguments
      out.commands.push_back(std::move(argv));
      buffer.erase(0, consumed);
    }
  }
  out.unconsumed = buffer.size();
  return out;
}

bool IsTooBig(std::string_view error) {
  return error == slotd::errors::kProtoTooBigInline ||
         error == slotd::errors::kProtoTooBigMbulkCount ||
         error == slotd::errors::kProtoTooBigBulkCount;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t flags = data[0];
  uint32_t rng = data[1] * 2654435761u + 1;
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  // Small limits let short inputs reach every limit check.
  ParserLimits limits;
  limits.authenticated = (flags & 1) == 0;
  if (flags & 2) limits.max_inline_len = 8 + (flags >> 4);
  if (flags & 4) limits.max_bulk_len = 40;
  if (flags & 8) limits.max_multibulk_len = 6;

  std::vector<size_t> chunks;
  for (size_t left = input.size(); left > 0;) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    size_t chunk = (rng & 7) == 0 ? rng % 512 : 1 + rng % 9;
    chunk = chunk > left || chunk == 0 ? left : chunk;
    chunks.push_back(chunk);
    left -= chunk;
  }
  Outcome whole = Drive(input, {input.size()}, limits);
  Outcome chunked = Drive(input, chunks, limits);

  // Until either side stops, both saw the same requests.
  size_t common = std::min(whole.commands.size(), chunked.commands.size());
  for (size_t i = 0; i < common; ++i) Check(whole.commands[i] == chunked.commands[i]);
  if (chunked.error.empty()) {
    // A chunked run that never failed saw everything the whole run saw.
    Check(whole.error.empty() && whole.commands.size() == chunked.commands.size() &&
          whole.unconsumed == chunked.unconsumed);
  } else if (!IsTooBig(chunked.error)) {
    // Only "too big" depends on how much had arrived; every other error is about complete lines.
    Check(whole.error == chunked.error && whole.commands.size() == chunked.commands.size());
  }
  return 0;
}
