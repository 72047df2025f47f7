#include <catch2/catch.hpp>

#include "reqscope/error.hpp"
#include "reqscope/util/text.hpp"

using namespace reqscope;

TEST_CASE("every error kind maps to its documented exit code", "[errors]") {
  CHECK(exit_code_for("bad_url") == ExitCode::usage);
  CHECK(exit_code_for("usage") == ExitCode::usage);
  CHECK(exit_code_for("bad_file") == ExitCode::usage);
  for (const char* kind : {"bad_origin", "forbidden_header", "forbidden_method"}) {
    INFO(kind);
    CHECK(exit_code_for(kind) == ExitCode::usage);
  }
  for (const char* kind :
       {"dns_nxdomain", "dns_timeout", "connect_refused", "connect_timeout", "tls_handshake",
        "tls_verify", "http_protocol", "timeout", "too_many_redirects"}) {
    INFO(kind);
    CHECK(exit_code_for(kind) == ExitCode::network);
  }
  CHECK(exit_code_for("something_unexpected") == ExitCode::internal);
  CHECK(static_cast<int>(ExitCode::internal) == 4);
}

TEST_CASE("join puts the separator between parts only", "[text]") {
  CHECK(util::join({}, ", ").empty());
  CHECK(util::join({"a"}, ", ") == "a");
  CHECK(util::join({"a", "", "c"}, ",") == "a,,c");
}

TEST_CASE("quoted values are bounded and escaped", "[text]") {
  CHECK(util::quote("abc") == "'abc'");
  CHECK(util::quote("a'b") == "'a\\'b'");
  CHECK(util::quote("\x1b[31m") == "'\\x1b[31m'");
  CHECK(util::quote("\xff") == "'\\xff'");
  const auto long_quote = util::quote(std::string(1000, 'x'));
  CHECK(long_quote.size() < 120);
  CHECK(long_quote.find("1000 bytes") != std::string::npos);
}

TEST_CASE("printable escapes what a terminal would act on, and keeps other UTF-8", "[text]") {
  using reqscope::util::printable;
  CHECK(printable("plain") == "plain");
  CHECK(printable("\x1b[31m") == "\\x1b[31m");
  CHECK(printable("a\xc2\x9b"
                  "31m") == "a\\u009b31m");  // CSI as a C1 control
  CHECK(printable("\xe2\x80\xae"
                  "evil") == "\\u202eevil");        // right-to-left override
  CHECK(printable("\xe2\x81\xa6x") == "\\u2066x");  // left-to-right isolate
  CHECK(printable("caf\xc3\xa9 \xe2\x86\x92") == "caf\xc3\xa9 \xe2\x86\x92");
  CHECK(printable("\xff\xc3") == "\\xff\\xc3");  // not UTF-8, or cut short
  CHECK(printable("\xf5\x80\x80\x80") == "\\xf5\\x80\\x80\\x80");
}

TEST_CASE("display width skips colour codes and counts UTF-8 characters once", "[text]") {
  using reqscope::util::display_width;
  using reqscope::util::wrap;
  CHECK(display_width("abc") == 3);
  CHECK(display_width("\x1b[31mred\x1b[0m") == 3);
  CHECK(display_width("a \xe2\x86\x92 b") == 5);
  CHECK(display_width("\x1b[") == 0);
  // Colour does not make a line that fits wrap early.
  CHECK(wrap("\x1b[31mone two\x1b[0m", 7, "", "") == "\x1b[31mone two\x1b[0m\n");
  CHECK(wrap("one two three", 9, "> ", "  ") == "> one two\n  three\n");
}
