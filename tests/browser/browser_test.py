#!/usr/bin/env python3
"""Real-browser test for an rtcpc SDP answerer.

The browser page (page.html/page.js) creates offers, POSTs them to /answer,
this server runs the answerer on them, and the page applies the answers with
setRemoteDescription and posts what happened to /result.

  python3 tests/browser/browser_test.py --browser chromium|firefox \
      --answerer PATH|browser [--timeout 180] [--report FILE.json]

--answerer browser uses the browser's own answer (from a second
RTCPeerConnection) instead of running a binary; it tests the harness itself.
fake_answerer.py does the same through the subprocess path.
--scenario NAME (repeatable) runs a subset.

A scenario the browser cannot run (h264_only in a Firefox without the
OpenH264 plugin) is reported as SKIP and not counted in "N passed, M failed".
"""

import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ANSWERER_TIMEOUT = 20
TEST_CANDIDATE = 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host'

# name -> answerer options. 'tamper' is the fingerprint-stripping check.
SCENARIOS = {
    'audio': {'tracks': 'auto'},
    'video': {'tracks': 'auto'},
    'audio_video': {'tracks': 'auto'},
    'datachannel': {'tracks': 'auto'},
    'audio_video_data': {'tracks': 'auto'},
    'recvonly_viewer': {'tracks': 'auto'},
    'candidates': {'tracks': 'auto', 'candidates': [TEST_CANDIDATE], 'gather': True},
    'h264_only': {'tracks': 'auto'},
    'tamper': {'tracks': 'auto'},
}

CHROMIUM_FLAGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
]

FIREFOX_PREFS = {
    'media.navigator.streams.fake': True,
    'media.navigator.permission.disabled': True,
    # Keep Firefox quiet and offline.
    'app.update.enabled': False,
    'app.update.auto': False,
    'app.update.disabledForTesting': True,
    'browser.shell.checkDefaultBrowser': False,
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.startup.page': 0,
    'startup.homepage_welcome_url': '',
    'startup.homepage_welcome_url.additional': '',
    'browser.aboutwelcome.enabled': False,
    'browser.newtabpage.enabled': False,
    'browser.newtab.preload': False,
    'datareporting.policy.dataSubmissionEnabled': False,
    'datareporting.healthreport.uploadEnabled': False,
    'toolkit.telemetry.enabled': False,
    'toolkit.telemetry.unified': False,
    'toolkit.telemetry.server': '',
    'toolkit.telemetry.reportingpolicy.firstRun': False,
    'browser.safebrowsing.malware.enabled': False,
    'browser.safebrowsing.phishing.enabled': False,
    'browser.safebrowsing.downloads.enabled': False,
    'browser.safebrowsing.provider.mozilla.updateURL': '',
    'extensions.update.enabled': False,
    'extensions.getAddons.cache.enabled': False,
    'extensions.blocklist.enabled': False,
    'network.captive-portal-service.enabled': False,
    'network.connectivity-service.enabled': False,
    'network.dns.disablePrefetch': True,
    'network.prefetch-next': False,
    'services.settings.server': 'http://127.0.0.1:1/',
    'browser.region.network.url': '',
    'browser.region.update.enabled': False,
    'media.gmp-manager.updateEnabled': False,
    'media.gmp-manager.url': 'http://127.0.0.1:1/',
    'browser.ping-centre.telemetry': False,
    'dom.disable_open_during_load': False,
}


# ---------------------------------------------------------------- SDP helpers

def sdp_sections(sdp):
    """Split an SDP into (session lines, [media section lines])."""
    session, media = [], []
    for line in sdp.replace('\r\n', '\n').split('\n'):
        if not line:
            continue
        if line.startswith('m='):
            media.append([line])
        elif media:
            media[-1].append(line)
        else:
            session.append(line)
    return session, media


