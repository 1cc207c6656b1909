# One-line helpers so that every folder registers its library, tests and benchmarks alike.

# tokensweep_library(<folder> SOURCES ... DEPS ...)
#   Defines tokensweep_<folder> with alias tokensweep::<folder>; includes resolve from src/.
function(tokensweep_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(tokensweep_${name} STATIC ${ARG_SOURCES})
  add_library(tokensweep::${name} ALIAS tokensweep_${name})
  target_include_directories(tokensweep_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(tokensweep_${name} PUBLIC ${ARG_DEPS} PRIVATE tokensweep_options ${ARG_PRIVATE_DEPS})
endfunction()

# tokensweep_test(<name> SOURCES ... DEPS ... [LABELS ...])
#   One GoogleTest executable, each TEST registered with CTest.
function(tokensweep_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock tokensweep_options)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE
    TOKENSWEEP_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    TOKENSWEEP_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()

# tokensweep_benchmark(<name> SOURCES ... DEPS ...)
function(tokensweep_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark tokensweep_options)
endfunction()
