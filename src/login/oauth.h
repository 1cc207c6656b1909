// The OAuth 2.0 wire pieces the login client needs: token responses, error responses,
// discovery (RFC 8414 / OIDC Discovery), the refresh grant and revocation (RFC 7009).
// Every function takes the http::Client to use; none keeps state.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/client.h"
#include "login/secret.h"

namespace tokensweep::login {

struct Endpoints {
  std::string issuer;
  std::string device_authorization_endpoint;
  std::string token_endpoint;
  std::string revocation_endpoint;     // may be empty: then logout can only delete locally
  std::string introspection_endpoint;  // may be empty
};

// Fetches {issuer}/.well-known/openid-configuration, falling back to RFC 8414's
// /.well-known/oauth-authorization-server. The document's `issuer` must equal `issuer`
// exactly (RFC 8414 §3.3), and every endpoint must pass the client's URL policy.
Result<Endpoints> discover(const http::Client& client, const std::string& issuer);

struct TokenSet {
  Secret access_token;
  Secret refresh_token;  // empty when the server sent none (no rotation on refresh)
  Secret id_token;
  std::string token_type;
  std::string scope;
  std::optional<std::chrono::seconds> expires_in;
};

// An error response (RFC 6749 §5.2, RFC 8628 §3.5): `error` and its description.
struct OAuthError {
  std::string error;
  std::string description;
};

// Either tokens or an OAuth error; transport failures come back as Error.
struct TokenReply {
  std::optional<TokenSet> tokens;
  std::optional<OAuthError> error;
};

// Parses a token endpoint response, wiping the raw body's copies as it goes.
Result<TokenReply> parse_token_response(const http::Response& response);

// RFC 6749 §6: grant_type=refresh_token for a public client.
Result<TokenReply> refresh(const http::Client& client, const Endpoints& endpoints,
                           std::string_view client_id, const Secret& refresh_token);

// RFC 7009: revokes one token. Success means the server answered 200.
Status revoke(const http::Client& client, const Endpoints& endpoints, std::string_view client_id,
              const Secret& token, std::string_view token_type_hint);

// The identity in an ID token's payload, for display only (the signature is not
// checked: nothing is authorised on the strength of it).
struct Identity {
  std::string subject;
  std::string name;
  std::string email;
};
std::optional<Identity> identity_from_id_token(const Secret& id_token);

}  // namespace tokensweep::login
