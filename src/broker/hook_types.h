// Constructors of the three hook types (internal to the broker library).
#pragma once

#include <memory>
#include <string>

#include "broker/hook.h"

namespace tokensweep::broker {

std::unique_ptr<Hook> make_oauth_hook(HookConfig config, std::string client_secret);
// `client_secret` may be empty (no HTTP Basic to the webhook).
std::unique_ptr<Hook> make_webhook_hook(HookConfig config, std::string client_secret);
std::unique_ptr<Hook> make_exec_hook(HookConfig config);

}  // namespace tokensweep::broker
