'use strict';
// The browser side of offer_test.py: a command executor. offer_test.py
// drives every scenario; this page only runs the WebRTC calls it is told to
// and reports what happened. Protocol: POST /rpc with the previous command's
// result (or {hello}), the reply is the next command
// {seq, cmd, ...args}; {cmd: 'noop'} means "ask again", {cmd: 'done'} ends.

// Connections by name ('pc' is the one rtcpc talks to, 'cmp' makes the
// browser's own offer for the comparison), tracks to stop, and every
// transceiver ever seen per connection (Chromium drops stopped ones from
// getTransceivers(); the checks still want their final state).
let pcs = {};
let tracks = [];
let streams = {};
let seenTransceivers = new Map();
// Transport objects (RTCDtlsTransport, RTCIceTransport) by identity: a small
// number per object, so that offer_test.py can tell whether two transceivers
// share one transport (BUNDLE).
let transportIds = new Map();
// What the 'pc' connection's track events said, in order (take_track_events),
// and the remote streams they named, by id (their tracks: describe).
let trackEvents = [];
let remoteStreams = {};

function objectId(o) {
  if (!o) return null;
  if (!transportIds.has(o)) transportIds.set(o, transportIds.size);
  return transportIds.get(o);
}

function log(msg) {
  document.getElementById('log').textContent += msg + '\n';
}

function errInfo(e) {
  return {name: (e && e.name) || 'Error', message: String((e && e.message) || e)};
}

function getPc(name) {
  const pc = pcs[name || 'pc'];
  if (!pc) throw new Error(`no RTCPeerConnection named ${name}`);
  return pc;
}

async function getTrack(kind) {
  const stream = await navigator.mediaDevices.getUserMedia({[kind]: true});
  const track = stream.getTracks()[0];
  tracks.push(track);
  return track;
}

function streamNamed(name) {
  if (!streams[name]) streams[name] = new MediaStream();
  return streams[name];
}

function transceiverKind(tr) {
  return tr.receiver.track.kind;
}

function findTransceiver(pc, args) {
  const trs = pc.getTransceivers();
  const t = args.mid !== undefined && args.mid !== null
    ? trs.find(x => x.mid === args.mid)
    : trs.find(x => transceiverKind(x) === args.kind && x.currentDirection !== 'stopped');
  if (!t) throw new Error(`no transceiver for ${JSON.stringify(args)}`);
  return t;
}

function codecInfo(c) {
  return {
    payloadType: c.payloadType, mimeType: c.mimeType, clockRate: c.clockRate,
    channels: c.channels === undefined ? null : c.channels,
    sdpFmtpLine: c.sdpFmtpLine === undefined ? null : c.sdpFmtpLine,
  };
}

function paramsInfo(getter) {
  let p;
  try {
    p = getter();
  } catch (e) {
    return {error: errInfo(e)};
  }
  return {
    codecs: Array.isArray(p.codecs) ? p.codecs.map(codecInfo) : null,
    headerExtensions: Array.isArray(p.headerExtensions)
      ? p.headerExtensions.map(h => ({id: h.id, uri: h.uri, encrypted: !!h.encrypted})) : null,
    encodings: Array.isArray(p.encodings) ? p.encodings.map(e => e.rid || null) : null,
  };
}

function transportInfo(t) {
  if (!t) return null;
  const ice = t.iceTransport;
  return {
    dtlsState: t.state === undefined ? null : t.state,
    iceRole: ice && ice.role !== undefined ? ice.role : null,
    // Identity of the RTCDtlsTransport and its RTCIceTransport (objectId).
    id: objectId(t),
    iceId: ice ? objectId(ice) : null,
  };
}

function describeTransceiver(tr, live) {
  const sp = paramsInfo(() => tr.sender.getParameters());
  const rp = paramsInfo(() => tr.receiver.getParameters());
  return {
    mid: tr.mid,
    kind: transceiverKind(tr),
    direction: tr.direction,
    currentDirection: tr.currentDirection,
    // Absent in Chromium (currentDirection says 'stopped' instead).
    stopped: typeof tr.stopped === 'boolean' ? tr.stopped : null,
    inGetTransceivers: live,
    hasTrack: !!tr.sender.track,
    senderTrackId: tr.sender.track ? tr.sender.track.id : null,
    sender: sp,
    receiver: rp,
    // The shape browser_test.py's check_against_library reads.
    senderCodecs: sp.codecs ? sp.codecs.map(c => c.mimeType) : null,
    senderPayloadTypes: sp.codecs ? sp.codecs.map(c => c.payloadType) : null,
    transport: transportInfo(tr.sender.transport),
    receiverTransport: transportInfo(tr.receiver.transport),
  };
}

