#pragma once

#include <httplib.h>

#include <optional>
#include <string>

namespace reqscope::lab {

// Parses a non-negative decimal no larger than `max`, or explains why not.
std::optional<long> parse_bounded(const std::string& text, long max, std::string& why);

// The parameters in the request's query string. Not req.params: cpp-httplib
// adds the fields of a form body to those, and they are no parameters.
httplib::Params query_of(const httplib::Request& req);

// Answers 400 with a one-line text/plain reason, "bad request: <why>".
void bad_request(httplib::Response& res, const std::string& why);

// Routes GET (and so HEAD), POST, PUT, PATCH, DELETE and OPTIONS on `pattern` to `handler`.
void route_every_method(httplib::Server& server, const std::string& pattern,
                        const httplib::Server::Handler& handler);

}  // namespace reqscope::lab
