"""The built rtp_bench drives the media relay end to end in its own
process: 10 calls over loopback for one second must forward packets with
no relay-side drops, and exit cleanly."""
import os
import random
import re
import subprocess
import sys

BUILD = os.environ.get("TRUNKD_BUILD_DIR",
                       os.path.join(os.path.dirname(__file__), "../../build"))


def main():
    exe = os.path.join(BUILD, "bench", "rtp_bench")
    lo = random.randrange(20000, 29000, 2)
    out = subprocess.run([exe, "--calls", "10", "--seconds", "1",
                          "--ports", f"{lo}-{lo + 199}"],
                         capture_output=True, text=True, timeout=60)
    print(out.stdout, out.stderr, end="")
    if out.returncode != 0:
        print(f"FAIL: exit {out.returncode}")
        return 1
    m = re.search(r"forwarded=(\d+) pps=(\d+) relay_dropped=(\d+)",
                  out.stdout)
    if not m:
        print("FAIL: no result line")
        return 1
    fwd, pps, dropped = (int(x) for x in m.groups())
    if fwd < 1000 or dropped != 0:
        print(f"FAIL: forwarded={fwd} dropped={dropped}")
        return 1
    # usage errors are reported, not crashed on
    bad = subprocess.run([exe, "--calls", "0"], capture_output=True,
                         text=True, timeout=10)
    if bad.returncode != 2 or "usage" not in bad.stderr:
        print("FAIL: bad arguments not rejected")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