function descInfo(d) {
  return d ? {type: d.type, sdp: d.sdp} : null;
}

function describe(name) {
  const pc = getPc(name);
  const live = pc.getTransceivers();
  const seen = seenTransceivers.get(pc) || [];
  for (const t of live) if (!seen.includes(t)) seen.push(t);
  seenTransceivers.set(pc, seen);
  const sctp = pc.sctp;
  return {
    signalingState: pc.signalingState,
    sctp: sctp ? {
      state: sctp.state, maxMessageSize: sctp.maxMessageSize,
      transport: transportInfo(sctp.transport),
    } : null,
    // tid: the transceiver's place in `seen`, stable for the connection.
    transceivers: seen.map((t, i) => Object.assign({tid: i}, describeTransceiver(t, live.includes(t)))),
    // The remote streams track events named: id -> the ids of their tracks now.
    remoteStreams: Object.fromEntries(Object.entries(remoteStreams).map(
      ([id, st]) => [id, st.getTracks().map(t => t.id)])),
    localDescription: descInfo(pc.localDescription),
    remoteDescription: descInfo(pc.remoteDescription),
    currentLocalDescription: descInfo(pc.currentLocalDescription),
    currentRemoteDescription: descInfo(pc.currentRemoteDescription),
  };
}

function codecsOnly(kind, mime) {
  const caps = RTCRtpReceiver.getCapabilities(kind);
  const re = new RegExp('^' + kind + '/(' + mime + '|rtx)$', 'i');
  return {all: caps ? caps.codecs : [], only: caps ? caps.codecs.filter(c => re.test(c.mimeType)) : []};
}

