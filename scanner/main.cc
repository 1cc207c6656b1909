#include "cli.h"

int main(int argc, char** argv) { return tokensweep::cli::run(argc, argv); }
