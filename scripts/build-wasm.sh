#!/bin/sh
# Builds kernels/*.c into src/engine/backend/dad_kernels.wasm (committed; CI rebuilds it and checks the bytes match).
#
# Reproducible: fixed compiler (Debian clang-14 / wasm-ld-14), sorted inputs, relative paths, no debug info, so the
# output depends only on the sources. Memory is imported and shared: the TypeScript side creates it, and because
# growing a shared memory never detaches its buffer, Float32Array views handed out by `alloc` stay valid after growth.
set -eu
cd "$(dirname "$0")/.."

CLANG=${CLANG:-clang-14}
command -v "$CLANG" >/dev/null 2>&1 || { echo "build-wasm: $CLANG not found (apt-get install clang-14 lld-14)" >&2; exit 1; }
command -v wasm-ld-14 >/dev/null 2>&1 || { echo "build-wasm: wasm-ld-14 not found (apt-get install lld-14)" >&2; exit 1; }

OUT=src/engine/backend/dad_kernels.wasm
# 64 KiB pages: 16 MiB at start (static packing buffers + stack), 4 GiB at most (the wasm32 limit).
INITIAL_MEMORY=16777216
MAX_MEMORY=4294967296

SOURCES=$(LC_ALL=C ls kernels/*.c)
export LC_ALL=C
export SOURCE_DATE_EPOCH=0

# shellcheck disable=SC2086
"$CLANG" --target=wasm32 -O3 -msimd128 -matomics -mbulk-memory -nostdlib -ffreestanding \
  -fvisibility=hidden -fno-math-errno -fno-builtin-expf -fno-ident \
  -Wall -Wextra -Werror -Wno-unused-parameter \
  -fuse-ld=lld -Wl,--no-entry -Wl,--export-dynamic -Wl,--export=__heap_base \
  -Wl,--import-memory -Wl,--shared-memory -Wl,--initial-memory=$INITIAL_MEMORY -Wl,--max-memory=$MAX_MEMORY \
  -Wl,-z,stack-size=1048576 -Wl,--stack-first \
  -o "$OUT.tmp" $SOURCES
mv "$OUT.tmp" "$OUT"
echo "build-wasm: wrote $OUT ($(wc -c < "$OUT") bytes)"
