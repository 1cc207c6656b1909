#include <iostream>

#include "cli.h"
#include "commands.h"
#include "pipeline/redact.h"

namespace tokensweep::cli {

int redact_command(const RedactArgs& args) {
  auto engine = load_engine(args.rules);
  if (!engine) {
    print_error(engine.error().to_string());
    return kExitError;
  }
  if (!args.in_place.empty()) {
    if (args.input != "-") {
      print_error("redact: give either --in-place FILE or an input, not both");
      return kExitError;
    }
    auto stats = pipeline::redact_in_place(engine.value(), args.in_place);
    if (!stats) {
      print_error(stats.error().to_string() + " (the file is unchanged)");
      return kExitError;
    }
    std::cerr << "tokensweep: " << args.in_place << ": " << stats.value().secrets << " secrets redacted\n";
    return kExitClean;
  }
  FdSource in;
  if (auto st = in.open(args.input); !st) {
    print_error(st.error().to_string());
    return kExitError;
  }
  auto stats = pipeline::redact_stream(engine.value(), in, std::cout);
  if (!stats) {
    print_error(stats.error().to_string());
    return kExitError;
  }
  return kExitClean;
}

}  // namespace tokensweep::cli
