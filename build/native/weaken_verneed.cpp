// weaken_verneed IN OUT VERSION
//
// Copies the ELF64 shared object IN to OUT and marks the version requirement VERSION (for example GLIBCXX_3.4.32) as
// weak (VER_FLG_WEAK in its Elf64_Vernaux entry of .gnu.version_r). glibc's loader then warns instead of refusing to
// load the library when no loaded object defines that version. Exit 0 when OUT is written (or VERSION is already weak),
// 3 when VERSION is not required by IN, 1 on any other error; every error is one line on stderr.
#include <elf.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

int fail(const std::string& message) {
    std::fprintf(stderr, "weaken_verneed: %s\n", message.c_str());
    return 1;
}

template <typename T>
bool read_at(const std::vector<char>& bytes, size_t offset, T& value) {
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) return fail("usage: weaken_verneed IN OUT VERSION");
    const std::string in_path = argv[1], out_path = argv[2], version = argv[3];

    std::ifstream in(in_path, std::ios::binary);
    if (!in) return fail("cannot read " + in_path);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    Elf64_Ehdr header;
    if (!read_at(bytes, 0, header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
        header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(in_path + " is not a little-endian ELF64 file");

    std::vector<Elf64_Shdr> sections(header.e_shnum);
    for (size_t i = 0; i < sections.size(); ++i)
        if (!read_at(bytes, header.e_shoff + i * sizeof(Elf64_Shdr), sections[i]))
            return fail(in_path + ": section table is truncated");

    for (const Elf64_Shdr& section : sections) {
        if (section.sh_type != SHT_GNU_verneed) continue;
        if (section.sh_link >= sections.size()) return fail(in_path + ": bad string table link");
        const Elf64_Shdr& strings = sections[section.sh_link];

        size_t need_offset = section.sh_offset;
        for (size_t n = 0; n < section.sh_info; ++n) {
            Elf64_Verneed need;
            if (!read_at(bytes, need_offset, need)) return fail(in_path + ": .gnu.version_r is truncated");
            size_t aux_offset = need_offset + need.vn_aux;
            for (size_t a = 0; a < need.vn_cnt; ++a) {
                Elf64_Vernaux aux;
                if (!read_at(bytes, aux_offset, aux)) return fail(in_path + ": .gnu.version_r is truncated");
                size_t name_offset = strings.sh_offset + aux.vna_name;
                if (name_offset >= bytes.size()) return fail(in_path + ": bad version name offset");
                if (version == bytes.data() + name_offset) {
                    aux.vna_flags |= VER_FLG_WEAK;
                    std::memcpy(bytes.data() + aux_offset, &aux, sizeof(aux));
                    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
                    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                    if (!out) return fail("cannot write " + out_path);
                    return 0;
                }
                aux_offset += aux.vna_next;
            }
            need_offset += need.vn_next;
        }
    }
    std::fprintf(stderr, "weaken_verneed: %s does not require %s\n", in_path.c_str(), version.c_str());
    return 3;
}
