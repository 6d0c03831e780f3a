'use strict';
// One real WebRTC session against rtcpc-echo (see real_session_test.py).
// The page offers audio + video + a data channel, POSTs the offer to /offer,
// applies the answer it gets back, then checks, within the budget /config
// gives, that the session connects, that the data channel echoes a text and
// a 64 KiB binary message byte for byte, and that the media the echo sends
// back is received and decoded. It posts everything it saw to /result; the
// verdict is the harness's.

const T0 = performance.now();
const now = () => Math.round(performance.now() - T0);
const GATHER_CAP_MS = 10000;
const BINARY_SIZE = 65536;
const STATS_INTERVAL_MS = 500;
// Once the harness says rtcpc-echo has exited, how long the page keeps
// watching before it reports (nothing can improve after that).
const ECHO_EXIT_GRACE_MS = 5000;

const res = {
  userAgent: navigator.userAgent,
  stages: {},
  stage_order: [],
  history: {
    connectionState: [], iceConnectionState: [], iceGatheringState: [],
    signalingState: [], dtlsState: [], sctpState: [], datachannel: [],
  },
  dtls_errors: [],
  remote_tracks: [],
  datachannel: {},
  stats: null,
  stats_polls: 0,
  errors: [],
};

window.addEventListener('unhandledrejection', ev => res.errors.push('unhandled rejection: ' + errText(ev.reason)));
window.addEventListener('error', ev => res.errors.push('error: ' + ev.message));

