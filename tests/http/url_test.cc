#include "http/url.h"

#include <gtest/gtest.h>

namespace tokensweep::http {
namespace {

TEST(UrlPolicy, AcceptsHttpsAnywhere) {
  EXPECT_TRUE(check_url_policy("https://idp.example.com/token", false));
  EXPECT_TRUE(check_url_policy("https://127.0.0.1:8443/", false));
}

TEST(UrlPolicy, RefusesPlainHttpEvenToLoopbackUnlessAllowed) {
  Status refused = check_url_policy("http://127.0.0.1:8080/token", false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("https"), std::string::npos);
  EXPECT_TRUE(check_url_policy("http://127.0.0.1:8080/token", true));
  EXPECT_TRUE(check_url_policy("http://[::1]:8080/token", true));
}

TEST(UrlPolicy, RefusesPlainHttpToAnythingButALoopbackLiteral) {
  for (const char* url : {"http://example.com/", "http://localhost:8080/", "http://127.0.0.2/",
                          "http://10.0.0.1/", "http://[::2]/", "http://127.0.0.1.nip.io/"}) {
    EXPECT_FALSE(check_url_policy(url, true)) << url;
  }
}

TEST(UrlPolicy, RefusesCredentialsFragmentsOtherSchemesAndControlCharacters) {
  for (const char* url : {"https://user:pass@idp.example.com/", "https://idp.example.com/#frag",
                          "ftp://idp.example.com/", "file:///etc/passwd", "https://idp.example.com/a b",
                          "https://idp.example.com/\r\nX: y", "idp.example.com", "https://:443/",
                          "https://idp.example.com:0/", "https://idp.example.com:99999/"}) {
    EXPECT_FALSE(check_url_policy(url, true)) << url;
  }
}

TEST(ParseUrl, SplitsHostPortAndPath) {
  auto p = parse_url("HTTPS://IdP.Example.com:8443/realms/x?y=1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p.value().scheme, "https");
  EXPECT_EQ(p.value().host, "idp.example.com");
  EXPECT_EQ(p.value().port, 8443);
  EXPECT_EQ(p.value().path_and_query, "/realms/x?y=1");
  auto v6 = parse_url("http://[::1]/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6.value().host, "::1");
  EXPECT_EQ(v6.value().port, 80);
}

TEST(FormEncode, EscapesEverythingButUnreservedAndUsesPlusForSpace) {
  EXPECT_EQ(form_encode({{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                         {"scope", "openid profile"},
                         {"x", "a+b/c=d&e~f"}}),
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&scope=openid+profile"
            "&x=a%2Bb%2Fc%3Dd%26e~f");
  EXPECT_EQ(percent_encode("a b"), "a%20b");
}

}  // namespace
}  // namespace tokensweep::http
