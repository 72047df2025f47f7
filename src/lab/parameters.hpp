#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

namespace reqscope::lab {

// Parses a non-negative decimal no larger than `max`, or explains why not.
std::optional<long> parse_bounded(const std::string& text, long max, std::string& why);

// The parameters in the request's query string. Not req.params: cpp-httplib
// adds the fields of a form body to those, and they are no parameters.
httplib::Params query_of(const httplib::Request& req);

// The request's query parameters, if each is one of `known` and given once
// (else nullopt and `why`): a misspelt parameter would otherwise be ignored,
// and its default used.
std::optional<httplib::Params> read_query(const httplib::Request& req,
                                          const std::vector<std::string>& known, std::string& why);

// Answers 400 with a one-line text/plain reason, "bad request: <why>".
void bad_request(httplib::Response& res, const std::string& why);

// Routes GET (and so HEAD), POST, PUT, PATCH, DELETE and OPTIONS on `pattern` to `handler`.
void route_every_method(httplib::Server& server, const std::string& pattern,
                        const httplib::Server::Handler& handler);

}  // namespace reqscope::lab
