#!/usr/bin/env node
// One werift RTCPeerConnection driven over stdin/stdout by tests/native/werift_test.py
// (tests/native/README.md). One JSON command per line on stdin, one JSON reply per
// line on stdout: {"id": N, "ok": true, ...} or {"id": N, "ok": false, "error": "..."}.
// Nothing else is written to stdout; werift's own logging goes to stderr.
//
// Commands ({"id": N, "op": OP, ...}):
//   version                     {"werift": "0.24.4", "node": "v20..."}
//   setupOffer                  audio and video sendrecv transceivers with a track
//                               each, and a data channel "chat"
//   createOffer {iceRestart}    {"sdp"}  (not applied)
//   createAnswer                {"sdp"}  (not applied)
//   setLocal {type}             applies the one just created; {"sdp"}: localDescription
//                               (werift gathers its host candidates in it)
//   setRemote {type, sdp}
//   attachTracks                every live audio/video transceiver with a mid and no
//                               track: direction sendrecv and a track (to answer sending)
//   stop {mid}                  RTCRtpTransceiver.stop() (and direction inactive: see below)
//   restartIce                  RTCPeerConnection.restartIce()
//   view                        the transceivers, transports and signaling state
//   close
'use strict';

const readline = require('readline');
const path = require('path');
const fs = require('fs');

let werift;
try {
  werift = require('werift');
} catch (e) {
  process.stdout.write(JSON.stringify({ id: 0, ok: false, fatal: true,
    error: 'cannot load werift (' + e.message + '); run npm ci in ' + __dirname }) + '\n');
  process.exit(1);
}
const { RTCPeerConnection, MediaStreamTrack } = werift;

function weriftVersion() {
  // The package's exports do not include package.json: read it from its folder.
  let dir = path.dirname(require.resolve('werift'));
  while (dir !== path.dirname(dir)) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) {
      const pkg = JSON.parse(fs.readFileSync(p, 'utf8'));
      if (pkg.name === 'werift') return pkg.version;
    }
    dir = path.dirname(dir);
  }
  return '?';
}

// No STUN/TURN: host candidates only.
const pc = new RTCPeerConnection({ iceServers: [] });
let lastCreated = null;
let channel = null;

function transportOf(getDtls) {
  let dtls;
  try {
    dtls = getDtls();        // werift's getter throws before a transport is set
  } catch (e) {
    return null;
  }
  if (!dtls) return null;
  return { id: dtls.id, dtlsRole: dtls.role || null,
           iceRole: dtls.iceTransport ? dtls.iceTransport.role : null };
}

function view() {
  const transceivers = pc.getTransceivers().map((t) => ({
    mid: t.mid,
    kind: t.kind,
    direction: t.direction,
    currentDirection: t.currentDirection === undefined ? null : t.currentDirection,
    stopped: !!t.stopped,
    stopping: !!t.stopping,
    hasTrack: !!(t.sender && t.sender.track),
    codecs: (t.codecs || []).map((c) => [c.payloadType, c.mimeType.split('/')[1], c.clockRate]),
    transport: transportOf(() => t.dtlsTransport),
  }));
  const sctp = pc.sctpTransport;
  return {
    signalingState: pc.signalingState,
    transceivers,
    sctp: sctp ? { mid: sctp.mid === undefined ? null : sctp.mid,
                   transport: transportOf(() => sctp.dtlsTransport) } : null,
  };
}

async function handle(cmd) {
  switch (cmd.op) {
    case 'version':
      return { werift: weriftVersion(), node: process.version };
    case 'setupOffer': {
      for (const kind of ['audio', 'video']) {
        pc.addTransceiver(new MediaStreamTrack({ kind }), { direction: 'sendrecv' });
      }
      channel = pc.createDataChannel('chat');
      return {};
    }
    case 'createOffer':
      lastCreated = await pc.createOffer({ iceRestart: !!cmd.iceRestart });
      return { sdp: lastCreated.sdp };
    case 'createAnswer':
      lastCreated = await pc.createAnswer();
      return { sdp: lastCreated.sdp };
    case 'setLocal': {
      if (!lastCreated || lastCreated.type !== cmd.type) {
        throw new Error('setLocal(' + cmd.type + '): no ' + cmd.type + ' was just created');
      }
      await pc.setLocalDescription(lastCreated);
      lastCreated = null;
      return { sdp: pc.localDescription.sdp };
    }
    case 'setRemote':
      await pc.setRemoteDescription({ type: cmd.type, sdp: cmd.sdp });
      return {};
    case 'attachTracks': {
      const attached = [];
      for (const t of pc.getTransceivers()) {
        if (t.mid === null || t.stopped || t.stopping || (t.sender && t.sender.track)) continue;
        t.setDirection('sendrecv');
        t.sender.replaceTrack
          ? await t.sender.replaceTrack(new MediaStreamTrack({ kind: t.kind }))
          : t.addTrack(new MediaStreamTrack({ kind: t.kind }));
        attached.push(t.mid);
      }
      return { attached };
    }
    case 'stop': {
      const t = pc.getTransceivers().find((x) => x.mid === cmd.mid);
      if (!t) throw new Error('no transceiver with mid ' + cmd.mid);
      t.stop();
      // werift 0.24.4's stop() only marks the transceiver "stopping"; it writes
      // an m-section with port 0 only for direction inactive (and then stops
      // the transceiver when the answer comes), so set that too.
      t.setDirection('inactive');
      return {};
    }
    case 'restartIce':
      pc.restartIce();
      return {};
    case 'view':
      return view();
    case 'close':
      await pc.close();
      return {};
    default:
      throw new Error('unknown op ' + cmd.op);
  }
}

const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    let cmd;
    let reply;
    try {
      cmd = JSON.parse(line);
      reply = Object.assign({ id: cmd.id, ok: true }, await handle(cmd));
    } catch (e) {
      const text = e && e.message ? e.message : String(e);
      reply = { id: cmd ? cmd.id : null, ok: false,
                error: (e && e.name ? e.name + ': ' : '') + text };
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
    if (cmd && cmd.op === 'close') process.exit(0);
  });
});
rl.on('close', () => { queue.then(() => process.exit(0)); });
