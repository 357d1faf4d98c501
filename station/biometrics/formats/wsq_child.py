"""The WSQ decoder's child process (see `wsq.decode`): WSQ bytes on stdin; on stdout "OK", the
width and height (4 bytes each, big-endian) and the pixels, or "ERR <reason>" with exit 3.

It runs as a script file (`python wsq_child.py`) or, in a frozen bundle, as the bundle's own
executable with `--rekam-wsq-child` (station/frozen.py). It imports nothing but the codec: the
NBIS C code may corrupt this process's memory on damaged input, and that is all it can reach.
"""

import sys


def main() -> int:
    import _wsq  # the NBIS codec inside the PyPI `wsq` package

    data = sys.stdin.buffer.read()
    try:
        pixels, w, h, _ppi = _wsq.decompress(data)
    except Exception as exc:  # the codec raises a bare Exception("WSQ Error: -N")
        sys.stdout.write("ERR " + str(exc)[:200])
        sys.stdout.flush()
        return 3
    sys.stdout.buffer.write(b"OK" + w.to_bytes(4, "big") + h.to_bytes(4, "big") + pixels)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
