#!/usr/bin/env python3
"""Dev-only stand-in for the real answerer, to test the subprocess plumbing.

Same command line as the real one: [--tracks auto|none] [--candidate LINE]... -
It cannot answer an offer itself: it prints the browser's own answer, which
browser_test.py passes in RTCPC_TEST_BROWSER_ANSWER, plus the --candidate
lines. With RTCPC_FAKE_FAIL=1 it fails like the real one would on error.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_test import inject_candidates  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tracks', choices=['auto', 'none'], default='auto')
    ap.add_argument('--candidate', action='append', default=[])
    ap.add_argument('input', help="'-' for stdin")
    args = ap.parse_args()
    offer = sys.stdin.read() if args.input == '-' else open(args.input).read()
    if not offer.startswith('v=0'):
        print('error: SyntaxError: offer does not start with v=0', file=sys.stderr)
        return 1
    answer = os.environ.get('RTCPC_TEST_BROWSER_ANSWER')
    if os.environ.get('RTCPC_FAKE_FAIL') == '1' or not answer:
        print('error: OperationError: fake answerer cannot create answers', file=sys.stderr)
        return 1
    sys.stdout.write(inject_candidates(answer, args.candidate) if args.candidate else answer)
    return 0


if __name__ == '__main__':
    sys.exit(main())
