// std::ios_base_library_init() for libstdc++ older than GCC 13.
//
// GCC 13 emits a call to this function from every translation unit that includes <iostream>, and versions it
// GLIBCXX_3.4.32. TorchSharp's libLibTorchSharp.so was built with GCC 13, so it asks for that version; Debian 12's
// libstdc++ (GCC 12) initialises the standard streams by itself and lacks the symbol. Constructing one
// std::ios_base::Init does what GCC 13's function does. The linker version script exports it as GLIBCXX_3.4.32.
#include <ios>

namespace std {
void ios_base_library_init() {
    static ios_base::Init init;
}
}
