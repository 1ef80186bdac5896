#!/usr/bin/python3
"""Cuts data/fashion-mnist-subset/ out of Debian's dataset-fashion-mnist package.

Writes the first 2,000 training and the first 500 test images and labels as gzip'd IDX files with the
package's file names (so cnnlab::load_fashion_mnist reads the folder like the full set), and a
README.md with the provenance. Prints the values tests/ch07_datasets_test.cpp checks as literals:
the label histograms, the byte sum and a few pixels of image 0 — computed here from the source
files, independently of the C++ reader.

Usage: /usr/bin/python3 tools/data/cut_fashion_mnist_subset.py [SOURCE_DIR] [OUT_DIR]
Only the Python standard library is used.
"""
import gzip
import struct
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/usr/share/datasets/fashion-mnist")
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "data" / "fashion-mnist-subset"
KEEP = {"train": 2000, "t10k": 500}
MIT_NOTICE = """The MIT License (MIT). Copyright (c) 2017 Zalando SE

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions
of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
"""
PIXELS = [(0, 0), (14, 14), (20, 13), (20, 0), (20, 27), (27, 27)]  # (row, col) of image 0 printed for the test


def read_idx(path, dimensions):
    """(sizes, data bytes) of an unsigned-byte IDX file with the given number of dimensions."""
    raw = gzip.decompress(path.read_bytes())
    magic = struct.unpack(">I", raw[:4])[0]
    if magic != 0x800 | dimensions:
        sys.exit(f"{path}: magic 0x{magic:08x}, expected 0x{0x800 | dimensions:08x}")
    sizes = struct.unpack(f">{dimensions}I", raw[4:4 + 4 * dimensions])
    data = raw[4 + 4 * dimensions:]
    expected = 1
    for s in sizes:
        expected *= s
    if len(data) != expected:
        sys.exit(f"{path}: {len(data)} data bytes, header says {expected}")
    return sizes, data


def write_idx(path, sizes, data):
    """Writes an unsigned-byte IDX file, gzip'd with mtime 0 so that a re-run gives the same bytes."""
    header = struct.pack(f">I{len(sizes)}I", 0x800 | len(sizes), *sizes)
    with open(path, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
        gz.write(header + data)


def package_version():
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", "dataset-fashion-mnist"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (dpkg-query failed)"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    facts = {}
    for prefix, keep in KEEP.items():
        (count, rows, cols), pixels = read_idx(SOURCE / f"{prefix}-images-idx3-ubyte.gz", 3)
        (label_count,), labels = read_idx(SOURCE / f"{prefix}-labels-idx1-ubyte.gz", 1)
        assert count == label_count and keep <= count
        write_idx(OUT / f"{prefix}-images-idx3-ubyte.gz", (keep, rows, cols), pixels[:keep * rows * cols])
        write_idx(OUT / f"{prefix}-labels-idx1-ubyte.gz", (keep,), labels[:keep])
        histogram = [0] * 10
        for label in labels[:keep]:
            histogram[label] += 1
        image0 = pixels[:rows * cols]
        facts[prefix] = dict(count=keep, histogram=histogram, label0=labels[0], sum0=sum(image0),
                             pixels0=[(r, c, image0[r * cols + c]) for r, c in PIXELS],
                             last_label=labels[keep - 1], sum_last=sum(pixels[(keep - 1) * rows * cols:keep * rows * cols]))

    version = package_version()
    (OUT / "README.md").write_text(f"""# Fashion-MNIST subset

The first {KEEP['train']:,} training and the first {KEEP['t10k']:,} test images of Fashion-MNIST, with their labels,
in the original gzip'd IDX format and file names, so `cnnlab::load_fashion_mnist("data/fashion-mnist-subset")`
reads this folder as it reads the full set. tests/ch07_datasets_test.cpp reads it; train on the full set.

| file | contents |
|---|---|
| train-images-idx3-ubyte.gz | {KEEP['train']} × 28 × 28 bytes |
| train-labels-idx1-ubyte.gz | {KEEP['train']} labels 0–9 |
| t10k-images-idx3-ubyte.gz | {KEEP['t10k']} × 28 × 28 bytes |
| t10k-labels-idx1-ubyte.gz | {KEEP['t10k']} labels 0–9 |

- Source: Debian package `dataset-fashion-mnist`, version {version}, files in `{SOURCE}`.
- Upstream: https://github.com/zalandoresearch/fashion-mnist (Zalando Research; Xiao, Rasul and Vollgraf,
  "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms", 2017).
- License: MIT (Debian's copyright file names it Expat), Copyright (c) 2017 Zalando SE; the notice follows.
- Cut by: `/usr/bin/python3 tools/data/cut_fashion_mnist_subset.py` (gzip with mtime 0: re-running it gives
  the same bytes).

Label histograms (classes 0–9): training {facts['train']['histogram']}, test {facts['t10k']['histogram']}.

## License

{MIT_NOTICE}""")

    for prefix, f in facts.items():
        print(f"{prefix}: {f['count']} images; histogram {{{', '.join(map(str, f['histogram']))}}}")
        print(f"  image 0: label {f['label0']}, byte sum {f['sum0']}, pixels (row, col, byte) {f['pixels0']}")
        print(f"  image {f['count'] - 1}: label {f['last_label']}, byte sum {f['sum_last']}")


if __name__ == "__main__":
    main()
