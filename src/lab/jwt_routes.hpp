#pragma once

#include <httplib.h>

#include <memory>
#include <mutex>

namespace reqscope::lab {

// The lab's JWT endpoints: /jwt/jwks.json (its public keys: RSA kid
// "lab-rsa", EC P-256 kid "lab-ec"), /jwt/token?alg=&ttl=&sub= (issues a
// token, OAuth 2 style) and /jwt/protected (401 with a Bearer challenge
// unless a valid token is sent). Keys are made on first use, so labs that
// never serve JWTs start at once.
class JwtRoutes {
 public:
  JwtRoutes();
  ~JwtRoutes();
  JwtRoutes(const JwtRoutes&) = delete;
  JwtRoutes& operator=(const JwtRoutes&) = delete;

  void add_to(httplib::Server& server);

 private:
  struct Keys;
  const Keys* keys();
  std::unique_ptr<Keys> keys_;
  std::once_flag keys_made_;
};

}  // namespace reqscope::lab
