// CLI11, for the two command lines (scanner/cli.cc, src/login/cli.cc). GCC 12 reports a
// "potential null pointer dereference" inside its split() (a vector of strings growing):
// a false alarm in a library header, kept out of the build log here, once.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop
