#!/usr/bin/env python3
"""Runs rtcpc-explain and checks what it printed (used by explain.cmake).

  check_explain.py json  --explain EXE --offer OFFER
      Runs `EXE --json OFFER` and checks the JSON report against the answer
      printed before it: one entry per m-line; accepted exactly when the
      answer's port is not 0; for every accepted audio/video m-line the
      accepted payload types are exactly the answer's m= payload types (in
      order) and the accepted extension ids exactly its a=extmap ids (in
      order); every refused m-line, codec and extension has a reason;
      dtls_role agrees with a=setup (active = client); and more (see below).

  check_explain.py table --explain EXE [--offer OFFER [--stdin]] --expect REGEX...
      Runs `EXE [OFFER]` (or `EXE -` with OFFER on stdin) and checks that
      every REGEX matches a line of the table printed after the answer.

  check_explain.py fails --explain EXE --exit N --stderr REGEX [-- ARGS...]
      Runs `EXE ARGS` and expects exit code N, nothing on stdout and one
      stderr line matching REGEX.

rtcpc-explain prints the answer (CRLF lines), one empty line, then the table
or the JSON report and a newline.
"""

import argparse
import json
import re
import subprocess
import sys

failures = []


def fail(msg):
    failures.append(msg)


def run(cmd, stdin=subprocess.DEVNULL):
    p = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def split_output(out):
    """(answer text, rest text) of a successful run; None when malformed."""
    at = out.find(b"\r\n\n")
    if at < 0:
        fail("no empty line after the answer (expected the answer's final CRLF, then LF)")
        return None
    answer, rest = out[: at + 2], out[at + 3 :]
    if not answer.startswith(b"v=0\r\n"):
        fail("the answer does not start with v=0 CRLF")
    if re.search(rb"(?<!\r)\n", answer):
        fail("the answer's lines do not all end with CRLF")
    return answer.decode("utf-8"), rest.decode("utf-8")


def sections(sdp):
    """[(m= line, [attribute lines])] per m-section, and the session attributes."""
    session, media = [], []
    for line in sdp.replace("\r\n", "\n").split("\n"):
        if not line:
            continue
        if line.startswith("m="):
            media.append((line, []))
        elif media:
            media[-1][1].append(line)
        else:
            session.append(line)
    return session, media


def attrs(lines, name):
    """Values of a=name:value lines (a=name gives '')."""
    out = []
    for line in lines:
        if line == "a=" + name:
            out.append("")
        elif line.startswith("a=" + name + ":"):
            out.append(line[len(name) + 3 :])
    return out


def extmaps(lines):
    """[(id, uri)] from a=extmap:ID[/direction] URI."""
    out = []
    for v in attrs(lines, "extmap"):
        m = re.match(r"(\d+)(?:/\S+)?\s+(\S+)", v)
        if m:
            out.append((int(m.group(1)), m.group(2)))
    return out


DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


