#pragma once

#include <httplib.h>

namespace reqscope::lab {

// The lab's rate-limited endpoints, one for each algorithm real APIs use:
// /ratelimit/fixed?limit=&window= (a fixed window aligned to the wall clock),
// /ratelimit/sliding?limit=&window= (a sliding log) and
// /ratelimit/token?rate=&burst= (a token bucket). Each counts separately for
// every client address, endpoint and set of limit parameters; headers=ietf|
// draft|x|none only chooses the rate-limit headers it answers with (the same
// count in every dialect), so that `reqscope ratelimit` has every dialect and
// algorithm to read and probe.
void add_ratelimit_routes(httplib::Server& server);

}  // namespace reqscope::lab
