#include "engine/known_examples.h"

#include <array>

namespace tokensweep::engine {
namespace {

// Compared for equality with the whole secret. Each entry names where it is published.
constexpr std::array<std::string_view, 42> kExactValues = {
    // RFC 6749 §2.3.1–§5.1: authorization code, access and refresh token, client secret,
    // the s6BhdRkqt3:gX1fBat3bV Basic credential and its password, §4.3.2's password.
    "SplxlOBeZQQYbYS6WxSbIA", "2YotnFZFEjr1zCsicMWpAA", "tGzv3JOkF0XG5Qx2TlKWIA",
    "7Fjfp0ZBr1KtDRbnfVdmIw", "czZCaGRSa3F0MzpnWDFmQmF0M2JW", "gX1fBat3bV",
    "A3ddj3w",
    // RFC 6750 §2.1 bearer token; RFC 7009 §2.1 revocation sample.
    "mF_9.B5f-4.1JqM", "45ghiukldjahdnhzdauz",
    // RFC 8628 §3.2 device code and §3.3/§6.1 user codes.
    "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS", "WDJB-MJHT", "BDWP-HQPK", "WDJBMJHT",
    // RFC 7636 Appendix B PKCE verifier and challenge.
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    // AWS documentation key pair and session samples.
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "ASIAIOSFODNN7EXAMPLE",
    // Azurite / Azure Storage emulator account key, published in Microsoft's docs.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // Google Cloud SDK's installed-app OAuth client: public by design, in every ADC file.
    "d-FL95Q19q7MQmFpd7hHD0Ty",
    // Stripe's API reference test keys.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    // GitHub documentation sample PAT.
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    // Slack API documentation sample bot token.
    "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
    // Mailgun documentation sample API key.
    "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
    // kubeadm's documented bootstrap token.
    "abcdef.0123456789abcdef",
    // Words that stand in for a secret in tutorials and sample configs.
    "password", "Password", "PASSWORD", "passw0rd", "secret", "Secret", "SECRET",
    "changeit", "hunter2", "passwd", "Passw0rd", "P@ssw0rd", "p@ssw0rd",
};

// Looked for anywhere in the secret: the payload of jwt.io's sample token
// ({"sub":"1234567890","name":"John Doe",…}), whatever its algorithm and signature,
// and the signature of the classic HS256 sample.
constexpr std::array<std::string_view, 3> kContainedValues = {
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lI",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "AKIAIOSFODNN7EXAMPLE",
};

}  // namespace

bool is_known_example(std::string_view secret) {
  for (std::string_view value : kExactValues) {
    if (secret == value) return true;
  }
  for (std::string_view value : kContainedValues) {
    if (secret.find(value) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace tokensweep::engine
