#include "reqscope/dns/walk.hpp"

#include <algorithm>
#include <random>

#include "reqscope/dns/answer.hpp"
#include "reqscope/dns/exchange.hpp"
#include "reqscope/dns/name.hpp"
#include "reqscope/dns/resolve.hpp"
#include "reqscope/util/cancel.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::dns {

namespace {

using Clock = std::chrono::steady_clock;

Error interrupted_error() {
  return {"interrupted", "DNS walk interrupted", ""};
}

std::vector<Record> concat(std::vector<Record> first, const std::vector<Record>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

// The address to reach a referral's server by: its glue, IPv4 first, and only
// glue inside the zone of the server that gave it (in bailiwick), since any
// server could otherwise redirect traffic for names it does not own.
std::string glue_for(const Message& reply, const std::string& server_name,
                     const std::string& zone) {
  if (!is_within(server_name, zone)) return {};
  for (const auto wanted : {type::a, type::aaaa}) {
    for (const auto& record : reply.additionals) {
      if (record.type == wanted && util::iequals(record.name, server_name)) return record.data;
    }
  }
  return {};
}

// A step asking `server`, as an authority for `zone`, for name/type.
WalkStep new_step(const ServerRef& server, const std::string& zone, const std::string& name,
                  std::uint16_t type, int depth) {
  WalkStep step;
  step.depth = depth;
  step.server = server.name;
  step.server_ip = server.ip;
  step.zone = zone;
  step.name = name;
  step.type = type;
  return step;
}

// The error when no server of `zone` gave a usable reply, by how they failed.
Error zone_failure(const std::string& zone, const std::vector<std::string>& failures,
                   const std::vector<std::string>& kinds) {
  constexpr std::size_t kShownFailures = 3;
  std::vector<std::string> shown(
      failures.begin(),
      failures.begin() + static_cast<long>(std::min(failures.size(), kShownFailures)));
  if (failures.size() > kShownFailures) {
    shown.push_back("and " + std::to_string(failures.size() - kShownFailures) + " more");
  }
  const auto detail = " (" + util::join(shown, "; ") + ")";
  const bool at_root = zone == ".";
  const auto servers = at_root ? std::string("root server") : "server for " + zone;
  const auto all = [&](std::string_view kind) {
    return !kinds.empty() &&
           std::all_of(kinds.begin(), kinds.end(), [&](const auto& k) { return k == kind; });
  };
  if (all("refused")) {
    return {"dns_refused", "DNS: no " + servers + " could be reached" + detail,
            at_root ? "check the root server addresses and the route to them (is the network up?)"
                    : "the delegation of " + zone + " points at hosts that serve no DNS"};
  }
  if (all("timeout")) {
    return {"dns_timeout", "DNS: no " + servers + " answered" + detail,
            at_root ? "check the root server addresses and the route to them (is the network up?)"
                    : "the delegation of " + zone + " points at dead or filtered servers"};
  }
  if (all("malformed")) {
    return {"dns_malformed", "DNS: every " + servers + " sent a malformed reply" + detail,
            "something between here and the servers mangles DNS, or the servers are broken"};
  }
  return {"dns_servfail", "DNS: every " + servers + " failed" + detail,
          at_root ? "the root servers given answer, but not as servers of the root zone"
                  : "a lame delegation: the parent zone names servers that do not serve " + zone};
}

}  // namespace

void classify_reply(WalkStep& step, const Message& reply) {
  step.flags = reply.header;
  step.rcode = rcode_name(reply.header.rcode);
  if (reply.header.rcode == rcode::nxdomain) {
    step.kind = "nxdomain";
    // With a CNAME, NXDOMAIN is about the chain's end (RFC 6604): keep the chain.
    step.answers = follow_answer(reply.answers, step.name, step.type, step.zone).cnames;
    if (!reply.header.aa) {
      step.note =
          "not authoritative (AA clear): a middlebox or cache may be answering for " + step.server;
    }
    return;
  }
  if (reply.header.rcode != rcode::noerror) {
    step.kind = "error";
    step.note = "lame: the server answered " + step.rcode + " instead of speaking for " + step.zone;
    return;
  }
  const auto chain = follow_answer(reply.answers, step.name, step.type, step.zone);
  if (!chain.records.empty() || !chain.cnames.empty()) {
    step.kind = "answer";
    step.answers = concat(chain.cnames, chain.records);
    if (chain.records.empty()) step.note = "CNAME to " + chain.final_name;
    return;
  }
  const auto ns = std::find_if(reply.authorities.begin(), reply.authorities.end(),
                               [](const Record& r) { return r.type == type::ns; });
  if (ns != reply.authorities.end() && !reply.header.aa) {
    const auto& child = ns->name;
    if (!is_within(step.name, child) || !is_within(child, step.zone) ||
        label_count(child) <= label_count(step.zone)) {
      step.kind = "error";
      step.note = "lame: a referral to " + child + ", which is not below " + step.zone;
      return;
    }
    step.kind = "referral";
    step.referral_zone = child;
    int glued = 0;
    for (const auto& record : reply.authorities) {
      if (record.type != type::ns || !util::iequals(record.name, child)) continue;
      ServerRef server{record.data, glue_for(reply, record.data, step.zone)};
      if (!server.ip.empty()) ++glued;
      step.referral.push_back(std::move(server));
    }
    step.note = glued == static_cast<int>(step.referral.size()) ? "glue for every server"
                : glued == 0 ? "no glue: the server names must be resolved first"
                             : "glue for " + std::to_string(glued) + " of " +
                                   std::to_string(step.referral.size()) + " servers";
    return;
  }
  const bool has_soa = std::any_of(reply.authorities.begin(), reply.authorities.end(),
                                   [](const Record& r) { return r.type == type::soa; });
  if (reply.header.aa || has_soa) {
    step.kind = "nodata";
    return;
  }
  step.kind = "error";
  step.note = "lame: neither an answer nor a referral, and not authoritative";
}

std::vector<ServerRef> root_hints() {
  std::vector<ServerRef> roots = {
      {"a.root-servers.net", "198.41.0.4"},     {"b.root-servers.net", "170.247.170.2"},
      {"c.root-servers.net", "192.33.4.12"},    {"d.root-servers.net", "199.7.91.13"},
      {"e.root-servers.net", "192.203.230.10"}, {"f.root-servers.net", "192.5.5.241"},
      {"g.root-servers.net", "192.112.36.4"},   {"h.root-servers.net", "198.97.190.53"},
      {"i.root-servers.net", "192.36.148.17"},  {"j.root-servers.net", "192.58.128.30"},
      {"k.root-servers.net", "193.0.14.129"},   {"l.root-servers.net", "199.7.83.42"},
      {"m.root-servers.net", "202.12.27.33"},
  };
  // Start at a random root, as resolvers do, so the load is spread.
  std::random_device random;
  std::rotate(roots.begin(), roots.begin() + static_cast<long>(random() % roots.size()),
              roots.end());
  return roots;
}

Result<std::pair<std::vector<ServerRef>, int>> parse_roots(const std::vector<std::string>& values,
                                                           std::string_view option) {
  std::vector<ServerRef> roots;
  int port = 0;
  for (const auto& value : values) {
    auto address = parse_server_address(value, option);
    if (!address) return tl::unexpected(address.error());
    if (port != 0 && address->port != port) {
      return fail("bad_option",
                  std::string(option) + " value " + util::quote(value) + ": port " +
                      std::to_string(address->port) + " differs from the first root's " +
                      std::to_string(port),
                  "the walk asks every server on the root's port, so all roots share one");
    }
    port = address->port;
    roots.push_back({address->ip, address->ip});
  }
  return std::make_pair(std::move(roots), port == 0 ? 53 : port);
}

struct Walker::State {
  std::vector<WalkStep> steps;
  std::vector<std::string> names;  // every name walked for, to catch CNAME loops
  // Server names whose address is being looked up: a glueless delegation
  // cycle (a's servers in b, b's in a) must not recurse through the cache.
  std::vector<std::string> resolving;
  int resolves = 0;  // every resolve() entered, cached or not, against runaway work
};

struct Walker::Outcome {
  std::string rcode;
  std::vector<Record> answers;
  std::optional<Error> error;
};

bool WalkResult::found() const {
  return !error && !answers.empty() && answers.back().type == type;
}

Walker::Walker(WalkOptions options)
    : options_(std::move(options)), deadline_(Clock::now() + options_.timeout) {}

bool Walker::cancelled() const {
  return util::cancelled(options_.cancel);
}

WalkResult Walker::walk(const std::string& name, std::uint16_t type) {
  const auto started = Clock::now();
  State state;
  state.names.push_back(name);
  auto outcome = resolve(state, name, type, 0);
  WalkResult result;
  result.name = name;
  result.type = type;
  result.rcode = outcome.rcode;
  result.answers = std::move(outcome.answers);
  result.error = std::move(outcome.error);
  result.steps = std::move(state.steps);
  result.duration = Clock::now() - started;
  return result;
}

WalkStep Walker::ask(const ServerRef& server, const std::string& zone, const std::string& name,
                     std::uint16_t type, int depth, bool tcp) {
  auto step = new_step(server, zone, name, type, depth);
  step.transport = tcp || options_.tcp ? "tcp" : "udp";
  if (options_.on_step) options_.on_step(step);
  const ServerAddress address{server.ip, options_.port};
  const auto query = build_query(name, type, {0, false, 1232});
  // resolve() checked the deadline just before; a query sent as it passes gets a millisecond.
  const auto wait =
      query_wait(deadline_, options_.server_timeout).value_or(std::chrono::milliseconds(1));
  const auto sent =
      exchange(query, {format_server_address(address), tcp || options_.tcp, wait, options_.cancel});
  step.transport = sent.transport;
  step.duration = sent.duration;
  step.reply_status = sent.status;
  if (cancelled() && sent.status == "timeout") {
    step.kind = "interrupted";
    step.note = "interrupted (Ctrl-C) while waiting for the reply";
  } else if (sent.status != "answered") {
    step.kind = sent.status == "timeout" ? "timeout" : "error";
    step.note = sent.error;
  } else if (sent.reply->header.tc && sent.transport == "udp") {
    step.flags = sent.reply->header;
    step.rcode = rcode_name(sent.reply->header.rcode);
    step.kind = "truncated";
    step.note = "the reply did not fit in UDP (TC flag); asking again over TCP";
  } else {
    classify_reply(step, *sent.reply);
  }
  return step;
}

std::optional<std::string> Walker::address_of(State& state, ServerRef& server,
                                              const std::string& zone, int depth) {
  if (is_within(server.name, zone)) {
    auto step = new_step(server, zone, server.name, type::a, depth);
    step.kind = "error";
    step.note = "no glue for " + server.name + ", which lies inside " + zone +
                " itself: it cannot be reached";
    state.steps.push_back(step);
    if (options_.on_step) options_.on_step(step);
    return std::nullopt;
  }
  const auto already =
      std::any_of(state.resolving.begin(), state.resolving.end(),
                  [&](const std::string& n) { return util::iequals(n, server.name); });
  if (already) return std::nullopt;
  state.resolving.push_back(server.name);
  auto found = resolve(state, server.name, type::a, depth + 1);
  state.resolving.pop_back();
  for (const auto& record : found.answers) {
    if (record.type != type::a) continue;
    server.ip = record.data;
    // Later walks through this zone reuse the address, as a resolver's cache would.
    if (auto known = delegations_.find(util::to_lower(zone)); known != delegations_.end()) {
      for (auto& cached : known->second) {
        if (util::iequals(cached.name, server.name)) cached.ip = server.ip;
      }
    }
    return server.ip;
  }
  return std::nullopt;
}

Walker::Outcome Walker::resolve(State& state, const std::string& name, std::uint16_t type,
                                int depth) {
  if (++state.resolves > kMaxWalkSteps) {
    return {{},
            {},
            Error{"dns_limit",
                  "DNS walk for " + name + " needed more than " + std::to_string(kMaxWalkSteps) +
                      " lookups (CNAMEs and glueless server names)",
                  "the zones' delegations or CNAMEs need fixing"}};
  }
  if (depth > kMaxWalkDepth) {
    return {{},
            {},
            Error{"dns_limit",
                  "DNS walk for " + name + " nested deeper than " + std::to_string(kMaxWalkDepth) +
                      " levels (CNAMEs and glueless delegations)",
                  "the zones' delegations or CNAMEs need fixing"}};
  }
  std::string zone = ".";
  std::vector<ServerRef> servers = options_.roots;
  bool cached = false;
  for (const auto& [known, known_servers] : delegations_) {
    if (is_within(name, known) && label_count(known) > label_count(zone)) {
      zone = known;
      servers = known_servers;
      cached = true;
    }
  }

  while (true) {
    bool moved = false;
    // How each server of this zone failed: "timeout", "refused", "malformed", "lame".
    std::vector<std::string> failure_kinds;
    std::vector<std::string> failures;
    for (std::size_t i = 0; i < servers.size() && !moved; ++i) {
      if (cancelled()) return {{}, {}, interrupted_error()};
      if (static_cast<int>(state.steps.size()) >= kMaxWalkSteps) {
        return {{},
                {},
                Error{"dns_limit",
                      "DNS walk for " + name + " took more than " + std::to_string(kMaxWalkSteps) +
                          " queries",
                      "a long chain of lame or dead servers; check the delegations of " + zone}};
      }
      if (Clock::now() >= deadline_) {
        return {
            {},
            {},
            Error{"dns_timeout", "DNS walk for " + name + " ran out of time", "raise --timeout"}};
      }
      auto& server = servers[i];
      if (server.ip.empty() && !address_of(state, server, zone, depth)) {
        failures.push_back(server.name + ": no address");
        failure_kinds.emplace_back("lame");
        continue;
      }
      auto step = ask(server, zone, name, type, depth, false);
      if (step.kind == "truncated") {
        step.from_cache = cached;
        state.steps.push_back(step);
        if (options_.on_step) options_.on_step(step);
        step = ask(server, zone, name, type, depth, true);
      }
      step.from_cache = cached;
      state.steps.push_back(step);
      if (options_.on_step) options_.on_step(step);
      if (cancelled()) return {{}, {}, interrupted_error()};

      if (step.kind == "nxdomain") return {step.rcode, step.answers, std::nullopt};
      if (step.kind == "nodata") return {step.rcode, {}, std::nullopt};
      if (step.kind == "answer") {
        const auto chain = follow_answer(step.answers, name, type, zone);
        if (!chain.records.empty()) return {step.rcode, step.answers, std::nullopt};
        const auto seen =
            std::any_of(state.names.begin(), state.names.end(),
                        [&](const std::string& n) { return util::iequals(n, chain.final_name); });
        if (chain.loop || seen) {
          return {{},
                  step.answers,
                  Error{"dns_loop",
                        "DNS: a CNAME loop: " + util::join(state.names, " -> ") + " -> " +
                            chain.final_name,
                        "the CNAME records need fixing"}};
        }
        state.names.push_back(chain.final_name);
        auto rest = resolve(state, chain.final_name, type, depth + 1);
        rest.answers = concat(chain.cnames, rest.answers);
        return rest;
      }
      if (step.kind == "referral") {
        zone = step.referral_zone;
        servers = step.referral;
        delegations_[util::to_lower(zone)] = servers;
        cached = false;
        moved = true;
        continue;
      }
      failure_kinds.push_back(step.kind == "timeout"             ? "timeout"
                              : step.reply_status == "refused"   ? "refused"
                              : step.reply_status == "malformed" ? "malformed"
                                                                 : "lame");
      failures.push_back(server.name + ": " + step.note);
    }
    if (moved) continue;
    return {{}, {}, zone_failure(zone, failures, failure_kinds)};
  }
}

}  // namespace reqscope::dns