def check_json(explain, offer_path):
    rc, out, err = run([explain, "--json", offer_path])
    if rc != 0 or err:
        fail(f"exit {rc}, stderr: {err!r}")
        return
    parts = split_output(out)
    if not parts:
        return
    answer, rest = parts
    if not rest.endswith("\n") or "\n" in rest[:-1]:
        fail("the JSON report is not one line ended by a newline")
    try:
        report = json.loads(rest)
    except ValueError as e:
        fail(f"the report is not JSON: {e}")
        return
    with open(offer_path, encoding="utf-8") as f:
        offer = f.read()
    _, offered = sections(offer)
    a_session, answered = sections(answer)
    m_lines = report.get("m_lines")
    if not isinstance(m_lines, list):
        fail("the report has no m_lines array")
        return
    if not (len(m_lines) == len(answered) == len(offered)):
        fail(f"m-lines: offer {len(offered)}, answer {len(answered)}, report {len(m_lines)}")
        return

    # dtls_role: every a=setup of the answer (session or media level) agrees.
    setups = set(attrs(a_session, "setup"))
    for _, lines in answered:
        setups.update(attrs(lines, "setup"))
    role = {"active": "client", "passive": "server"}
    if len(setups) != 1 or role.get(next(iter(setups))) != report.get("dtls_role"):
        fail(f"dtls_role {report.get('dtls_role')!r} but the answer has a=setup {sorted(setups)}")

    bundled_mids = set()
    for g in attrs(a_session, "group"):
        words = g.split()
        if words and words[0] == "BUNDLE":
            bundled_mids.update(words[1:])

    for i, (m, (o_mline, o_lines), (a_mline, a_lines)) in enumerate(zip(m_lines, offered, answered)):
        where = f"m-line {i}"
        o_media, _, o_proto, *o_fmts = o_mline[2:].split()
        a_media, a_port, _, *a_fmts = a_mline[2:].split()
        if m.get("index") != i:
            fail(f"{where}: index {m.get('index')!r}")
        if m.get("kind") != o_media or a_media != o_media:
            fail(f"{where}: kind {m.get('kind')!r}, offer m={o_media}, answer m={a_media}")
        if m.get("protocol") != o_proto:
            fail(f"{where}: protocol {m.get('protocol')!r}, offer {o_proto}")
        mids = attrs(a_lines, "mid")
        if mids and m.get("mid") != mids[0]:
            fail(f"{where}: mid {m.get('mid')!r}, answer a=mid:{mids[0]}")

        # accepted exactly when the answer's port is not 0; a reason when refused.
        accepted = a_port.split("/")[0] != "0"
        if m.get("accepted") is not accepted:
            fail(f"{where}: accepted {m.get('accepted')!r} but the answer's port is {a_port}")
        if accepted and m.get("reason") is not None:
            fail(f"{where}: accepted with a reason {m.get('reason')!r}")
        if not accepted and not (isinstance(m.get("reason"), str) and m["reason"].strip()):
            fail(f"{where}: refused without a reason")

        # direction.answered is the answer's direction attribute (when it has one).
        a_dirs = [line[2:] for line in a_lines if line[2:] in DIRECTIONS]
        answered_dir = (m.get("direction") or {}).get("answered")
        if a_dirs and answered_dir != a_dirs[0]:
            fail(f"{where}: direction.answered {answered_dir!r}, answer a={a_dirs[0]}")
        offered_dirs = [line[2:] for line in o_lines if line[2:] in DIRECTIONS]
        offered_dir = (m.get("direction") or {}).get("offered")
        if offered_dirs and offered_dir != offered_dirs[0]:
            fail(f"{where}: direction.offered {offered_dir!r}, offer a={offered_dirs[0]}")

        # bundle: in the answer's BUNDLE group exactly when bundled or bundle-only.
        if accepted and mids:
            in_group = mids[0] in bundled_mids
            if in_group != (m.get("bundle") in ("bundled", "bundle-only")):
                fail(f"{where}: bundle {m.get('bundle')!r} but mid {mids[0]} is "
                     f"{'' if in_group else 'not '}in the answer's BUNDLE group")

        codecs = m.get("codecs") or []
        extensions = m.get("extensions") or []
        for kind, entries in (("codec", codecs), ("extension", extensions)):
            for e in entries:
                if e.get("accepted") is True:
                    if e.get("reason") is not None:
                        fail(f"{where}: accepted {kind} {e} has a reason")
                elif not (isinstance(e.get("reason"), str) and e["reason"].strip()):
                    fail(f"{where}: refused {kind} without a reason: {e}")
        if o_media not in ("audio", "video"):
            continue

        # Every offered payload type and extension appears, in offer order.
        pts = [c.get("pt") for c in codecs]
        if [str(p) for p in pts] != o_fmts:
            fail(f"{where}: report payload types {pts}, offer m= {o_fmts}")
        o_ext = [x for x, _ in extmaps(o_lines)]
        if [e.get("id") for e in extensions] != o_ext:
            fail(f"{where}: report extension ids {[e.get('id') for e in extensions]}, "
                 f"offer a=extmap ids {o_ext}")
        if not accepted:
            if any(c.get("accepted") for c in codecs):
                fail(f"{where}: refused m-line with an accepted codec")
            continue

        # The accepted payload types are exactly the answer's m= payload types.
        acc_pts = [str(c.get("pt")) for c in codecs if c.get("accepted") is True]
        if acc_pts != a_fmts:
            fail(f"{where}: accepted payload types {acc_pts}, answer m= {a_fmts}")
        rtpmap = {}
        for v in attrs(a_lines, "rtpmap"):
            pt, _, enc = v.partition(" ")
            rtpmap[pt] = enc.split("/")
        for c in codecs:
            enc = rtpmap.get(str(c.get("pt")))
            if c.get("accepted") is True and enc:
                if enc[0].lower() != str(c.get("name")).lower() or enc[1] != str(c.get("clock_rate")):
                    fail(f"{where}: codec {c.get('pt')} is {c.get('name')}/{c.get('clock_rate')} "
                         f"in the report, a=rtpmap:{c.get('pt')} {'/'.join(enc)} in the answer")

        # The accepted extension ids are exactly the answer's a=extmap ids.
        a_ext = extmaps(a_lines)
        acc_ext = [(e.get("id"), e.get("uri")) for e in extensions if e.get("accepted") is True]
        if [x for x, _ in acc_ext] != [x for x, _ in a_ext]:
            fail(f"{where}: accepted extension ids {[x for x, _ in acc_ext]}, "
                 f"answer a=extmap ids {[x for x, _ in a_ext]}")
        elif acc_ext != a_ext:
            fail(f"{where}: accepted extensions {acc_ext}, answer a=extmap {a_ext}")

        # Accepted RIDs are the answer's a=rid lines.
        rids = [r.get("rid") for r in (m.get("rids") or []) if r.get("accepted") is True]
        a_rids = [v.split()[0] for v in attrs(a_lines, "rid") if v.split()]
        if rids != a_rids:
            fail(f"{where}: accepted rids {rids}, answer a=rid {a_rids}")

    if failures:
        return
    print(f"{offer_path}: {len(m_lines)} m-line(s), "
          f"{sum(1 for m in m_lines if m.get('accepted'))} accepted, "
          f"{sum(len(m.get('codecs') or []) for m in m_lines)} codec(s), "
          f"{sum(len(m.get('extensions') or []) for m in m_lines)} extension(s) checked")


