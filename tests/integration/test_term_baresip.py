"""One call from baresip (as the PBX) through trunkd to the built-in
sandbox carrier: baresip dials sip:+14155550100@<trunk domain> through
trunkd as its outbound proxy, the call is answered (sandbox 200 after
1 s), and baresip hangs up after 5 s; its ACK and BYE follow the
Record-Route trunkd gave it."""
import os
import subprocess
import math
import struct
import tempfile
import time
import wave

from harness import Results
from term_lib import TermTrunkd

r = Results()
t = TermTrunkd(["--log-level", "debug"]).start()
cfgdir = tempfile.mkdtemp(prefix="term-baresip-")
try:
    t.trunk("baresip.example.com", CpsLimit=5)
    src = os.path.join(cfgdir, "in.wav")
    with wave.open(src, "wb") as w:  # 3 s of a 440 Hz tone, 8 kHz mono
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack(
            "<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
            for i in range(8000 * 3)))
    with open(os.path.join(cfgdir, "config"), "w") as f:
        f.write(f"""poll_method\t\tepoll
sip_listen\t\t127.0.0.1:0
sip_trans_def\t\tudp
audio_player\t\taufile,{cfgdir}/out.wav
audio_source\t\taufile,{src}
audio_alert\t\taufile,{cfgdir}/alert.wav
rtp_ports\t\t30000-39999
module_path\t\t/usr/lib/baresip/modules
module\t\t\tstdio.so
module\t\t\tg711.so
module\t\t\taufile.so
module_app\t\taccount.so
module_app\t\tmenu.so
""")
    with open(os.path.join(cfgdir, "accounts"), "w") as f:
        f.write("<sip:+15551230000@baresip.example.com>;regint=0;"
                f"outbound=\"sip:127.0.0.1:{t.sip_port}\";"
                "audio_codecs=PCMU\n")
    p = subprocess.run(["baresip", "-f", cfgdir, "-e",
                        "/dial sip:+14155550100@baresip.example.com",
                        "-t", "5"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                       timeout=30)
    out = p.stdout.decode("utf-8", "replace")
    if not r.check("established" in out.lower(),
                   "baresip: call established through trunkd"):
        print(out[-3000:])
    time.sleep(0.5)
    log = t.tail(40000)
    r.check(": confirmed" in log, "trunkd: the call's ACK came through "
                                  "the Record-Route")
    r.check("BYE from leg A" in log, "trunkd: baresip hung up with BYE")
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail(4000))
r.finish()
