#include <malloc.h>

#include "cli.h"

int main(int argc, char** argv) {
  // Allocations of 1 MiB and more (block buffers, chunks of findings) get pages of their
  // own, handed back to the system when freed. Left to itself glibc raises this threshold
  // to the largest block freed (an 8 MiB block buffer), and from then on a long stream's
  // findings, freed chunk by chunk as they are handed over, stay in the heap: measured,
  // that moment was the peak of a 10 GiB stdin scan.
  // Fixing it also fixes the trim threshold (128 KiB by default): 8 MiB, or a scan of many
  // small files shrinks and regrows the heap all the time.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  return tokensweep::cli::run(argc, argv);
}
