#include "reqscope/render/dns_human.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reqscope/dns/answer.hpp"
#include "reqscope/dns/name.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::render {

namespace {

std::string flags_text(const dns::Header& header) {
  std::vector<std::string> set;
  if (header.qr) set.emplace_back("qr");
  if (header.aa) set.emplace_back("aa");
  if (header.tc) set.emplace_back("tc");
  if (header.rd) set.emplace_back("rd");
  if (header.ra) set.emplace_back("ra");
  if (header.ad) set.emplace_back("ad");
  if (header.cd) set.emplace_back("cd");
  return set.empty() ? "none" : util::join(set, " ");
}

// Record data wrapped after the record's columns, at spaces, and mid-word
// only where a word is longer than the room (TXT data can be one long word);
// very long data (a large TXT record) is cut unless verbose.
std::string record_data(const std::string& data, const std::string& head, bool verbose) {
  constexpr std::size_t kLongData = 240;
  constexpr std::size_t kShownData = 160;
  constexpr std::size_t kMinRoom = 24;
  const bool shorten = !verbose && data.size() > kLongData;
  std::string_view rest = data;
  if (shorten) rest = rest.substr(0, kShownData);
  // A wide head (a long owner name) leaves too little room: the data goes on
  // the next line, indented as far as the record's name.
  constexpr std::size_t kDataIndent = 16;
  const bool own_line = head.size() + kMinRoom > kColumns;
  const std::size_t start = own_line ? kDataIndent : head.size();
  const std::size_t room = kColumns - start;
  const std::string indent(start, ' ');
  std::string out = own_line ? head + "\n" + indent : head;
  while (rest.size() > room) {
    // Break at the last space that fits; mid-word only for a word longer than a line.
    auto cut = rest.rfind(' ', room);
    if (cut == std::string_view::npos || cut == 0) cut = room;
    out += std::string(rest.substr(0, cut)) + "\n" + indent;
    rest.remove_prefix(cut);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  }
  out += std::string(rest) + (shorten ? "..." : "") + "\n";
  if (shorten) {
    out += indent + fmt::format("(+{} chars; -v shows all)\n", data.size() - kShownData);
  }
  return out;
}

// The records of a verdict line: all of them when short, else the first and a count.
std::string verdict_records(const std::vector<std::string>& items) {
  constexpr std::size_t kRoom = 44;
  const auto list = util::join(items, ", ");
  if (list.size() <= kRoom) return list;
  std::string first = items.front().substr(0, kRoom - 14);
  if (first.size() < items.front().size()) first += "...";
  return items.size() == 1 ? first : first + " and " + std::to_string(items.size() - 1) + " more";
}

std::size_t name_width(const std::vector<dns::Record>& records) {
  constexpr std::size_t kMaxNameWidth = 32;
  std::size_t width = 0;
  for (const auto& record : records)
    width = std::max(width, record.name.size());
  return std::min(width, kMaxNameWidth);
}

std::string record_line(const dns::Record& record, const std::string& prefix, std::size_t width,
                        bool verbose) {
  const auto head = fmt::format("{}{:<{}} {:>8} {:<5} ", prefix, record.name, width,
                                std::to_string(record.ttl) + " s", dns::type_name(record.type));
  return record_data(record.data, head, verbose);
}

std::string records_block(const char* label, const std::vector<dns::Record>& records,
                          std::size_t width, bool verbose) {
  std::string out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    out += record_line(records[i], fmt::format("  {:<11} ", i == 0 ? label : ""), width, verbose);
  }
  return out;
}

std::string outcome_word(const std::string& outcome, const Style& style) {
  if (outcome == "answer") return style.bold(style.green("OK"));
  if (outcome == "nxdomain") return style.bold(style.yellow("NXDOMAIN"));
  if (outcome == "nodata") return style.bold(style.yellow("NODATA"));
  return style.bold(style.red("FAILED"));
}

