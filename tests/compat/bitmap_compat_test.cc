// Bitmap commands (SETBIT GETBIT BITCOUNT BITPOS BITOP) compared byte for byte with redis-server
// 7.0: fixed cases for every error text and edge, then seeded random ranges over random bytes.
#include <random>

#include "tests/compat/compat_fixture.h"

namespace slotd::test {
namespace {

TEST_F(CompatTest, BitmapCommandsAndTheirErrors) {
  ExpectSameReplies({
      {"SETBIT", "b", "7", "1"},   {"SETBIT", "b", "7", "1"},     {"SETBIT", "b", "100", "1"},
      {"GET", "b"},                {"STRLEN", "b"},               {"GETBIT", "b", "7"},
      {"GETBIT", "b", "6"},        {"GETBIT", "b", "1000000"},    {"GETBIT", "nokey", "3"},
      {"SETBIT", "b", "7", "0"},   {"GETBIT", "b", "7"},          {"OBJECT", "ENCODING", "b"},
      {"SETBIT", "b", "-1", "1"},  {"SETBIT", "b", "x", "1"},     {"SETBIT", "b", "1", "2"},
      {"SETBIT", "b", "1", "-1"},  {"SETBIT", "b", "1", "x"},     {"SETBIT", "b", "4294967296", "1"},
      {"GETBIT", "b", "-1"},       {"SET", "n", "12345"},         {"GETBIT", "n", "2"},
      {"SETBIT", "n", "2", "1"},   {"GET", "n"},                  {"OBJECT", "ENCODING", "n"},
      {"LPUSH", "l", "x"},         {"SETBIT", "l", "1", "1"},     {"GETBIT", "l", "1"},
      {"BITCOUNT", "l"},           {"BITPOS", "l", "1"},          {"BITOP", "AND", "d", "l"},
      {"SET", "s", "foobar"},      {"BITCOUNT", "s"},             {"BITCOUNT", "s", "0", "0"},
      {"BITCOUNT", "s", "1", "1"}, {"BITCOUNT", "s", "1", "1", "BYTE"},
      {"BITCOUNT", "s", "5", "30", "BIT"}, {"BITCOUNT", "s", "-2", "-1"},
      {"BITCOUNT", "s", "-1", "-2"}, {"BITCOUNT", "s", "0"},      {"BITCOUNT", "s", "0", "1", "x"},
      {"BITCOUNT", "s", "a", "1"}, {"BITCOUNT", "s", "0", "b"},   {"BITCOUNT", "nokey"},
      {"BITCOUNT", "s", "0", "1", "BIT", "x"}, {"SET", "z", "\xff\xf0\x00"},
      {"BITPOS", "z", "0"},        {"BITPOS", "z", "1", "2"},     {"BITPOS", "z", "1", "1"},
      {"BITPOS", "z", "0", "0", "0"}, {"BITPOS", "z", "0", "0", "-1"}, {"BITPOS", "z", "0", "2", "-1"},
      {"BITPOS", "z", "1", "7", "15", "BIT"}, {"BITPOS", "z", "0", "7", "15", "BIT"},
      {"BITPOS", "z", "0", "0", "7", "BIT"}, {"BITPOS", "z", "1", "16", "-1", "BIT"},
      {"BITPOS", "z", "2"},        {"BITPOS", "z", "x"},          {"BITPOS", "z", "1", "x"},
      {"BITPOS", "z", "1", "0", "x"}, {"BITPOS", "z", "1", "0", "1", "WORD"},
      {"BITPOS", "nokey", "0"},    {"BITPOS", "nokey", "1"},      {"SET", "ones", "\xff\xff"},
      {"BITPOS", "ones", "0"},     {"BITPOS", "ones", "0", "0", "-1"}, {"BITPOS", "ones", "0", "1"},
      {"BITPOS", "ones", "0", "3", "BIT"}, {"BITPOS", "ones", "0", "3", "15", "BIT"},
      {"BITPOS", "s", "1", "5", "2"}, {"SET", "e", ""},            {"BITPOS", "e", "0"},
      {"BITPOS", "e", "1"},        {"BITCOUNT", "e"},
      {"BITOP", "AND", "dest", "s", "z"}, {"GET", "dest"},        {"BITOP", "OR", "dest", "s", "z"},
      {"GET", "dest"},             {"BITOP", "XOR", "dest", "s", "z", "nokey"}, {"GET", "dest"},
      {"BITOP", "NOT", "dest", "s"}, {"GET", "dest"},             {"BITOP", "NOT", "dest", "s", "z"},
      {"BITOP", "NAND", "dest", "s"}, {"BITOP", "AND", "dest", "nokey", "nokey2"},
      {"EXISTS", "dest"},          {"BITOP", "or", "dest", "n"},   {"GET", "dest"},
      {"OBJECT", "ENCODING", "dest"}, {"SET", "t", "x", "EX", "100"}, {"SETBIT", "t", "20", "1"},
      {"TTL", "t"},                {"BITOP", "AND", "t", "s"},     {"TTL", "t"},
      {"SETBIT"},                  {"GETBIT", "b"},               {"BITOP", "AND", "d"},
  });
}

// Random bytes (with runs of 0x00 and 0xff) and random ranges in both units.
TEST_F(CompatTest, BitcountAndBitposAgreeOnRandomRanges) {
  std::mt19937 rng(20261122);
  Commands commands;
  for (int k = 0; k < 6; ++k) {
    const int len = static_cast<int>(rng() % 40);
    std::string bytes;
    for (int i = 0; i < len; ++i) {
      const unsigned kind = rng() % 4;
      bytes.push_back(static_cast<char>(kind == 0 ? 0x00 : kind == 1 ? 0xff : rng() % 256));
    }
    const std::string key = "r" + std::to_string(k);
    commands.push_back({"SET", key, bytes});
    const int span = len * 8 + 10;
    for (int q = 0; q < 150; ++q) {
      const std::string start = std::to_string(static_cast<int>(rng() % (2 * span)) - span);
      const std::string end = std::to_string(static_cast<int>(rng() % (2 * span)) - span);
      const std::string unit = rng() % 2 ? "BIT" : "BYTE";
      const std::string bit = rng() % 2 ? "1" : "0";
      switch (rng() % 5) {
        case 0: commands.push_back({"BITCOUNT", key, start, end, unit}); break;
        case 1: commands.push_back({"BITCOUNT", key, start, end}); break;
        case 2: commands.push_back({"BITPOS", key, bit, start, end, unit}); break;
        case 3: commands.push_back({"BITPOS", key, bit, start, end}); break;
        default: commands.push_back({"BITPOS", key, bit, start}); break;
      }
    }
  }
  ExpectSameReplies(commands);
}

TEST_F(CompatTest, BitfieldOperationsOverflowAndErrors) {
  ExpectSameReplies({
      {"BITFIELD", "f", "SET", "u8", "0", "200", "GET", "u8", "0", "GET", "i8", "0"},
      {"BITFIELD", "f", "INCRBY", "u8", "0", "100", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "100"},
      {"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1", "GET", "u8", "0"},
      {"BITFIELD", "f", "SET", "i5", "#3", "-16", "INCRBY", "i5", "#3", "-1", "GET", "u5", "#3"},
      {"BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i5", "#3", "-100", "INCRBY", "i5", "15", "99"},
      {"BITFIELD", "f", "SET", "u3", "13", "-1", "OVERFLOW", "SAT", "SET", "u3", "20", "-1"},
      {"BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u3", "30", "8", "SET", "i3", "40", "-5"},
      {"BITFIELD", "f", "SET", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1"},
      {"BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1", "INCRBY", "i64", "0", "5"},
      {"BITFIELD", "f", "SET", "u63", "1", "9223372036854775807", "GET", "u63", "1"},
      {"GET", "f"},
      {"BITFIELD", "f", "GET", "u8", "1000"},
      {"BITFIELD", "new", "OVERFLOW", "FAIL", "SET", "u2", "100", "7"},
      {"EXISTS", "new"}, {"STRLEN", "new"},
      {"BITFIELD", "g"}, {"EXISTS", "g"}, {"BITFIELD", "g", "GET", "u4", "0"}, {"EXISTS", "g"},
      {"SET", "n", "12"}, {"BITFIELD", "n", "GET", "u8", "0"}, {"OBJECT", "ENCODING", "n"},
      {"BITFIELD_RO", "f", "GET", "i16", "#1", "GET", "u1", "7"},
      {"BITFIELD_RO", "f", "SET", "u8", "0", "1"},
      {"BITFIELD_RO", "f", "OVERFLOW", "WRAP", "GET", "u8", "0"},
      {"BITFIELD", "f", "GET", "u64", "0"}, {"BITFIELD", "f", "GET", "i65", "0"},
      {"BITFIELD", "f", "GET", "x8", "0"}, {"BITFIELD", "f", "GET", "u0", "0"},
      {"BITFIELD", "f", "GET", "u", "0"}, {"BITFIELD", "f", "GET", "u8", "-1"},
      {"BITFIELD", "f", "GET", "u8", "#-1"}, {"BITFIELD", "f", "GET", "u8", "x"},
      {"BITFIELD", "f", "SET", "u8", "0", "x"}, {"BITFIELD", "f", "OVERFLOW", "MAYBE"},
      {"BITFIELD", "f", "FOO", "u8", "0"}, {"BITFIELD", "f", "GET", "u8"},
      {"BITFIELD", "f", "SET", "u8", "0"}, {"BITFIELD", "f", "OVERFLOW"},
      {"BITFIELD", "f", "GET", "u8", "4294967296"},
      {"LPUSH", "l", "a"}, {"BITFIELD", "l", "GET", "u8", "0"}, {"BITFIELD_RO", "l", "GET", "u8", "0"},
      {"BITFIELD", "l", "SET", "u8", "0", "1"}, {"BITFIELD"},
  });
  ExpectSameReplies({{"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"}}, 3);
}

// Random widths, offsets, values and overflow modes against the same bytes on both servers.
TEST_F(CompatTest, BitfieldAgreesOnRandomOperations) {
  std::mt19937_64 rng(11221122);
  Commands commands;
  const char* modes[] = {"WRAP", "SAT", "FAIL"};
  for (int q = 0; q < 400; ++q) {
    std::vector<std::string> cmd = {"BITFIELD", "rb"};
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      const bool is_signed = rng() % 2;
      const int bits = 1 + static_cast<int>(rng() % (is_signed ? 64 : 63));
      const std::string type = (is_signed ? "i" : "u") + std::to_string(bits);
      const std::string offset = std::to_string(rng() % 200);
      const int64_t value = static_cast<int64_t>(rng()) >> (rng() % 64);
      switch (rng() % 4) {
        case 0: cmd.insert(cmd.end(), {"GET", type, offset}); break;
        case 1: cmd.insert(cmd.end(), {"SET", type, offset, std::to_string(value)}); break;
        case 2: cmd.insert(cmd.end(), {"INCRBY", type, offset, std::to_string(value)}); break;
        default: cmd.insert(cmd.end(), {"OVERFLOW", modes[rng() % 3]}); break;
      }
    }
    commands.push_back(cmd);
    if (q % 50 == 49) commands.push_back({"GET", "rb"});
  }
  ExpectSameReplies(commands);
}

}  // namespace
}  // namespace slotd::test