function errText(e) {
  return `${(e && e.name) || 'Error'}: ${(e && e.message) || e}`;
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function log(msg) {
  const line = `+${now()} ms ${msg}`;
  document.getElementById('log').textContent += line + '\n';
  post('/log', {msg: line}).catch(() => {});
}

function stage(name, ok, extra) {
  if (!(name in res.stages)) res.stage_order.push(name);
  res.stages[name] = Object.assign({ok, t_ms: now()}, extra || {});
  log(`stage ${name}: ${ok ? 'ok' : 'FAILED'}` +
      (extra && extra.error ? ` (${extra.error})` : ''));
}

// ------------------------------------------------------------ stopping

let pc = null;
let deadline = Infinity;
let stopReason = null;
let echoExit = null;  // {at, code} once the harness reports rtcpc-echo exited

function expired() {
  if (stopReason) return true;
  if (performance.now() >= deadline) {
    stopReason = 'time budget exhausted';
  } else if (pc && (pc.connectionState === 'failed' || pc.connectionState === 'closed')) {
    stopReason = `connectionState is ${pc.connectionState}`;
  } else if (echoExit && performance.now() - echoExit.at > ECHO_EXIT_GRACE_MS) {
    stopReason = `rtcpc-echo exited (code ${echoExit.code}) more than ${ECHO_EXIT_GRACE_MS} ms ago`;
  }
  if (stopReason) log('stop waiting: ' + stopReason);
  return !!stopReason;
}

// Polls pred every `step` ms until it holds (true) or the page stops (false).
async function until(pred, step = 50) {
  for (;;) {
    if (pred()) return true;
    if (expired()) return pred();
    await sleep(step);
  }
}

let finished = false;
async function watchEcho() {
  while (!finished) {
    try {
      const s = await getJSON('/status');
      if (s.echo_exited && !echoExit) {
        echoExit = {at: performance.now(), code: s.echo_rc};
        log(`harness: rtcpc-echo exited with code ${s.echo_rc}`);
      }
    } catch (e) {
      // The harness going away ends the run anyway.
    }
    await sleep(1000);
  }
}

// ------------------------------------------------------------ states

function record(name, value) {
  const h = res.history[name];
  if (h.length && h[h.length - 1].state === value) return;
  h.push({state: value, t_ms: now()});
  log(`${name} -> ${value}`);
}

function watchPc() {
  const watch = (ev, name) => {
    record(name, pc[name]);
    pc.addEventListener(ev, () => record(name, pc[name]));
  };
  watch('connectionstatechange', 'connectionState');
  watch('iceconnectionstatechange', 'iceConnectionState');
  watch('icegatheringstatechange', 'iceGatheringState');
  watch('signalingstatechange', 'signalingState');
}

let dtlsTransport = null;
function watchTransports() {
  for (const s of pc.getSenders()) {
    if (s.transport) {
      dtlsTransport = s.transport;
      break;
    }
  }
  if (dtlsTransport) {
    record('dtlsState', dtlsTransport.state);
    dtlsTransport.addEventListener('statechange', () => record('dtlsState', dtlsTransport.state));
    dtlsTransport.addEventListener('error', ev => {
      const e = ev.error || {};
      const info = {t_ms: now(), name: e.name, message: e.message, errorDetail: e.errorDetail,
                    sslAlertReceived: e.receivedAlert, sslAlertSent: e.sentAlert};
      res.dtls_errors.push(info);
      log('dtls transport error: ' + JSON.stringify(info));
    });
  } else {
    res.errors.push('note: RTCRtpSender.transport is not available (no RTCDtlsTransport state)');
  }
  if (pc.sctp) {
    record('sctpState', pc.sctp.state);
    pc.sctp.addEventListener('statechange', () => record('sctpState', pc.sctp.state));
  }
}

// DTLS state from RTCDtlsTransport, else from the last getStats() transport.
function dtlsState() {
  if (dtlsTransport) return dtlsTransport.state;
  const t = res.stats && res.stats.transports[0];
  return t && t.dtlsState ? t.dtlsState : null;
}

// ------------------------------------------------------------ stats

function plain(r) {
  return JSON.parse(JSON.stringify(r));
}

function summarize(report) {
  const s = {
    inbound: {}, outbound: {}, remote_inbound: {}, remote_outbound: {},
    candidate_pairs: [], transports: [], local_candidates: {}, remote_candidates: {},
    data_channels: [], codecs: {}, certificates: [], peer_connection: null,
    selected_pair: null,
  };
  const keep = (map, r, field) => {
    const kind = r.kind || r.mediaType || '?';
    if (!map[kind] || (r[field] || 0) > (map[kind][field] || 0)) map[kind] = plain(r);
  };
  report.forEach(r => {
    switch (r.type) {
      case 'inbound-rtp': keep(s.inbound, r, 'packetsReceived'); break;
      case 'outbound-rtp': keep(s.outbound, r, 'packetsSent'); break;
      case 'remote-inbound-rtp': keep(s.remote_inbound, r, 'packetsLost'); break;
      case 'remote-outbound-rtp': keep(s.remote_outbound, r, 'packetsSent'); break;
      case 'candidate-pair': s.candidate_pairs.push(plain(r)); break;
      case 'transport': s.transports.push(plain(r)); break;
      case 'local-candidate': s.local_candidates[r.id] = plain(r); break;
      case 'remote-candidate': s.remote_candidates[r.id] = plain(r); break;
      case 'data-channel': s.data_channels.push(plain(r)); break;
      case 'codec': s.codecs[r.id] = plain(r); break;
      case 'certificate':
        s.certificates.push({id: r.id, fingerprint: r.fingerprint,
                             fingerprintAlgorithm: r.fingerprintAlgorithm});
        break;
      case 'peer-connection': s.peer_connection = plain(r); break;
    }
  });
  for (const map of [s.inbound, s.outbound]) {
    for (const r of Object.values(map)) {
      const c = r.codecId && s.codecs[r.codecId];
      if (c) r.codec = c.mimeType + (c.sdpFmtpLine ? ' ' + c.sdpFmtpLine : '');
    }
  }
  // Chromium names the selected pair in its transport stats; Firefox marks
  // the pair itself (non-standard `selected`).
  let pair = null;
  for (const t of s.transports) {
    if (t.selectedCandidatePairId) {
      pair = s.candidate_pairs.find(p => p.id === t.selectedCandidatePairId) || null;
      if (pair) break;
    }
  }
  if (!pair) pair = s.candidate_pairs.find(p => p.selected) || null;
  if (!pair) pair = s.candidate_pairs.find(p => p.nominated && p.state === 'succeeded') || null;
  if (pair) {
    const cand = c => c && {address: c.address || c.ip, port: c.port, protocol: c.protocol,
                            candidateType: c.candidateType};
    s.selected_pair = {
      id: pair.id, state: pair.state, nominated: pair.nominated,
      bytesSent: pair.bytesSent, bytesReceived: pair.bytesReceived,
      currentRoundTripTime: pair.currentRoundTripTime,
      local: cand(s.local_candidates[pair.localCandidateId]),
      remote: cand(s.remote_candidates[pair.remoteCandidateId]),
    };
  }
  return s;
}

async function pollStats() {
  try {
    const rep = await pc.getStats();
    res.stats = summarize(rep);
    res.stats_polls++;
    return rep;
  } catch (e) {
    res.errors.push('getStats: ' + errText(e));
    return null;
  }
}

const num = v => (typeof v === 'number' ? v : 0);

async function mediaTask() {
  let video = false, audio = false;
  for (;;) {
    await pollStats();
    const iv = res.stats && res.stats.inbound.video;
    const ia = res.stats && res.stats.inbound.audio;
    if (!video && iv && num(iv.framesDecoded) > 0) {
      video = true;
      stage('video_decoded', true, {framesDecoded: iv.framesDecoded, packetsReceived: iv.packetsReceived});
    }
    if (!audio && ia && num(ia.packetsReceived) > 0 && num(ia.totalSamplesReceived) > 0) {
      audio = true;
      stage('audio_received', true, {packetsReceived: ia.packetsReceived,
                                     totalSamplesReceived: ia.totalSamplesReceived});
    }
    if (video && audio) return;
    if (expired()) break;
    await sleep(STATS_INTERVAL_MS);
  }
  const iv = res.stats && res.stats.inbound.video;
  const ia = res.stats && res.stats.inbound.audio;
  if (!video) {
    stage('video_decoded', false, {error: iv
      ? `inbound-rtp video: packetsReceived=${iv.packetsReceived} framesReceived=${iv.framesReceived} framesDecoded=${iv.framesDecoded}`
      : 'no inbound-rtp video stats'});
  }
  if (!audio) {
    let error = 'no inbound-rtp audio stats';
    if (ia) {
      error = `inbound-rtp audio: packetsReceived=${ia.packetsReceived} totalSamplesReceived=${ia.totalSamplesReceived}`;
      if (!('totalSamplesReceived' in ia)) error += ' (the browser has no totalSamplesReceived; fields: ' + Object.keys(ia).join(',') + ')';
    }
    stage('audio_received', false, {error});
  }
}

// Keeps the session up for `ms` once everything passed, then checks that
// the echoed media kept coming (more frames decoded, more audio received).
async function holdTask(ms) {
  const counts = () => {
    const iv = res.stats && res.stats.inbound.video, ia = res.stats && res.stats.inbound.audio;
    return {framesDecoded: num(iv && iv.framesDecoded), videoPackets: num(iv && iv.packetsReceived),
            audioPackets: num(ia && ia.packetsReceived), samples: num(ia && ia.totalSamplesReceived)};
  };
  await pollStats();
  const before = counts();
  const end = Math.min(performance.now() + ms, deadline);
  while (performance.now() < end) await sleep(Math.min(STATS_INTERVAL_MS, Math.max(end - performance.now(), 0)));
  await pollStats();
  const after = counts();
  const grew = Object.keys(before).filter(k => after[k] > before[k]);
  const ok = grew.length === Object.keys(before).length;
  stage('media_flowing', ok, {held_ms: Math.round(ms), before: JSON.stringify(before),
                              after: JSON.stringify(after),
                              error: ok ? undefined : 'did not grow while held: ' +
                                Object.keys(before).filter(k => !grew.includes(k)).join(', ')});
}

// ------------------------------------------------------------ data channel

const inbox = [];

function hex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(buf) {
  try {
    return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)));
  } catch (e) {
    return null;
  }
}