// A verdict: the word, two spaces, then the text, wrapped when a long name
// makes it wider than the screen.
std::string fit(const std::string& word, const std::string& text) {
  return util::wrap(text, kColumns, word + "  ", "    ");
}

std::string lookup_verdict(const dns::Lookup& lookup, const Style& style) {
  const auto took = fmt::format(" {} {}", style.dot(), format_ms(util::to_ms(lookup.duration)));
  const auto error = dns::lookup_error(lookup);
  if (error && error->kind == "interrupted") {
    return style.bold(style.yellow("INTERRUPTED")) + "  " + lookup.name + ": partial results" +
           took + "\n";
  }
  if (error) {
    return style.bold(style.red("FAILED")) + "  " + error->kind + took + "\n" + error_block(*error);
  }
  std::vector<std::string> found;
  const dns::TypeLookup* negative = nullptr;
  std::vector<const dns::TypeLookup*> others;  // types that neither answered nor were negative
  for (const auto& query : lookup.lookups) {
    for (const auto& record : query.records) {
      found.push_back(dns::type_name(record.type) + " " + record.data);
    }
    if (query.outcome == "nxdomain" || query.outcome == "nodata") {
      if (negative == nullptr) negative = &query;
    } else if (query.outcome != "answer") {
      others.push_back(&query);
    }
  }
  std::string out;
  if (found.empty()) {
    out = fit(outcome_word(negative->outcome, style), negative->explanation + took);
  } else {
    out = fit(style.bold(style.green("OK")), lookup.name + " " + verdict_records(found) + took);
    if (negative != nullptr) others.insert(others.begin(), negative);
  }
  for (const auto* other : others) {
    out += util::wrap(dns::type_name(other->type) + ": " + other->explanation, kColumns, "    ",
                      "      ");
  }
  return out;
}

// What one attempt came to, in a few words.
std::string attempt_result(const dns::Exchange& attempt) {
  if (attempt.reply) {
    if (attempt.reply->header.tc) return "truncated, retried over TCP";
    if (const auto* ns = dns::referral_of(*attempt.reply)) {
      return "a referral to " + ns->name + ": this server does not recurse";
    }
    return dns::rcode_name(attempt.reply->header.rcode);
  }
  if (attempt.status == "refused") return "connection refused or no route";
  return attempt.error;
}

std::string render_query(const dns::TypeLookup& query, const HumanOptions& options) {
  const auto& style = options.style;
  std::string out = style.bold(dns::type_name(query.type)) + "  " + query.name + "\n";
  for (std::size_t i = 0; i + 1 < query.attempts.size(); ++i) {
    const auto& attempt = query.attempts[i];
    out +=
        util::wrap(fmt::format("{} over {}, {}: {}", attempt.server, attempt.transport,
                               format_ms(util::to_ms(attempt.duration)), attempt_result(attempt)),
                   kColumns, fmt::format("  {:<11} ", i == 0 ? "tried" : ""), std::string(16, ' '));
  }
  if (query.attempts.empty()) return out + "  " + query.explanation + "\n";
  const auto& last = query.attempts.back();
  out += fmt::format("  {:<11} {} over {}, {}\n", "server", last.server, last.transport,
                     format_ms(util::to_ms(last.duration)));
  if (!last.reply) {
    return out + fmt::format("  {:<11} {}\n", "result", style.red(attempt_result(last)));
  }
  const auto& reply = *last.reply;
  out += fmt::format("  {:<11} {} {} flags {}\n", "status", dns::rcode_name(reply.header.rcode),
                     style.dot(), flags_text(reply.header));
  if (!query.cnames.empty()) {
    out += fmt::format("  {:<11} {}", "chain", query.name);
    for (const auto& cname : query.cnames)
      out += fmt::format(" {} {}", style.arrow(), cname.data);
    out += "\n";
  }
  if (query.outcome != "answer") {
    out += util::wrap(query.explanation, kColumns, fmt::format("  {:<11} ", "result"),
                      std::string(14, ' '));
    if (query.negative_ttl_s) {
      out += fmt::format("  {:<11} {} s, the time resolvers cache this negative answer\n",
                         "neg. TTL", *query.negative_ttl_s);
    }
  }
  std::vector<dns::Record> all = reply.answers;
  all.insert(all.end(), reply.authorities.begin(), reply.authorities.end());
  all.insert(all.end(), reply.additionals.begin(), reply.additionals.end());
  const auto width = name_width(all);
  out += records_block("answer", reply.answers, width, options.verbose);
  out += records_block("authority", reply.authorities, width, options.verbose);
  out += records_block("additional", reply.additionals, width, options.verbose);
  return out;
}

