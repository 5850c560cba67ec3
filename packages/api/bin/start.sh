#!/bin/sh
# `pnpm start`: the server built to JavaScript (`pnpm build` wrote dist/; see README "Built to JavaScript"),
# with memory settings that keep an idle linked server near 130 MB resident instead of about 195 MB.
# Each can be overridden from the environment; BENCHMARKS.md (figure 6) shows what each one saves.
#
# glibc's allocator: at most 2 arenas (it makes up to 8 per core, one per busy thread, and keeps what
# each one freed), and blocks of 128 KiB and more come from mmap and go back to the system when freed.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-131072}"
# V8's young generation: 1 MB semi-spaces instead of growing to 16 MB after the burst of linking. More
# frequent, shorter scavenges; a server that sends a message at a time does not notice them.
exec node --conditions=kabar-built --max-semi-space-size=1 "$(dirname "$0")/../dist/main.js"
