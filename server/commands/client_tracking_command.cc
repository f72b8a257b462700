// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: option parsing, the checks and error texts of
// Redis 7.0's clientCommand, in its order. The tracking itself is server/app/tracking.h.
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/client_tracking.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

struct TrackingRequest {
  int64_t redirect = 0;
  Tracking::Options options;
  std::vector<std::string_view> prefixes;
};

// The options after ON|OFF; replies the error and returns false on a bad one.
bool ParseTrackingOptions(CommandContext& ctx, ArgList args, TrackingRequest* req) {
  for (size_t j = 3; j < args.size(); ++j) {
    const bool more = j + 1 < args.size();
    std::string_view opt = args[j];
    if (EqualsIgnoreCase(opt, "redirect") && more) {
      if (req->redirect != 0) {
        ctx.reply().Error("A client can only redirect to a single other client");
        return false;
      }
      std::optional<int64_t> id = ParseInt64(args[++j]);
      if (!id) {
        ctx.NotInteger();
        return false;
      }
      req->redirect = *id;
      // The target must exist now, even if it may go away later.
      if (ctx.server().clients.find(static_cast<uint64_t>(*id)) == ctx.server().clients.end()) {
        ctx.reply().Error("The client ID you want redirect to does not exist");
        return false;
      }
    } else if (EqualsIgnoreCase(opt, "bcast")) {
      req->options.bcast = true;
    } else if (EqualsIgnoreCase(opt, "optin")) {
      req->options.optin = true;
    } else if (EqualsIgnoreCase(opt, "optout")) {
      req->options.optout = true;
    } else if (EqualsIgnoreCase(opt, "noloop")) {
      req->options.noloop = true;
    } else if (EqualsIgnoreCase(opt, "prefix") && more) {
      req->prefixes.push_back(args[++j]);
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  return true;
}

// Why the options cannot be applied to this client now ("" when they can).
std::string TrackingOnRefusal(const Client& client, const Tracking& tracking, const TrackingRequest& req) {
  const Tracking::Options& o = req.options;
  const ClientTracking& current = client.tracking;
  if (!o.bcast && !req.prefixes.empty()) return "PREFIX option requires BCAST mode to be enabled";
  if (current.enabled && current.bcast != o.bcast) {
    return "You can't switch BCAST mode on/off before disabling tracking for this client, and then "
           "re-enabling it with a different mode.";
  }
  if (o.bcast && (o.optin || o.optout)) return "OPTIN and OPTOUT are not compatible with BCAST";
  if (o.optin && o.optout) return "You can't specify both OPTIN mode and OPTOUT mode";
  if ((o.optin && current.optout) || (o.optout && current.optin)) {
    return "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
           "re-enabling it with a different mode.";
  }
  if (o.bcast) return tracking.PrefixCollision(client, req.prefixes);
  return "";
}

}  // namespace

void ClientTrackingCommand(CommandContext& ctx, ArgList args) {
  TrackingRequest req;
  if (!ParseTrackingOptions(ctx, args, &req)) return;
  Client& client = ctx.client();
  Tracking& tracking = ctx.server().tracking;
  if (EqualsIgnoreCase(args[2], "on")) {
    if (std::string refusal = TrackingOnRefusal(client, tracking, req); !refusal.empty()) {
      return ctx.reply().Error(refusal);
    }
    tracking.Enable(client, static_cast<uint64_t>(req.redirect), req.options, req.prefixes);
  } else if (EqualsIgnoreCase(args[2], "off")) {
    tracking.Disable(client);
  } else {
    return ctx.SyntaxError();
  }
  ctx.reply().Ok();
}

void ClientCachingCommand(CommandContext& ctx, ArgList args) {
  ClientTracking& t = ctx.client().tracking;
  if (!t.enabled) {
    return ctx.reply().Error(
        "CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode "
        "enabled");
  }
  if (EqualsIgnoreCase(args[2], "yes")) {
    if (!t.optin) return ctx.reply().Error("CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  } else if (EqualsIgnoreCase(args[2], "no")) {
    if (!t.optout) return ctx.reply().Error("CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  } else {
    return ctx.SyntaxError();
  }
  t.caching = true;
  ctx.reply().Ok();
}

void ClientGetRedirCommand(CommandContext& ctx, ArgList) {
  const ClientTracking& t = ctx.client().tracking;
  ctx.reply().Integer(t.enabled ? static_cast<int64_t>(t.redirect) : -1);
}

void ClientTrackingInfoCommand(CommandContext& ctx, ArgList) {
  const ClientTracking& t = ctx.client().tracking;
  resp::ReplyBuilder& reply = ctx.reply();
  std::vector<std::string_view> flags = {t.enabled ? "on" : "off"};
  if (t.bcast) flags.push_back("bcast");
  if (t.optin) flags.push_back("optin");
  if (t.optin && t.caching) flags.push_back("caching-yes");
  if (t.optout) flags.push_back("optout");
  if (t.optout && t.caching) flags.push_back("caching-no");
  if (t.noloop) flags.push_back("noloop");
  if (t.broken_redirect) flags.push_back("broken_redirect");
  reply.MapHeader(3);
  reply.Bulk("flags");
  reply.SetHeader(flags.size());
  for (std::string_view flag : flags) reply.Bulk(flag);
  reply.Bulk("redirect");
  reply.Integer(t.enabled ? static_cast<int64_t>(t.redirect) : -1);
  reply.Bulk("prefixes");
  reply.ArrayHeader(t.prefixes.size());
  for (const std::string& prefix : t.prefixes) reply.Bulk(prefix);
}

}  // namespace slotd