std::string explain_lookup(const dns::Lookup& lookup) {
  std::string text =
      "A stub lookup asks a server, normally a recursive resolver (here " +
      (lookup.servers.empty() ? std::string("the system's") : lookup.servers.front()) +
      "), to find the answer for you, with the RD (recursion desired) flag set. The resolver "
      "walks from the root down if it has nothing cached, and says so with RA (recursion "
      "available). AA (authoritative answer) means the server asked owns the zone; a resolver "
      "answering from its cache never sets it. Every record carries a TTL: how many seconds "
      "anyone may keep it before asking again. NXDOMAIN means the name does not exist at all; "
      "NODATA (NOERROR with an empty answer) means the name exists but has no record of that "
      "type. Both are cached too, for the time the zone's SOA record allows. To see the walk "
      "a resolver does, add --trace.";
  // What the server that answered turned out to be, from its flags.
  for (const auto& query : lookup.lookups) {
    const auto* reply = query.reply();
    if (reply == nullptr) continue;
    const auto& server = query.attempts.back().server;
    if (reply->header.aa && !reply->header.ra) {
      text += " Here " + server + " answered with AA and without RA: it is an authoritative " +
              "server for this name, not a resolver, so it answers only for its own zones.";
    } else if (reply->header.ra) {
      text += " Here " + server + " set RA: it is a recursive resolver.";
    }
    break;
  }
  if (const auto error = dns::lookup_error(lookup); error && error->kind != "interrupted") {
    text += " This lookup failed (" + error->kind + "): " + error->hint + ".";
  }
  return "\nWhat this shows\n" + util::wrap(text, kColumns, "  ", "  ");
}

// `text` cut to `width` columns, the cut marked with "~".
std::string cut(const std::string& text, std::size_t width) {
  return text.size() <= width ? text : text.substr(0, width - 1) + "~";
}

std::string server_label(const std::string& name, const std::string& ip) {
  if (ip.empty()) return name;
  if (name == ip) return ip;
  return name + " (" + ip + ")";
}

// `lead`, then the items joined with ", ", in lines of at most kColumns that
// break only between items.
std::string fill(const std::string& lead, const std::vector<std::string>& items,
                 const std::string& first, const std::string& rest) {
  std::string out;
  std::string line = first + lead;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item = items[i] + (i + 1 < items.size() ? "," : "");
    if (line.size() > rest.size() && line.size() + 1 + item.size() > kColumns) {
      out += line + "\n";
      line = rest + item;
    } else {
      line += " " + item;
    }
  }
  return out + line + "\n";
}

