// Command-line parsing for tokensweep-login (CLI11 is caught here and nowhere else).
#pragma once

#include <ostream>

namespace tokensweep::login {

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace tokensweep::login
