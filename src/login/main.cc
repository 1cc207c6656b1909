#include <iostream>

#include "login/cli.h"

int main(int argc, char** argv) { return tokensweep::login::run_cli(argc, argv, std::cout, std::cerr); }