std::string step_detail(const dns::WalkStep& step, const Style& style, const std::string& first,
                        const std::string& rest, bool verbose) {
  if (step.kind == "referral") {
    std::vector<std::string> servers;
    for (const auto& server : step.referral) {
      servers.push_back(server.ip.empty() ? server.name + " (no glue)"
                                          : server.name + " (" + server.ip + ")");
    }
    return fill(fmt::format("referral {} {}:", style.arrow(), step.referral_zone), servers, first,
                rest);
  }
  if (step.kind == "answer") {
    const bool aa = step.flags && step.flags->aa;
    std::string out = first + (aa ? "answer (authoritative)" : "answer") + "\n";
    for (const auto& record : step.answers) {
      const auto head = fmt::format("{}{} {} {} ", rest, record.name,
                                    std::to_string(record.ttl) + " s", dns::type_name(record.type));
      out += record_data(record.data, head, verbose);
    }
    return out;
  }
  std::string text;
  if (step.kind == "nxdomain") {
    text = "NXDOMAIN: " +
           (step.answers.empty()
                ? step.name
                : step.name + " is a CNAME to " + step.answers.back().data + ", which") +
           " does not exist" + (step.note.empty() ? std::string() : "; " + step.note);
  } else if (step.kind == "nodata") {
    text = "NODATA: " + step.name + " has no " + dns::type_name(step.type) + " record";
  } else if (step.kind == "truncated") {
    text = style.yellow("truncated (TC): asking again over TCP");
  } else if (step.kind == "interrupted") {
    text = style.yellow(step.note);
  } else if (step.kind == "timeout") {
    text = style.red("no reply in " + format_ms(util::to_ms(step.duration)) +
                     ": server dead, "
                     "unreachable or filtered");
  } else {
    text = style.red(step.note);
  }
  return util::wrap(text, kColumns, first, rest);
}

// The first step that answered for the zone of each depth (root, TLD, ...).
const dns::WalkStep* first_step_in(const dns::WalkResult& walk, int labels) {
  const auto it = std::find_if(walk.steps.begin(), walk.steps.end(), [&](const auto& step) {
    return step.depth == 0 && dns::label_count(step.zone) == labels && step.kind != "timeout" &&
           step.kind != "error" && !step.server_ip.empty();
  });
  return it == walk.steps.end() ? nullptr : &*it;
}

// What a failed walk's error means, for --explain.
std::string walk_failure_note(const dns::WalkResult& walk, const Error& error) {
  const auto& kind = error.kind;
  std::string meaning;
  if (kind == "dns_timeout") {
    meaning = "No server of a zone replied in time. They are down, or a firewall drops DNS.";
  } else if (kind == "dns_refused") {
    meaning =
        "No server of a zone could be reached at all. Nothing listens there, or there is "
        "no route to it.";
  } else if (kind == "dns_servfail") {
    meaning =
        "The servers a referral named answered, but not for that zone. This is a lame "
        "delegation: the parent zone's NS records are out of date.";
  } else if (kind == "dns_malformed") {
    meaning =
        "Every reply from a zone's servers was malformed. Something between here and "
        "them mangles DNS, or the servers are broken.";
  } else if (kind == "dns_loop") {
    meaning = "CNAME records point at each other, so no address can ever be reached.";
  } else if (kind == "dns_limit") {
    meaning =
        "The walk needed more queries or nested lookups than a resolver allows, and "
        "resolvers give up the same way.";
  } else {
    meaning = error.message + ".";
  }
  const auto queries = walk.steps.size();
  return "The walk for " + walk.name + " stopped after " + std::to_string(queries) +
         (queries == 1 ? " query. " : " queries. ") + meaning +
         " A recursive resolver would answer SERVFAIL, and clients see the name as not "
         "resolving at all.";
}

// A server in running prose: "ns1.example.com at 192.0.2.53".
std::string prose_label(const std::string& name, const std::string& ip) {
  if (ip.empty() || name == ip) return name.empty() ? ip : name;
  return name + " at " + ip;
}

}  // namespace

std::string render_lookup(const dns::Lookup& lookup, const HumanOptions& options) {
  std::string out = lookup_verdict(lookup, options.style);
  for (const auto& query : lookup.lookups)
    out += "\n" + render_query(query, options);
  if (options.explain) out += explain_lookup(lookup);
  return out;
}

