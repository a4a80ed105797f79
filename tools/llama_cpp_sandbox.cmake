# How the sandbox's llama.cpp is built: only what the engine loads, for one CPU target.
#
# CMake includes this file right after llama.cpp's own project() call while llama-cpp-python
# builds its wheel (the Makefile and binder/postBuild pass
# -DCMAKE_PROJECT_llama.cpp_INCLUDE=<this file> in CMAKE_ARGS, with -DLLAVA_BUILD=OFF for the
# multimodal library). bench/llama_build.py sets this build against pip's default one.

# Only libllama and libggml*. llama-cpp-python forces llama.cpp's "common" library on, but
# its Python package never loads it: common (and the cpp-httplib it needs) serves llama.cpp's
# own command-line tools and server. About 60 % of the compile.
set(LLAMA_BUILD_COMMON OFF CACHE BOOL "llama: build common utils library" FORCE)

# One CPU target on every x86-64 machine that has it: AVX2, FMA, F16C and BMI2 (the
# x86-64-v3 level), never -march=native. llama.cpp's numbers depend on the SIMD kernels it
# is compiled with: built natively, two machines of our kind gave the first token of one
# prompt 26.9 % and 25.6 %, and their answers drifted apart. Built for one target by the
# same compiler (Debian's GCC, as on CI), every machine runs the same instructions and
# computes the same bits, so the notebooks' committed outputs hold everywhere
# (tests/test_sandbox_build.py checks it against every committed fingerprint). A CPU
# without these instructions builds for itself, and says its numbers may differ.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND EXISTS "/proc/cpuinfo")
    file(READ "/proc/cpuinfo" _llmwidgets_cpuinfo)
    set(_llmwidgets_missing "")
    foreach(_flag avx2 fma f16c bmi2)
        if(NOT _llmwidgets_cpuinfo MATCHES "[ \t]${_flag}[ \n]")
            list(APPEND _llmwidgets_missing ${_flag})
        endif()
    endforeach()
    if(_llmwidgets_missing)
        message(WARNING "llmwidgets: this CPU lacks ${_llmwidgets_missing}: llama.cpp is "
            "built for this CPU alone, and its numbers may differ from the committed outputs")
    else()
        set(GGML_NATIVE OFF CACHE BOOL "ggml: optimize the build for the current system" FORCE)
        foreach(_on SSE42 AVX AVX2 FMA F16C BMI2)
            set(GGML_${_on} ON CACHE BOOL "ggml: one CPU target for the sandbox" FORCE)
        endforeach()
        foreach(_off AVX_VNNI AVX512 AVX512_VBMI AVX512_VNNI AVX512_BF16 AMX_TILE AMX_INT8
                     AMX_BF16)
            set(GGML_${_off} OFF CACHE BOOL "ggml: one CPU target for the sandbox" FORCE)
        endforeach()
    endif()
endif()
