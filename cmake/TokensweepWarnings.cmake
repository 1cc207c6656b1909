# Warnings and sanitizers applied to every tokensweep target.
add_library(tokensweep_options INTERFACE)
target_compile_options(tokensweep_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
  $<$<BOOL:${TOKENSWEEP_WERROR}>:-Werror>)
if(TOKENSWEEP_SANITIZE)
  target_compile_options(tokensweep_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(tokensweep_options INTERFACE -fsanitize=address,undefined)
endif()