std::string render_walk_steps(const std::vector<dns::WalkStep>& steps, const Style& style,
                              const std::string& indent, bool verbose) {
  // Caps that keep a step row within 80 columns at depth 0 (2 + 2 + 18 + 2 + 36 + 2 + 3 + 2 + 9).
  constexpr std::size_t kMaxZoneWidth = 18;
  constexpr std::size_t kMaxServerWidth = 36;
  std::size_t zone_width = 4;
  std::size_t server_width = 6;
  for (const auto& step : steps) {
    zone_width = std::max(zone_width, step.zone.size());
    server_width = std::max(server_width, server_label(step.server, step.server_ip).size());
  }
  zone_width = std::min(zone_width, kMaxZoneWidth);
  server_width = std::min(server_width, kMaxServerWidth);
  std::string out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    const std::string pad = indent + std::string(static_cast<std::size_t>(step.depth) * 2, ' ');
    const bool new_question = i == 0 || steps[i - 1].name != step.name ||
                              steps[i - 1].type != step.type || steps[i - 1].depth != step.depth;
    if (new_question) {
      std::vector<std::string> why;
      if (i > 0 && steps[i - 1].depth > step.depth) {
        why.emplace_back("continued");
      } else if (step.depth > 0) {
        const auto& referral = steps[i - 1].referral;
        const bool glueless = std::any_of(referral.begin(), referral.end(), [&](const auto& s) {
          return s.ip.empty() && util::iequals(s.name, step.name);
        });
        why.emplace_back(glueless ? "server name, no glue" : "CNAME target");
      }
      if (step.from_cache) why.push_back("cached: from " + step.zone);
      out += pad + "    " + style.bold(step.name + " " + dns::type_name(step.type) + "?") +
             (why.empty() ? "" : style.dim("  (" + util::join(why, "; ") + ")")) + "\n";
    }
    out += fmt::format(
        "{}{:>2}  {:<{}}  {:<{}}  {}  {:>9}\n", pad, i + 1, cut(step.zone, zone_width), zone_width,
        cut(server_label(step.server, step.server_ip), server_width), server_width,
        step.transport.empty() ? "   " : step.transport, format_ms(util::to_ms(step.duration)));
    out += step_detail(step, style, pad + "      ", pad + "        ", verbose);
  }
  return out;
}

std::string walk_progress(const dns::WalkStep& step, std::size_t columns) {
  const auto line = "asking " + server_label(step.server, step.server_ip) + " about " + step.name +
                    " " + dns::type_name(step.type) + ", for " +
                    (step.zone == "." ? std::string("the root") : step.zone) + " ...";
  return cut(line, columns);
}

std::string render_walk(const dns::WalkResult& walk, const HumanOptions& options) {
  const auto& style = options.style;
  const auto took = format_ms(util::to_ms(walk.duration));
  const auto queries =
      std::to_string(walk.steps.size()) + (walk.steps.size() == 1 ? " query" : " queries");
  std::string out;
  const auto tail = " " + std::string(style.dot()) + " " + queries + " in " + took;
  std::string word;
  std::string text;
  if (walk.error && walk.error->kind == "interrupted") {
    word = style.bold(style.yellow("INTERRUPTED"));
    text = walk.name + ": partial walk";
  } else if (walk.error) {
    word = style.bold(style.red("FAILED"));
    text = walk.error->kind;
  } else if (walk.rcode == "NXDOMAIN") {
    word = style.bold(style.yellow("NXDOMAIN"));
    text = walk.answers.empty() ? walk.name + " does not exist"
                                : walk.name + " is a CNAME to " + walk.answers.back().data +
                                      ", which does not exist";
  } else if (!walk.found()) {
    word = style.bold(style.yellow("NODATA"));
    text = walk.name + " has no " + dns::type_name(walk.type) + " record";
  } else {
    std::vector<std::string> data;
    for (const auto& record : walk.answers) {
      if (record.type == walk.type) data.push_back(record.data);
    }
    word = style.bold(style.green("OK"));
    text = walk.name + " " + dns::type_name(walk.type) + " " + verdict_records(data);
  }
  out += fit(word, text + tail);
  if (walk.error && walk.error->kind != "interrupted") out += error_block(*walk.error);
  out += "\nWalk from the root\n" + render_walk_steps(walk.steps, style, "", options.verbose);
  if (!walk.answers.empty()) {
    out += "\nAnswer\n";
    const auto width = name_width(walk.answers);
    for (const auto& record : walk.answers) {
      out += record_line(record, "  ", width, options.verbose);
    }
  }
  if (options.explain) out += explain_walk(walk);
  return out;
}