def check_table(explain, offer_path, expects, forbids, stdin):
    if stdin:
        with open(offer_path, "rb") as f:
            rc, out, err = run([explain, "-"], stdin=f)
    else:
        rc, out, err = run([explain] + ([offer_path] if offer_path else []))
    if rc != 0 or err:
        fail(f"exit {rc}, stderr: {err!r}")
        return
    parts = split_output(out)
    if not parts:
        return
    table = parts[1]
    for rx in expects:
        if not re.search(rx, table, re.MULTILINE):
            fail(f"no line of the table matches {rx!r}")
    for rx in forbids:
        if re.search(rx, table, re.MULTILINE):
            fail(f"a line of the table matches {rx!r}")
    if failures:
        fail("the table was:\n" + table)
    else:
        print(table, end="")


def check_fails(explain, code, stderr_rx, args):
    rc, out, err = run([explain] + args)
    if rc != code:
        fail(f"exit {rc}, expected {code}")
    if out:
        fail(f"expected nothing on stdout, got {len(out)} bytes")
    if not re.fullmatch(stderr_rx + r"[^\n]*\n", err):
        fail(f"stderr {err!r} is not one line matching {stderr_rx!r}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    j = sub.add_parser("json")
    j.add_argument("--explain", required=True)
    j.add_argument("--offer", required=True)
    t = sub.add_parser("table")
    t.add_argument("--explain", required=True)
    t.add_argument("--offer")
    t.add_argument("--expect", action="append", default=[])
    t.add_argument("--forbid", action="append", default=[])
    t.add_argument("--stdin", action="store_true", help="pass - and feed OFFER on stdin")
    f = sub.add_parser("fails")
    f.add_argument("--explain", required=True)
    f.add_argument("--exit", type=int, required=True)
    f.add_argument("--stderr", required=True)
    f.add_argument("args", nargs="*")
    a = ap.parse_args()
    if a.mode == "json":
        check_json(a.explain, a.offer)
    elif a.mode == "table":
        check_table(a.explain, a.offer, a.expect, a.forbid, a.stdin)
    else:
        check_fails(a.explain, a.exit, a.stderr, a.args)
    for msg in failures:
        print("FAIL: " + msg, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
