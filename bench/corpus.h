// A deterministic generated corpus for the benchmarks: log-like, source-like and JSON-lines
// (chat/ticket export) text with sparse planted tokens (invented at run time, valid
// checksums); and the small pieces the benchmarks share: the thread-CPU clock they time
// with, a median, a Hyperscan callback that counts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tokensweep::bench {

enum class Shape { kLog, kSource, kJsonl };

// "log", "source", "jsonl"; false for anything else.
bool parse_shape(const std::string& name, Shape& shape);

// About `bytes` bytes of `shape`, with one planted token per `token_every` bytes on average
// (0: none). The same arguments always give the same bytes.
std::string make_corpus(Shape shape, std::size_t bytes, std::size_t token_every, uint32_t seed = 1);

// The calling thread's CPU time in seconds: what the benchmarks that take turns between
// variants time, so that other work on a shared machine counts less.
double thread_cpu_seconds();

// The middle value (the upper one of an even count), 0 for none.
double median(std::vector<double> values);

// A Hyperscan match callback that adds one to the unsigned long long `ctx` points to.
int count_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void* ctx);

}  // namespace tokensweep::bench