std::string explain_walk(const dns::WalkResult& walk) {
  std::vector<std::string> paragraphs;
  const auto* root = first_step_in(walk, 0);
  if (root != nullptr) {
    const auto what = root->kind == "referral"
                          ? "Asked for " + walk.name +
                                ", it did not answer but gave a referral: the servers for " +
                                root->referral_zone + "."
                          : "Asked for " + walk.name + ", it answered itself (" + root->kind +
                                "): the top-level domain is not delegated to anyone.";
    paragraphs.push_back("A root server (here " + prose_label(root->server, root->server_ip) +
                         ") knows only who runs each top-level domain. " + what +
                         " Resolvers know the root servers' addresses from a built-in list, "
                         "the root hints.");
  }
  if (const auto* tld = first_step_in(walk, 1)) {
    paragraphs.push_back(
        "A TLD server (here " + prose_label(tld->server, tld->server_ip) + ", for " + tld->zone +
        ") knows which servers are authoritative for each domain registered under it" +
        (tld->kind == "referral" ? ", and referred the walk to " + tld->referral_zone : "") + ".");
  }
  const auto glued = std::find_if(walk.steps.begin(), walk.steps.end(), [](const auto& step) {
    return step.kind == "referral" && std::any_of(step.referral.begin(), step.referral.end(),
                                                  [](const auto& s) { return !s.ip.empty(); });
  });
  if (glued != walk.steps.end()) {
    const auto& server = *std::find_if(glued->referral.begin(), glued->referral.end(),
                                       [](const auto& s) { return !s.ip.empty(); });
    paragraphs.push_back(
        "A referral names servers; glue gives their addresses in the same reply (" + server.name +
        " is " + server.ip + "), so the walk need not look those names up first. " +
        "Without glue (a glueless delegation) the resolver must resolve the server's name from "
        "the root before it can continue.");
  }
  const auto answer = std::find_if(walk.steps.rbegin(), walk.steps.rend(), [](const auto& step) {
    return step.kind == "answer" || step.kind == "nxdomain" || step.kind == "nodata";
  });
  // The root was described above when it gave the final word itself.
  if (answer != walk.steps.rend() && &*answer != root) {
    paragraphs.push_back("The authoritative server (here " +
                         prose_label(answer->server, answer->server_ip) + ", for " + answer->zone +
                         ") holds the zone's records and answers with the AA flag: its word is "
                         "final.");
  }
  if (walk.found()) {
    const auto& record = walk.answers.back();
    paragraphs.push_back(
        "TTL caching: the answer may be kept for " + std::to_string(record.ttl) +
        " s, and each referral for its own TTL, so a resolver repeats this walk rarely: most "
        "lookups are answered from its cache in well under a millisecond, and a changed record "
        "takes up to its old TTL to be seen everywhere.");
  }
  if (walk.error && walk.error->kind != "interrupted") {
    paragraphs.push_back(walk_failure_note(walk, *walk.error));
  } else if (walk.rcode == "NXDOMAIN") {
    paragraphs.push_back(
        "NXDOMAIN from the authoritative server means " +
        (walk.answers.empty() ? walk.name : walk.answers.back().data) +
        " does not exist. Resolvers cache that too, for the SOA record's negative TTL, so a "
        "name created just now may stay missing for them until that time has passed.");
  }
  if (paragraphs.empty()) return {};
  std::string out = "\nWhat this walk shows\n";
  for (std::size_t i = 0; i < paragraphs.size(); ++i) {
    if (i > 0) out += "\n";
    out += util::wrap(paragraphs[i], kColumns, "  ", "  ");
  }
  return out;
}

}  // namespace reqscope::render
