#include "server/resp/errors.h"

#include <algorithm>
#include <cstdio>

namespace slotd::errors {

std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs) {
  std::string text = "unknown command '";
  text.append(name.substr(0, 128));
  text.append("', with args beginning with: ");
  for (size_t i = 0; i < nargs && text.size() < 128; ++i) {
    size_t room = 128 - text.size();
    text.push_back('\'');
    text.append(args[i].substr(0, room));
    text.append("' ");
  }
  return text;
}

std::string UnknownSubcommand(std::string_view sub, std::string_view command) {
  std::string text = "unknown subcommand '";
  text.append(sub.substr(0, 128));
  text.append("'. Try ");
  for (char c : command) text.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
  text.append(" HELP.");
  return text;
}

std::string WrongArity(std::string_view command_name) {
  std::string text = "wrong number of arguments for '";
  text.append(command_name);
  text.append("' command");
  return text;
}

std::string GeoInvalidLonLat(double lon, double lat) {
  char text[1024];
  int n = std::snprintf(text, sizeof(text), "invalid longitude,latitude pair %f,%f", lon, lat);
  return std::string(text, n > 0 ? std::min(static_cast<size_t>(n), sizeof(text) - 1) : 0);
}

std::string InvalidExpireTime(std::string_view command_name) {
  std::string text = "invalid expire time in '";
  text.append(command_name);
  text.append("' command");
  return text;
}

std::string ProtoExpectedDollar(char got) {
  std::string text = "Protocol error: expected '$', got '";
  text.push_back(got);
  text.push_back('\'');
  return text;
}

std::string PubSubContext(std::string_view command_name) {
  std::string text = "Can't execute '";
  text.append(command_name);
  text.append(
      "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
  return text;
}

namespace {

std::string Embed(std::string_view prefix, std::string_view text, std::string_view suffix) {
  std::string out(prefix);
  out.append(text);
  out.append(suffix);
  return out;
}

}  // namespace

std::string HelloSyntaxError(std::string_view option) {
  return Embed("Syntax error in HELLO option '", option, "'");
}

std::string UnknownClientType(std::string_view type) { return Embed("Unknown client type '", type, "'"); }

std::string NoSuchUser(std::string_view user) { return Embed("No such user '", user, "'"); }

std::string UnrecognizedOption(std::string_view option) {
  return Embed("Unrecognized option '", option, "'");
}

std::string BadClientInfoValue(std::string_view attribute) {
  return Embed("", attribute, " cannot contain spaces, newlines or special characters.");
}

std::string UnknownSubcommandOrArity(std::string_view sub, std::string_view command) {
  // Redis prints the subcommand with %.128s.
  std::string text = Embed("unknown subcommand or wrong number of arguments for '", sub.substr(0, 128), "'. Try ");
  for (char c : command) text.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
  text.append(" HELP.");
  return text;
}

std::string NoLatencySamples(std::string_view event) {
  return Embed("No samples available for event '", event, "'");
}

std::string SentinelDebugUnknownOption(std::string_view option) {
  return Embed("Unknown option or number of arguments for SENTINEL DEBUG '", option, "'");
}

std::string SentinelDebugBadArgument(std::string_view value, std::string_view option) {
  std::string text = "Invalid argument '";
  text.append(value);
  text.append("' for SENTINEL DEBUG '");
  text.append(option);
  text.push_back('\'');
  return text;
}

}  // namespace slotd::errors
