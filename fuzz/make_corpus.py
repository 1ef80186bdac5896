#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/ (all but fuzz_checkpoint's, which the project itself
writes: build the `fuzz_make_checkpoint_seed` target of the fuzz preset and run it with the
folder as argument). Deterministic: running it again rewrites the same files.

    python3 fuzz/make_corpus.py
"""
import gzip
import random
import re
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
GOLDEN = HERE.parent / "data" / "golden"


def write(harness, name, data):
    folder = CORPUS / harness
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def case_file():
    # The two smallest cases of each golden file, one per seed file; and a results-file entry.
    for path in sorted(GOLDEN.glob("*.cases")):
        blocks = re.findall(r"^case .*?^end\n", path.read_text(), flags=re.S | re.M)
        for i, block in enumerate(sorted(blocks, key=len)[:2]):
            write("fuzz_case_file", f"{path.stem}_{i}.cases", block)
    write("fuzz_case_file", "two_cases_and_error.cases",
          "case a\nop xcorr2d\nparam mode same\ntensor x 2 2 2\n1 2\n3 4\ntensor w 2 1 1\n2\nend\n"
          "case b\nop conv2d\nparam stride 1 1\nerror conv2d: no output\nend\n")


def idx():
    pixels = bytes(range(2 * 3 * 4))
    images = struct.pack(">IIII", 0x803, 2, 3, 4) + pixels
    labels = struct.pack(">II", 0x801, 3) + bytes([0, 9, 4])
    write("fuzz_idx", "images_2x3x4.idx", images)
    write("fuzz_idx", "labels_3.idx", labels)
    write("fuzz_idx", "images_2x3x4.idx.gz", gzip.compress(images, mtime=0))
    write("fuzz_idx", "labels_3.idx.gz", gzip.compress(labels, mtime=0))
    write("fuzz_idx", "images_truncated.idx", images[:-5])


def matrix_input():
    for i, text in enumerate(["1 2; 3 4", "0 1 2\n3 4 5\n6 7 8", "[1, 2, 3]", "-1.5e3 2.25; nan -inf",
                              "0x1p-3 4; 5 6", "1 2; 3"]):
        write("fuzz_matrix_input", f"matrix_{i}.txt", text)


def ops():
    # FuzzedDataProvider reads the numbers from the end of the input and the bools from the start:
    # random strings of a few lengths decode to assorted problems.
    rng = random.Random(20261127)
    for i in range(12):
        write("fuzz_ops", f"problem_{i:02d}.bin", bytes(rng.randrange(256) for _ in range(24 + 4 * i)))


if __name__ == "__main__":
    case_file()
    idx()
    matrix_input()
    ops()