def parse_media(lines):
    """Summary of one m-section with payload types replaced by codec names."""
    m = lines[0][2:].split()
    info = {'kind': m[0], 'port': int(m[1]), 'mid': None, 'direction': 'sendrecv',
            'codecs': [], 'extmaps': [], 'rtcp_fb': [], 'candidates': []}
    rtpmap, fmtp, fb = {}, {}, []
    for line in lines[1:]:
        if line.startswith('a=mid:'):
            info['mid'] = line[6:]
        elif line[2:] in ('sendrecv', 'sendonly', 'recvonly', 'inactive'):
            info['direction'] = line[2:]
        elif line.startswith('a=rtpmap:'):
            pt, name = line[9:].split(' ', 1)
            rtpmap[pt] = name
        elif line.startswith('a=fmtp:'):
            pt, params = line[7:].split(' ', 1)
            fmtp[pt] = dict(p.strip().split('=', 1) for p in params.split(';') if '=' in p)
        elif line.startswith('a=extmap:'):
            info['extmaps'].append(line.split()[1])
        elif line.startswith('a=rtcp-fb:'):
            pt, val = line[10:].split(' ', 1)
            fb.append((pt, val))
        elif line.startswith('a=candidate:'):
            info['candidates'].append(line[2:])

    def codec_key(pt, depth=0):
        name = rtpmap.get(pt, 'pt' + pt)
        params = fmtp.get(pt, {})
        enc = name.split('/')[0].lower()
        # Distinguish codec variants so the diff says which one is missing.
        if enc == 'h264':
            name += ' profile-level-id=%s packetization-mode=%s' % (
                params.get('profile-level-id', '?'), params.get('packetization-mode', '0'))
        elif enc in ('vp9', 'av1') and 'profile-id' in params:
            name += ' profile-id=' + params['profile-id']
        elif enc == 'vp9' and 'profile' in params:
            name += ' profile=' + params['profile']
        elif enc == 'rtx' and 'apt' in params and depth == 0:
            name += ' apt=' + codec_key(params['apt'], 1)
        return name

    info['rtpmap_names'] = [rtpmap[pt] for pt in m[3:] if pt in rtpmap]
    info['codecs'] = [codec_key(pt) for pt in m[3:] if pt in rtpmap]
    info['rtcp_fb'] = ['%s: %s' % ('*' if pt == '*' else codec_key(pt), val) for pt, val in fb]
    return info


def parse_sdp(sdp):
    session, media = sdp_sections(sdp or '')
    return {'session': session, 'media': [parse_media(m) for m in media]}


def inject_candidates(sdp, candidates):
    """Add a=candidate lines to every m-section (what --candidate asks for)."""
    session, media = sdp_sections(sdp)
    out = list(session)
    for sec in media:
        out += sec + ['a=' + c for c in candidates]
    return '\r\n'.join(out) + '\r\n'


def multiset_diff(ours, theirs):
    a, b = collections.Counter(ours), collections.Counter(theirs)
    return sorted((a - b).elements()), sorted((b - a).elements())


def diff_answers(ours, browser):
    """Per m-line differences between our answer and the browser's answer."""
    if not ours or not browser:
        return []
    po, pb = parse_sdp(ours)['media'], parse_sdp(browser)['media']
    diffs = []
    for i in range(max(len(po), len(pb))):
        o = po[i] if i < len(po) else None
        b = pb[i] if i < len(pb) else None
        if o is None or b is None:
            diffs.append({'index': i, 'missing_in': 'ours' if o is None else 'browser'})
            continue
        d = {}
        for field in ('codecs', 'extmaps', 'rtcp_fb'):
            only_ours, only_browser = multiset_diff(o[field], b[field])
            if only_ours or only_browser:
                d[field] = {'only_ours': only_ours, 'only_browser': only_browser}
        if o['direction'] != b['direction']:
            d['direction'] = {'ours': o['direction'], 'browser': b['direction']}
        if (o['port'] == 0) != (b['port'] == 0):
            d['rejected'] = {'ours': o['port'] == 0, 'browser': b['port'] == 0}
        if d:
            d.update(index=i, mid=o['mid'], kind=o['kind'])
            diffs.append(d)
    return diffs


# ---------------------------------------------------------------- checks

def transceivers_of(res, kind):
    return [t for t in res.get('transceivers') or [] if t['kind'] == kind]


def check_direction(res, kind, want, errors):
    trs = transceivers_of(res, kind)
    if not trs:
        errors.append('no %s transceiver' % kind)
    for t in trs:
        if t['currentDirection'] != want:
            errors.append('%s mid=%s currentDirection=%r, want %r'
                          % (kind, t['mid'], t['currentDirection'], want))


def check_datachannel(res, errors):
    if not res.get('sctp'):
        errors.append('pc.sctp is null')
    apps = [m for m in parse_sdp(res.get('answer'))['media'] if m['kind'] == 'application']
    if not apps:
        errors.append('answer has no application m-line')
    elif any(m['port'] == 0 for m in apps):
        errors.append('answer rejected the application m-line (port 0)')


