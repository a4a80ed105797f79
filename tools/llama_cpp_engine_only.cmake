# Build only what the sandbox's engine loads: libllama and libggml*.
#
# CMake includes this file right after llama.cpp's own project() call while llama-cpp-python
# builds its wheel (the Makefile passes -DCMAKE_PROJECT_llama.cpp_INCLUDE=<this file> in
# CMAKE_ARGS, with -DLLAVA_BUILD=OFF for the multimodal library). llama-cpp-python forces
# llama.cpp's "common" library on, but its Python package never loads it: common (and the
# cpp-httplib it needs) serves llama.cpp's own command-line tools and server. The engine's
# sources, flags and -march=native are untouched: bench/llama_build.py measures the time saved
# and checks that the engine's object files hold the same machine code.
set(LLAMA_BUILD_COMMON OFF CACHE BOOL "llama: build common utils library" FORCE)