const COMMANDS = {
  reset() {
    for (const pc of Object.values(pcs)) pc.close();
    for (const t of tracks) t.stop();
    pcs = {};
    tracks = [];
    streams = {};
    seenTransceivers = new Map();
    transportIds = new Map();
    trackEvents = [];
    remoteStreams = {};
    return {};
  },
  pc_new(a) {
    if (pcs[a.pc]) pcs[a.pc].close();
    const pc = new RTCPeerConnection(a.config || {});
    pcs[a.pc] = pc;
    pc.ontrack = e => {
      for (const st of e.streams) remoteStreams[st.id] = st;
      trackEvents.push({mid: e.transceiver.mid, kind: e.track.kind, trackId: e.track.id,
                        streams: e.streams.map(st => st.id)});
    };
    return {};
  },
  take_track_events() {
    const events = trackEvents;
    trackEvents = [];
    return {events};
  },
  remove_track(a) {
    const pc = getPc(a.pc);
    const tr = findTransceiver(pc, a);
    pc.removeTrack(tr.sender);
    return {mid: tr.mid, direction: tr.direction};
  },
  set_streams(a) {
    const tr = findTransceiver(getPc(a.pc), a);
    const named = a.streams.map(streamNamed);
    tr.sender.setStreams(...named);
    return {mid: tr.mid, streamIds: named.map(st => st.id)};
  },
  stop_transceiver(a) {
    const tr = findTransceiver(getPc(a.pc), a);
    tr.stop();
    return {mid: tr.mid};
  },
  pc_close(a) {
    getPc(a.pc).close();
    delete pcs[a.pc];
    return {};
  },
  async add_track(a) {
    const pc = getPc(a.pc);
    const stream = streamNamed(a.stream || 'browser-stream');
    const sender = pc.addTrack(await getTrack(a.kind), stream);
    const tr = pc.getTransceivers().find(t => t.sender === sender);
    return {mid: tr ? tr.mid : null, direction: tr ? tr.direction : null,
            streamId: stream.id, trackId: sender.track.id};
  },
  async add_transceiver(a) {
    const pc = getPc(a.pc);
    const init = {direction: a.direction || 'sendrecv'};
    if (a.track) init.streams = [streamNamed(a.stream || 'browser-stream')];
    if (a.rids) init.sendEncodings = a.rids.map(rid => ({rid}));
    const tr = pc.addTransceiver(a.track ? await getTrack(a.kind) : a.kind, init);
    return {mid: tr.mid, direction: tr.direction};
  },
  create_data_channel(a) {
    const dc = getPc(a.pc).createDataChannel(a.label || 'x');
    return {label: dc.label};
  },
  set_direction(a) {
    const tr = findTransceiver(getPc(a.pc), a);
    tr.direction = a.direction;
    return {mid: tr.mid};
  },
  capabilities(a) {
    const caps = RTCRtpReceiver.getCapabilities(a.kind);
    return {codecs: caps ? caps.codecs.map(codecInfo) : null,
            headerExtensions: caps ? caps.headerExtensions.map(h => h.uri) : null};
  },
  set_codec_preferences(a) {
    const tr = findTransceiver(getPc(a.pc), a);
    const {all, only} = codecsOnly(a.kind, a.mime);
    if (!only.some(c => c.mimeType.toLowerCase() === a.kind + '/' + a.mime.toLowerCase())) {
      return {missing: `browser has no ${a.mime} in RTCRtpReceiver.getCapabilities("${a.kind}")`,
              capabilities: all.map(codecInfo)};
    }
    if (typeof tr.setCodecPreferences !== 'function') {
      throw new Error('setCodecPreferences is not supported by this browser');
    }
    tr.setCodecPreferences(only);
    return {codecs: only.map(codecInfo)};
  },
  async srd(a) {
    await getPc(a.pc).setRemoteDescription({type: a.type, sdp: a.sdp});
    return {signalingState: getPc(a.pc).signalingState};
  },
  async sld(a) {
    const pc = getPc(a.pc);
    if (a.type) await pc.setLocalDescription(a.sdp ? {type: a.type, sdp: a.sdp} : {type: a.type});
    else await pc.setLocalDescription();
    return {signalingState: pc.signalingState, sdp: pc.localDescription ? pc.localDescription.sdp : null,
            type: pc.localDescription ? pc.localDescription.type : null};
  },
  async create_offer(a) {
    const d = await getPc(a.pc).createOffer(a.options || {});
    return {type: d.type, sdp: d.sdp};
  },
  async create_answer(a) {
    const d = await getPc(a.pc).createAnswer(a.options || {});
    return {type: d.type, sdp: d.sdp};
  },
  describe(a) {
    return describe(a.pc);
  },
  // getStats(): the entries that name a transport (transportId) or are one.
  async stats(a) {
    const report = await getPc(a.pc).getStats();
    const out = [];
    report.forEach(s => {
      if (s.transportId === undefined && s.type !== 'transport') return;
      out.push({
        type: s.type, id: s.id,
        kind: s.kind !== undefined ? s.kind : (s.mediaType !== undefined ? s.mediaType : null),
        mid: s.mid !== undefined ? s.mid : null,
        transportId: s.transportId !== undefined ? s.transportId : null,
      });
    });
    return {stats: out};
  },
  user_agent() {
    return {userAgent: navigator.userAgent};
  },
};

async function run(cmd) {
  const fn = COMMANDS[cmd.cmd];
  if (!fn) return {ok: false, error: {name: 'TestError', message: 'unknown command ' + cmd.cmd}};
  try {
    const result = await fn(cmd);
    return Object.assign({ok: true}, result);
  } catch (e) {
    return {ok: false, error: errInfo(e)};
  }
}

async function main() {
  let msg = {hello: true, userAgent: navigator.userAgent};
  for (;;) {
    const cmd = await post('/rpc', msg);
    if (cmd.cmd === 'done') break;
    if (cmd.cmd === 'noop') {
      msg = {noop: true};
      continue;
    }
    if (cmd.cmd === 'reset') log('--- ' + (cmd.scenario || ''));
    msg = {seq: cmd.seq, result: await run(cmd)};
  }
  log('done');
}

main().catch(e => post('/rpc', {fatal: errInfo(e)}).catch(() => {}));