def check(name, res):
    """Returns a list of failure reasons (empty = PASS)."""
    errors = []
    if res.get('exception'):
        e = res['exception']
        return ['page exception: %s: %s' % (e['name'], e['message'])]
    if res.get('answer_error'):
        e = res['answer_error']
        return ['answerer failed: %s' % (e.get('stderr') or e.get('message'))]
    if name == 'tamper':
        if res.get('tamper_accepted') is not False:
            return ['answer without a=fingerprint was ACCEPTED by the browser']
        if not res.get('accepted'):
            e = res.get('error') or {}
            return ['control (untampered answer) rejected: %s: %s'
                    % (e.get('name'), e.get('message'))]
        return []
    if not res.get('accepted'):
        e = res.get('error') or {}
        return ['setRemoteDescription rejected the answer: %s: %s'
                % (e.get('name'), e.get('message'))]
    if res.get('signalingState') != 'stable':
        errors.append('signalingState=%r' % res.get('signalingState'))

    if name in ('audio', 'audio_video', 'audio_video_data', 'candidates'):
        check_direction(res, 'audio', 'sendrecv', errors)
    if name in ('video', 'audio_video', 'audio_video_data', 'candidates', 'h264_only'):
        check_direction(res, 'video', 'sendrecv', errors)
    if name in ('datachannel', 'audio_video_data'):
        check_datachannel(res, errors)
    if name == 'recvonly_viewer':
        check_direction(res, 'audio', 'recvonly', errors)
        check_direction(res, 'video', 'recvonly', errors)
    if name == 'candidates':
        if TEST_CANDIDATE not in res['answer']:
            errors.append('answer does not contain %r' % TEST_CANDIDATE)
    if name == 'h264_only':
        videos = [m for m in parse_sdp(res['answer'])['media'] if m['kind'] == 'video']
        names = [n.split('/')[0].lower() for m in videos for n in m['rtpmap_names']]
        if 'h264' not in names:
            errors.append('no H264 in answer video m-line: %s' % names)
        bad = [n for n in names if n in ('vp8', 'vp9', 'av1')]
        if bad:
            errors.append('answer video m-line has non-H264 codecs: %s' % bad)
        for t in transceivers_of(res, 'video'):
            codecs = t.get('senderCodecs')
            if not codecs:
                errors.append('sender.getParameters().codecs is empty/unsupported: %r' % codecs)
            elif codecs[0].lower() != 'video/h264':
                errors.append('first sender codec is %s, want video/H264' % codecs[0])
    return errors


# ---------------------------------------------------------------- answerer

def parse_answerer_error(stderr):
    m = re.search(r'^error: (\w+): (.*)$', stderr, re.M)
    if m:
        return m.group(1), m.group(2)
    return 'UnknownError', stderr.strip()[-500:]


