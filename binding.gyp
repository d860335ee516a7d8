# The native addon: the same kernels/ C sources as the WebAssembly build, compiled for this CPU (-march=native picks
# AVX2/AVX-512 and FMA where present) with OpenMP for two-thread GEMM. Built by scripts/build-native.mjs at install.
{
  "targets": [
    {
      "target_name": "dad_kernels",
      "sources": [
        "kernels/activations.c",
        "kernels/conv.c",
        "kernels/gemm.c",
        "kernels/optimizers.c",
        "kernels/recurrent.c",
        "kernels/reductions.c",
        "kernels/native/addon.c"
      ],
      "cflags!": ["-O2", "-O0"],
      "cflags": ["-O3", "-march=native", "-fopenmp", "-std=gnu11", "-fno-math-errno", "-Wall", "-Wno-unused-parameter"],
      "ldflags": ["-fopenmp"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