function describeData(d) {
  if (typeof d === 'string') return {type: 'string', length: d.length};
  if (d instanceof ArrayBuffer) return {type: 'ArrayBuffer', bytes: d.byteLength};
  if (typeof Blob !== 'undefined' && d instanceof Blob) return {type: 'Blob', bytes: d.size};
  return {type: typeof d};
}

// Sends `data`, waits for the next message and returns what came back.
async function roundTrip(dc, data) {
  const before = inbox.length;
  const t = performance.now();
  try {
    dc.send(data);
  } catch (e) {
    return {error: 'send failed: ' + errText(e)};
  }
  if (!await until(() => inbox.length > before, 10)) {
    return {error: `nothing came back (channel ${dc.readyState}, bufferedAmount ${dc.bufferedAmount})`};
  }
  return {msg: inbox[before], rtt_ms: Math.round(inbox[before].at - t)};
}

async function dataChannelTask(dc) {
  const d = res.datachannel;
  const opened = await until(() => dc.readyState === 'open');
  stage('datachannel_open', opened, opened ? {id: dc.id} : {error: `readyState ${dc.readyState}`});
  if (!opened) return;
  d.id = dc.id;
  d.maxMessageSize = pc.sctp ? pc.sctp.maxMessageSize : null;

  const text = 'hello rtcpc-echo ' + hex(crypto.getRandomValues(new Uint8Array(8)));
  let r = await roundTrip(dc, text);
  d.text = {sent: text, sent_length: text.length};
  if (r.error) {
    stage('dc_text_echo', false, {error: r.error});
  } else {
    const got = r.msg.data;
    d.text.received = typeof got === 'string' ? got.slice(0, 200) : describeData(got);
    d.text.rtt_ms = r.rtt_ms;
    const ok = typeof got === 'string' && got === text;
    stage('dc_text_echo', ok, ok ? {rtt_ms: r.rtt_ms} : {
      error: 'the message back differs: ' + JSON.stringify(describeData(got))});
  }
  if (expired()) return;

  const bin = new Uint8Array(BINARY_SIZE);
  crypto.getRandomValues(bin);
  d.binary = {sent_bytes: bin.byteLength, sent_sha256: await sha256(bin)};
  r = await roundTrip(dc, bin.buffer);
  if (r.error) {
    stage('dc_binary_echo', false, {error: r.error});
  } else {
    const got = r.msg.data;
    d.binary.received = describeData(got);
    d.binary.rtt_ms = r.rtt_ms;
    let error = null;
    if (!(got instanceof ArrayBuffer)) {
      error = 'the message back is not binary: ' + JSON.stringify(describeData(got));
    } else {
      const back = new Uint8Array(got);
      d.binary.received_sha256 = await sha256(got);
      let first = -1;
      const n = Math.min(back.length, bin.length);
      for (let i = 0; i < n; i++) {
        if (back[i] !== bin[i]) { first = i; break; }
      }
      if (first >= 0) error = `content differs from byte ${first} on`;
      else if (back.length !== bin.length) error = `${back.length} bytes back for ${bin.length} sent`;
    }
    stage('dc_binary_echo', !error, error ? {error} : {rtt_ms: r.rtt_ms});
  }
}

