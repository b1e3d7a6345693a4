#!/usr/bin/env python3
"""Lists the GPU architectures the ND4J CUDA natives carry code for.

Reads the libnd4jcuda shared library inside an nd4j-cuda classifier jar (or a library file given
directly), finds its ELF section .nv_fatbin, and walks the CUDA fat binaries in it: every fat binary
is a container (magic 0xBA55ED50) of entries, each either PTX (kind 1, compiled by the driver for any
newer GPU) or machine code (kind 2, SASS for one architecture; it runs on that architecture and on the
later minor versions of the same major one). Prints the containers found, the SASS architectures and
whether any PTX is present.

    python3 docs/tools/cuda_archs.py ~/.m2/repository/org/nd4j/nd4j-cuda-11.6/1.0.0-M2.1/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar
"""
import struct
import sys
import zipfile

FATBIN_MAGIC = 0xBA55ED50


def library_bytes(path):
    if path.endswith(".jar"):
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.endswith("libnd4jcuda.so")]
            if not names:
                sys.exit(path + ": no libnd4jcuda.so inside")
            return names[0], z.read(names[0])
    with open(path, "rb") as f:
        return path, f.read()


def section(elf, wanted):
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        sys.exit("not a 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    def header(i):
        return struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize)
    names_off = header(shstrndx)[4]
    for i in range(shnum):
        h = header(i)
        name = elf[names_off + h[0]:elf.index(b"\0", names_off + h[0])].decode()
        if name == wanted:
            return elf[h[4]:h[4] + h[5]]
    sys.exit("no section " + wanted)


def walk(data):
    containers, sass, ptx = 0, {}, {}
    o = 0
    while o + 16 <= len(data):
        magic, _version, header_size, fat_size = struct.unpack_from("<IHHQ", data, o)
        if magic != FATBIN_MAGIC:
            o += 8   # containers are 8-byte aligned; skip padding
            continue
        containers += 1
        e = o + header_size
        end = e + fat_size
        while e < end:
            kind, _v, entry_header, size = struct.unpack_from("<HHIQ", data, e)
            arch, = struct.unpack_from("<I", data, e + 28)
            target = ptx if kind == 1 else sass
            target[arch] = target.get(arch, 0) + 1
            e += entry_header + size
        o = end
    return containers, sass, ptx


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    name, lib = library_bytes(sys.argv[1])
    containers, sass, ptx = walk(section(lib, ".nv_fatbin"))
    print(name + ": " + str(containers) + " fat binaries in .nv_fatbin")
    print("SASS (machine code) for: " + ", ".join("sm_%d (%d.%d): %d" % (a, a // 10, a % 10, n)
                                                   for a, n in sorted(sass.items())))
    print("PTX for: " + (", ".join("compute_%d: %d" % (a, n) for a, n in sorted(ptx.items())) or "none"))


if __name__ == "__main__":
    main()