def run_answerer(path, scenario, offer, browser_answer):
    """Returns {'ok': True, 'answer': sdp} or {'ok': False, 'error': {...}}."""
    opts = SCENARIOS[scenario]
    candidates = opts.get('candidates', [])
    if path == 'browser':
        if not browser_answer:
            return {'ok': False, 'error': {'name': 'OperationError',
                                           'message': 'browser produced no answer',
                                           'stderr': ''}}
        answer = inject_candidates(browser_answer, candidates) if candidates else browser_answer
        return {'ok': True, 'answer': answer}

    cmd = [sys.executable, path] if path.endswith('.py') else [path]
    cmd += ['--tracks', opts['tracks']]
    for c in candidates:
        cmd += ['--candidate', c]
    cmd.append('-')
    env = dict(os.environ)
    # Only fake_answerer.py reads this; lets it echo a valid answer.
    env['RTCPC_TEST_BROWSER_ANSWER'] = browser_answer or ''
    try:
        # Bytes, not text=True: text mode would turn the answer's CRLF into LF.
        p = subprocess.run(cmd, input=offer.encode(), capture_output=True,
                           timeout=ANSWERER_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return {'ok': False, 'error': {'name': 'Timeout', 'cmd': cmd,
                                       'message': 'answerer timed out after %d s' % ANSWERER_TIMEOUT,
                                       'stderr': 'answerer timed out after %d s' % ANSWERER_TIMEOUT}}
    except OSError as e:
        return {'ok': False, 'error': {'name': 'OSError', 'message': str(e),
                                       'cmd': cmd, 'stderr': str(e)}}
    stderr = p.stderr.decode(errors='replace')
    if p.returncode != 0:
        name, msg = parse_answerer_error(stderr)
        return {'ok': False, 'error': {'name': name, 'message': msg, 'cmd': cmd,
                                       'exit_code': p.returncode, 'stderr': stderr.strip()}}
    return {'ok': True, 'answer': p.stdout.decode(errors='replace')}


# ---------------------------------------------------------------- server

class State:
    def __init__(self, answerer, scenarios):
        self.answerer = answerer
        self.scenarios = scenarios
        self.results = collections.OrderedDict()
        self.done = threading.Event()
        self.done_info = {}
        self.lock = threading.Lock()


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            pass

        def send(self, code, body, ctype='application/json'):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(code)
            self.send_header('Content-Type', ctype)
            self.send_header('Content-Length', str(len(data)))
            self.send_header('Cache-Control', 'no-store')
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            files = {'/': ('page.html', 'text/html; charset=utf-8'),
                     '/page.js': ('page.js', 'text/javascript; charset=utf-8')}
            if self.path in files:
                fname, ctype = files[self.path]
                with open(os.path.join(HERE, fname), 'rb') as f:
                    self.send(200, f.read(), ctype)
            elif self.path == '/config':
                self.send(200, {'scenarios': [
                    {'name': n, 'tracks': SCENARIOS[n]['tracks'],
                     'gather': SCENARIOS[n].get('gather', False)} for n in state.scenarios]})
            else:
                self.send(404, {'error': 'not found'})

        def do_POST(self):
            n = int(self.headers.get('Content-Length', 0))
            body = json.loads(self.rfile.read(n) or b'{}')
            if self.path == '/answer':
                reply = run_answerer(state.answerer, body['scenario'], body['offer'],
                                     body.get('browser_answer'))
                self.send(200, reply)
            elif self.path == '/result':
                with state.lock:
                    state.results[body['scenario']] = body
                print('  [page] result for %s' % body['scenario'], flush=True)
                self.send(200, {'ok': True})
            elif self.path == '/log':
                print('  [page] %s' % body.get('msg'), flush=True)
                self.send(200, {'ok': True})
            elif self.path == '/done':
                state.done_info = body
                state.done.set()
                self.send(200, {'ok': True})
            else:
                self.send(404, {'error': 'not found'})

    return Handler


# ---------------------------------------------------------------- browsers

def browser_command(browser, profile, url):
    if browser == 'chromium':
        exe = shutil.which('chromium') or shutil.which('chromium-browser')
        return [exe] + CHROMIUM_FLAGS + ['--user-data-dir=' + profile, url]
    exe = shutil.which('firefox-esr') or shutil.which('firefox')
    with open(os.path.join(profile, 'user.js'), 'w') as f:
        for k, v in FIREFOX_PREFS.items():
            f.write('user_pref(%s, %s);\n' % (json.dumps(k), json.dumps(v)))
    return [exe, '--headless', '--no-remote', '--profile', profile, url]


def browser_version(cmd0):
    try:
        return subprocess.run([cmd0, '--version'], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except Exception as e:  # informational only
        return 'unknown (%s)' % e


def kill_group(proc):
    # SIGTERM first so the browser can exit cleanly, then SIGKILL whatever is
    # left of the group (child processes outlive the leader for a moment).
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--browser', choices=['chromium', 'firefox'], required=True)
    ap.add_argument('--answerer', required=True,
                    help="answerer executable, or 'browser' to test the harness")
    ap.add_argument('--timeout', type=float, default=180)
    ap.add_argument('--report', help='write full results as JSON here')
    ap.add_argument('--scenario', action='append', choices=list(SCENARIOS),
                    help='run only these (repeatable; default all)')
    args = ap.parse_args()

    if args.answerer != 'browser':
        args.answerer = os.path.abspath(args.answerer)
        if not os.path.isfile(args.answerer):
            sys.exit('answerer not found: %s' % args.answerer)
    scenarios = args.scenario or list(SCENARIOS)
    state = State(args.answerer, scenarios)

    start = time.monotonic()
    server = ThreadingHTTPServer(('127.0.0.1', 0), make_handler(state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = 'http://127.0.0.1:%d/' % server.server_address[1]

    tmp = tempfile.mkdtemp(prefix='rtcpc-browser-')
    profile = os.path.join(tmp, 'profile')
    os.mkdir(profile)
    cmd = browser_command(args.browser, profile, url)
    if not cmd[0]:
        sys.exit('%s not found' % args.browser)
    version = browser_version(cmd[0])
    print('%s: %s' % (args.browser, version))
    print('answerer: %s' % args.answerer)
    print('url: %s' % url, flush=True)

    log_path = os.path.join(tmp, 'browser.log')
    browser_log = ''
    timed_out = False
    with open(log_path, 'wb') as logf:
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + args.timeout
            while not state.done.wait(0.5):
                if proc.poll() is not None:
                    print('browser exited early with code %s' % proc.returncode)
                    break
                if time.monotonic() > deadline:
                    timed_out = True
                    print('TIMEOUT after %g s' % args.timeout)
                    break
        finally:
            kill_group(proc)
            server.shutdown()
            server.server_close()
    with open(log_path, errors='replace') as f:
        browser_log = f.read()
    shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.monotonic() - start

    outcomes = collections.OrderedDict()
    for name in scenarios:
        res = state.results.get(name)
        if res is None:
            errors = ['no result from the page'
                      + (' (timeout)' if timed_out else '')]
            res = {'scenario': name}
        else:
            errors = check(name, res)
        res['diffs'] = diff_answers(res.get('answer'), res.get('browser_answer'))
        res['outcome'] = 'SKIP' if res.get('skip') and not res.get('exception') \
            else 'FAIL' if errors else 'PASS'
        res['passed'] = res['outcome'] == 'PASS'
        res['failures'] = [] if res['outcome'] == 'SKIP' else errors
        outcomes[name] = res

    print()
    for name, res in outcomes.items():
        label = 'tamper check (answer without a=fingerprint must be rejected)' \
            if name == 'tamper' else name
        print('%s %s' % (res['outcome'], label))
        if res['outcome'] == 'SKIP':
            print('    skipped: %s' % res['skip'])
        for e in res['failures']:
            for i, line in enumerate(str(e).splitlines()):
                print('    ' + ('' if i == 0 else '  ') + line)
        if name == 'tamper' and res.get('tamper_error'):
            print('    rejected with %(name)s: %(message)s' % res['tamper_error'])
        if res.get('browser_answer_error'):
            print('    (browser comparison answer failed: %(name)s: %(message)s)'
                  % res['browser_answer_error'])
        for d in res['diffs']:
            print('    diff vs browser answer, m-line %s (%s, mid %s):'
                  % (d['index'], d.get('kind'), d.get('mid')))
            for field in ('codecs', 'extmaps', 'rtcp_fb'):
                if field in d:
                    if d[field]['only_ours']:
                        print('      %s only in ours: %s' % (field, d[field]['only_ours']))
                    if d[field]['only_browser']:
                        print('      %s only in browser: %s' % (field, d[field]['only_browser']))
            for field in ('direction', 'rejected'):
                if field in d:
                    print('      %s: ours=%s browser=%s' % (field, d[field]['ours'], d[field]['browser']))
            if 'missing_in' in d:
                print('      m-line missing in %s' % d['missing_in'])

    if state.done_info.get('fatal'):
        print('page fatal error: %(name)s: %(message)s' % state.done_info['fatal'])
    failed = sum(1 for r in outcomes.values() if r['outcome'] == 'FAIL')
    passed = sum(1 for r in outcomes.values() if r['outcome'] == 'PASS')
    skipped = [n for n, r in outcomes.items() if r['outcome'] == 'SKIP']
    if failed and (timed_out or not state.done.is_set()):
        print('--- browser log (tail) ---')
        print(browser_log[-4000:])
    print('elapsed: %.1f s' % elapsed)

    if args.report:
        report = {
            'browser': args.browser, 'browser_version': version,
            'user_agent': state.done_info.get('userAgent'),
            'answerer': args.answerer, 'elapsed_s': round(elapsed, 1),
            'timed_out': timed_out, 'page_fatal': state.done_info.get('fatal'),
            'passed': passed, 'failed': failed, 'skipped': skipped,
            'scenarios': outcomes,
        }
        with open(args.report, 'w') as f:
            json.dump(report, f, indent=2)
    if skipped:
        print('skipped (browser lacks a feature, not counted): %s' % ', '.join(skipped))
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