// ------------------------------------------------------------ main

async function waitStage(name, pred, detail) {
  const ok = await until(pred);
  stage(name, ok, ok ? {} : {error: 'not reached: ' + detail()});
}

async function main() {
  const cfg = await getJSON('/config');
  res.scenario = cfg.scenario;
  deadline = performance.now() + cfg.budget_ms;
  log(`scenario ${cfg.scenario}, budget ${cfg.budget_ms} ms`);
  watchEcho();

  pc = new RTCPeerConnection({iceServers: []});
  watchPc();

  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({audio: true, video: true});
    stage('getUserMedia', true, {tracks: stream.getTracks().map(t => `${t.kind}:${t.label}`)});
  } catch (e) {
    stage('getUserMedia', false, {error: errText(e)});
    return;
  }
  for (const t of stream.getTracks()) pc.addTrack(t, stream);

  const remote = new MediaStream();
  const video = document.getElementById('remote');
  pc.addEventListener('track', ev => {
    res.remote_tracks.push({kind: ev.track.kind, id: ev.track.id, mid: ev.transceiver && ev.transceiver.mid,
                            t_ms: now()});
    remote.addTrack(ev.track);
    if (video.srcObject !== remote) {
      video.srcObject = remote;
      video.play().catch(e => res.errors.push('video.play: ' + errText(e)));
    }
  });

  const dc = pc.createDataChannel('echo');
  dc.binaryType = 'arraybuffer';
  dc.addEventListener('open', () => record('datachannel', 'open'));
  dc.addEventListener('close', () => record('datachannel', 'closed'));
  dc.addEventListener('error', ev => {
    res.errors.push('datachannel error: ' + errText(ev.error));
    log('datachannel error: ' + errText(ev.error));
  });
  dc.addEventListener('message', ev => inbox.push({data: ev.data, at: performance.now()}));

  try {
    await pc.setLocalDescription(await pc.createOffer());
    stage('offer', true);
  } catch (e) {
    stage('offer', false, {error: errText(e)});
    return;
  }
  const gatherEnd = performance.now() + GATHER_CAP_MS;
  while (pc.iceGatheringState !== 'complete' && performance.now() < gatherEnd) await sleep(50);
  res.offer = pc.localDescription.sdp;
  const candidates = res.offer.split(/\r?\n/).filter(l => l.startsWith('a=candidate:'));
  stage('gathering', pc.iceGatheringState === 'complete', {
    candidates: candidates.length,
    error: pc.iceGatheringState === 'complete' ? undefined
      : `iceGatheringState still ${pc.iceGatheringState} after ${GATHER_CAP_MS} ms`,
  });

  const reply = await post('/offer', {sdp: res.offer});
  if (!reply.ok) {
    stage('answer', false, {error: reply.error});
    return;
  }
  res.answer = reply.answer;
  stage('answer', true);
  try {
    await pc.setRemoteDescription({type: 'answer', sdp: reply.answer});
    stage('setRemoteDescription', true);
  } catch (e) {
    stage('setRemoteDescription', false, {error: errText(e)});
    return;
  }
  watchTransports();

  await Promise.all([
    waitStage('ice_connected', () => ['connected', 'completed'].includes(pc.iceConnectionState),
              () => `iceConnectionState ${pc.iceConnectionState}`),
    waitStage('dtls_connected', () => dtlsState() === 'connected',
              () => `DTLS state ${dtlsState()}`),
    waitStage('connected', () => pc.connectionState === 'connected',
              () => `connectionState ${pc.connectionState}`),
    waitStage('sctp_connected', () => !!pc.sctp && pc.sctp.state === 'connected',
              () => `sctp ${pc.sctp ? pc.sctp.state : 'absent'}`),
    dataChannelTask(dc),
    mediaTask(),
  ]);
  if (!cfg.expect_failure && res.stage_order.every(n => res.stages[n].ok)) await holdTask(cfg.hold_ms);
  res.stop_reason = stopReason;
}

async function run() {
  try {
    await main();
  } catch (e) {
    res.fatal = errText(e);
    log('fatal: ' + res.fatal);
  }
  try {
    if (pc) {
      const rep = await pollStats();
      res.stats_raw = [];
      if (rep) rep.forEach(r => res.stats_raw.push(plain(r)));
      res.final_states = {
        connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState,
        signalingState: pc.signalingState, dtlsState: dtlsState(),
        sctpState: pc.sctp ? pc.sctp.state : null,
      };
      const v = document.getElementById('remote');
      res.remote_video = {videoWidth: v.videoWidth, videoHeight: v.videoHeight,
                          readyState: v.readyState, currentTime: v.currentTime};
    }
  } catch (e) {
    res.errors.push('final stats: ' + errText(e));
  }
  res.datachannel.messages_received = inbox.length;
  res.t_end_ms = now();
  finished = true;
  await post('/result', res);
  // The echo peer sees the session end (DTLS close_notify) unless the
  // harness asked it to be ended by a signal first.
  if (pc) pc.close();
  await post('/closed', {t_ms: now()}).catch(() => {});
}

run();
