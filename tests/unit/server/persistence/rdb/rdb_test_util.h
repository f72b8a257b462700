// Helpers shared by the RDB tests: the golden files under tests/data/rdb (made by
// make_golden.py with redis-server 7.0.15) and hex decoding.
#pragma once
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

namespace slotd::rdb::test {

inline std::string GoldenPath(std::string_view name) {
  std::string here = __FILE__;  // .../tests/unit/server/persistence/rdb/rdb_test_util.h
  std::string tests = here.substr(0, here.rfind("/unit/"));
  return tests + "/data/rdb/" + std::string(name);
}

inline std::string ReadGolden(std::string_view name) {
  std::ifstream in(GoldenPath(name), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// dumps.txt: "name hex" lines, DUMP payloads from redis-server 7.0.15.
inline std::map<std::string, std::string> GoldenDumps() {
  std::map<std::string, std::string> out;
  std::istringstream in(ReadGolden("dumps.txt"));
  std::string name;
  std::string hex;
  while (in >> name >> hex) out[name] = Unhex(hex);
  return out;
}

}  // namespace slotd::rdb::test
