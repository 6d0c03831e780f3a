'use strict';
// Runs the scenarios listed by /config one after another and posts each
// result to /result. Expectations are checked on the Python side.

const SCENARIO_TIMEOUT_MS = 60000;
const GATHER_CAP_MS = 5000;
// How long identity_in_answer waits after setRemoteDescription for Firefox's
// asynchronous identity validation (it fails: the IdP cannot be reached).
const IDENTITY_WAIT_MS = 3000;

// Unhandled promise rejections seen by the page (reported by the scenarios
// that care; a rejection nobody catches must not go unnoticed).
const unhandledRejections = [];
window.addEventListener('unhandledrejection', ev => {
  unhandledRejections.push(errInfo(ev.reason));
});

function log(msg) {
  document.getElementById('log').textContent += msg + '\n';
  post('/log', {msg}).catch(() => {});
}

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

class SkipScenario extends Error {}

function errInfo(e) {
  return {name: (e && e.name) || 'Error', message: String((e && e.message) || e)};
}

async function getTrack(kind, tracks) {
  const stream = await navigator.mediaDevices.getUserMedia({[kind]: true});
  const track = stream.getTracks()[0];
  tracks.push(track);
  return track;
}

// Local setup of the offering pc for each scenario; returns extra info.
async function setupOfferer(name, pc, tracks, info) {
  switch (name) {
    case 'audio':
      pc.addTrack(await getTrack('audio', tracks));
      break;
    case 'video':
      pc.addTrack(await getTrack('video', tracks));
      break;
    case 'audio_video':
    case 'candidates':
    case 'no_comfort_noise':
      pc.addTrack(await getTrack('audio', tracks));
      pc.addTrack(await getTrack('video', tracks));
      break;
    case 'datachannel':
      pc.createDataChannel('x');
      break;
    case 'audio_video_data':
    case 'tamper':
    case 'identity_in_answer':
      pc.addTrack(await getTrack('audio', tracks));
      pc.addTrack(await getTrack('video', tracks));
      pc.createDataChannel('x');
      break;
    case 'recvonly_viewer':
      pc.addTransceiver('audio', {direction: 'recvonly'});
      pc.addTransceiver('video', {direction: 'recvonly'});
      break;
    case 'h264_only': {
      pc.addTrack(await getTrack('video', tracks));
      const tr = pc.getTransceivers()[0];
      const caps = RTCRtpReceiver.getCapabilities('video');
      info.video_capabilities = caps ? caps.codecs.map(c => c.mimeType + (c.sdpFmtpLine ? ' ' + c.sdpFmtpLine : '')) : null;
      if (typeof tr.setCodecPreferences !== 'function') {
        throw new Error('setCodecPreferences is not supported by this browser');
      }
      const h264 = caps.codecs.filter(c => /^video\/(h264|rtx)$/i.test(c.mimeType));
      if (!h264.some(c => /h264/i.test(c.mimeType))) {
        // Firefox only has H264 with the OpenH264 plugin, downloaded on demand.
        throw new SkipScenario('browser has no H264 in RTCRtpReceiver.getCapabilities("video")');
      }
      tr.setCodecPreferences(h264);
      break;
    }
    default:
      throw new Error('unknown scenario ' + name);
  }
}

function waitGatheringComplete(pc, ms) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve(true);
  return new Promise(resolve => {
    const timer = setTimeout(() => resolve(false), ms);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
}

// The browser's own answer to the same offer, with the tracks our answerer
// would attach in --tracks auto mode (one track on every audio/video m-line)
// and the answer options the scenario gives our answerer (RTCAnswerOptions);
// `answerer(pc2)`, when given, then makes the calls the library makes.
async function browserAnswer(offerSdp, tracksMode, tracks, answerOptions, answerer) {
  const pc2 = new RTCPeerConnection();
  try {
    await pc2.setRemoteDescription({type: 'offer', sdp: offerSdp});
    if (tracksMode === 'auto') {
      for (const tr of pc2.getTransceivers()) {
        const kind = tr.receiver.track.kind;
        if (kind !== 'audio' && kind !== 'video') continue;
        await tr.sender.replaceTrack(await getTrack(kind, tracks));
        tr.direction = 'sendrecv';
      }
    }
    if (answerer) await answerer(pc2);
    const answer = await pc2.createAnswer(answerOptions || {});
    return answer.sdp;
  } finally {
    pc2.close();
  }
}

function codecList(params) {
  if (!params || !Array.isArray(params.codecs)) return null;
  return params.codecs.map(c => c.mimeType);
}

function payloadTypes(params) {
  if (!params || !Array.isArray(params.codecs)) return null;
  return params.codecs.map(c => c.payloadType);
}

function describeTransceiver(tr) {
  const sp = tr.sender.getParameters();
  return {
    mid: tr.mid,
    kind: tr.receiver.track.kind,
    direction: tr.direction,
    currentDirection: tr.currentDirection,
    // Removed from Chromium (currentDirection says 'stopped' instead).
    stopped: typeof tr.stopped === 'boolean' ? tr.stopped : null,
    senderCodecs: codecList(sp),
    senderPayloadTypes: payloadTypes(sp),
    receiverCodecs: codecList(tr.receiver.getParameters()),
    sendEncodings: (sp.encodings || []).map(e => e.rid || null),
  };
}

function describe(pc) {
  return {
    signalingState: pc.signalingState,
    sctp: pc.sctp !== null && pc.sctp !== undefined,
    transceivers: pc.getTransceivers().map(describeTransceiver),
  };
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

// Follows pc.peerIdentity (Firefox: a promise; Chromium: absent), with a
// catch on every promise it sees so no rejection goes unhandled. Called
// again with `w`, it also follows the promise now in place.
function watchPeerIdentity(pc, w) {
  if (!w) {
    w = {info: {state: 'pending'}, seen: []};
    w.settled = new Promise(resolve => { w.resolveSettled = resolve; });
  }
  if (!('peerIdentity' in pc)) {
    w.info = {state: 'unsupported'};
    w.resolveSettled();
    return w;
  }
  let p;
  try {
    p = pc.peerIdentity;
  } catch (e) {
    w.info = {state: 'getter threw', error: errInfo(e)};
    w.resolveSettled();
    return w;
  }
  if (!p || typeof p.then !== 'function' || w.seen.includes(p)) return w;
  w.seen.push(p);
  p.then(id => {
    w.info = {state: 'resolved', value: id ? {idp: id.idp, name: id.name} : id};
    w.resolveSettled();
  }, e => {
    w.info = {state: 'rejected', error: errInfo(e)};
    w.resolveSettled();
  });
  return w;
}

function stripFingerprints(sdp) {
  return sdp.split(/\r?\n/).filter(l => !l.startsWith('a=fingerprint')).join('\r\n');
}

// Fills res as it goes so a failure or timeout still reports what was done.
async function runScenario(sc, res) {
  const tracks = [];
  const pc = new RTCPeerConnection();
  try {
    res.setup = {};
    await setupOfferer(sc.name, pc, tracks, res.setup);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    if (sc.gather) {
      res.gathering_complete = await waitGatheringComplete(pc, GATHER_CAP_MS);
    }
    res.offer = pc.localDescription.sdp;

    try {
      res.browser_answer = await browserAnswer(res.offer, sc.tracks, tracks, sc.answer_options);
    } catch (e) {
      res.browser_answer_error = errInfo(e);
    }

    const reply = await post('/answer', {
      scenario: sc.name, offer: res.offer, browser_answer: res.browser_answer || null,
    });
    if (!reply.ok) {
      res.answer_error = reply.error;
      return;
    }
    res.answer = reply.answer;
    if (reply.library) res.library = reply.library;

    if (sc.name === 'tamper') {
      // Must be rejected: an answer without a DTLS fingerprint.
      res.tampered_answer = stripFingerprints(res.answer);
      try {
        await pc.setRemoteDescription({type: 'answer', sdp: res.tampered_answer});
        res.tamper_accepted = true;
      } catch (e) {
        res.tamper_accepted = false;
        res.tamper_error = errInfo(e);
      }
      res.state_after_tamper = pc.signalingState;
      if (res.tamper_accepted) return;
      // Control: the untampered answer on the same pc is accepted, so the
      // rejection above was caused by the missing fingerprint.
    }

    // Watched from before setRemoteDescription: Firefox rejects the
    // promise when validation fails, which must not go unhandled.
    const identity = sc.name === 'identity_in_answer' ? watchPeerIdentity(pc) : null;
    const rejectionsBefore = unhandledRejections.length;
    try {
      await pc.setRemoteDescription({type: 'answer', sdp: res.answer});
      res.accepted = true;
    } catch (e) {
      res.accepted = false;
      res.error = errInfo(e);
    }
    Object.assign(res, describe(pc));
    if (identity && res.accepted) {
      // Firefox validates the answer's a=identity asynchronously; without a
      // required peer identity a failure must leave the connection as it is.
      const t0 = performance.now();
      await Promise.race([identity.settled, sleep(IDENTITY_WAIT_MS)]);
      watchPeerIdentity(pc, identity); // the promise may have been replaced
      await sleep(500);
      res.identity_wait = {
        waited_ms: Math.round(performance.now() - t0),
        signalingState: pc.signalingState,
        peerIdentity: identity.info,
        unhandled_rejections: unhandledRejections.slice(rejectionsBefore),
      };
    }
  } finally {
    pc.close();
    for (const t of tracks) t.stop();
  }
}

// ------------------------------------------------------------ multi-step
// Scenarios answered by one rtcpc connection (the ctypes worker) across
// several offers: each step optionally changes the browser pc (before),
// makes an offer (offerOptions), gets the library's answer, applies it and
// optionally records more (after). res.steps[i] keeps each step's offer,
// answer, outcome, the browser's state and the library's negotiation.

function useCodecOnly(mime) {
  return async (ctx) => {
    ctx.pc.addTrack(await getTrack('video', ctx.tracks));
    const tr = ctx.pc.getTransceivers()[0];
    const caps = RTCRtpReceiver.getCapabilities('video');
    ctx.res.setup.video_capabilities = caps ? caps.codecs.map(c => c.mimeType + (c.sdpFmtpLine ? ' ' + c.sdpFmtpLine : '')) : null;
    if (typeof tr.setCodecPreferences !== 'function') {
      throw new Error('setCodecPreferences is not supported by this browser');
    }
    const re = new RegExp('^video/(' + mime + '|rtx)$', 'i');
    const only = caps.codecs.filter(c => re.test(c.mimeType));
    if (!only.some(c => c.mimeType.toLowerCase() === 'video/' + mime.toLowerCase())) {
      throw new SkipScenario(`browser has no ${mime} in RTCRtpReceiver.getCapabilities("video")`);
    }
    tr.setCodecPreferences(only);
  };
}

async function audioVideo(ctx) {
  ctx.pc.addTrack(await getTrack('audio', ctx.tracks));
  ctx.pc.addTrack(await getTrack('video', ctx.tracks));
}

async function audioVideoData(ctx) {
  await audioVideo(ctx);
  ctx.pc.createDataChannel('x');
}

// transceiver_calls: what browser_test.py has the library do, done by the
// browser's own answerer too (the candidate calls aside: they are compared
// on their own), so that the two answers compare as usual.
function codecsOnly(kind, mime) {
  const re = new RegExp('^' + kind + '/(' + mime + '|rtx)$', 'i');
  const only = RTCRtpReceiver.getCapabilities(kind).codecs.filter(c => re.test(c.mimeType));
  if (!only.some(c => c.mimeType.toLowerCase() === kind + '/' + mime.toLowerCase())) {
    throw new Error(`browser has no ${mime} in RTCRtpReceiver.getCapabilities("${kind}")`);
  }
  return only;
}

function firstOfKind(pc, kind) {
  return pc.getTransceivers().find(t => t.receiver.track.kind === kind && t.mid !== null);
}

function recordApplied(ctx, st) {
  const d = ctx.pc.currentRemoteDescription;
  st.applied_answer = d ? d.sdp : null;
}

const MULTI_STEP = {
  simulcast_3_rids: {steps: [{
    async before(ctx) {
      ctx.pc.addTransceiver(await getTrack('video', ctx.tracks), {
        sendEncodings: [{rid: 'h'}, {rid: 'm', scaleResolutionDownBy: 2},
                        {rid: 'l', scaleResolutionDownBy: 4}],
      });
    },
  }]},
  many_transceivers: {steps: [{
    async before(ctx) {
      ctx.pc.addTrack(await getTrack('audio', ctx.tracks));
      const video = await getTrack('video', ctx.tracks);
      for (let i = 0; i < 16; i++) {
        // Every other one with a track, the rest without.
        if (i % 2 === 0) {
          const t = i === 0 ? video : video.clone();
          if (i) ctx.tracks.push(t);
          ctx.pc.addTransceiver(t, {direction: 'sendrecv'});
        } else {
          ctx.pc.addTransceiver('video', {direction: 'sendrecv'});
        }
      }
    },
  }]},
  vp9_only: {steps: [{before: useCodecOnly('VP9')}]},
  av1_only: {steps: [{before: useCodecOnly('AV1')}]},
  renegotiate_add_track: {steps: [
    {async before(ctx) { ctx.pc.addTrack(await getTrack('audio', ctx.tracks)); }},
    {async before(ctx) { ctx.pc.addTrack(await getTrack('video', ctx.tracks)); }},
  ]},
  ice_restart: {steps: [
    {before: audioVideo},
    {offerOptions: {iceRestart: true}},
  ]},
  stopped_transceiver: {steps: [
    {before: audioVideo},
    {
      // The library stops its video transceiver before this offer arrives
      // (browser_test.py); the browser just offers again.
      before(ctx) {
        ctx.video = ctx.pc.getTransceivers().find(t => t.receiver.track.kind === 'video');
      },
      after(ctx, st) {
        const t = ctx.video;
        st.stopped_video = t ? {
          mid: t.mid, direction: t.direction, currentDirection: t.currentDirection,
          stopped: typeof t.stopped === 'boolean' ? t.stopped : null,
          in_getTransceivers: ctx.pc.getTransceivers().includes(t),
        } : null;
      },
    },
  ]},
  transceiver_calls: {steps: [
    {
      before: audioVideo,
      answerer(pc2) {
        firstOfKind(pc2, 'video').setCodecPreferences(codecsOnly('video', 'VP8'));
        pc2.addTransceiver('audio', {direction: 'sendonly', streams: [new MediaStream()]});
      },
      after: recordApplied,
    },
    {
      async before(ctx) { ctx.pc.addTrack(await getTrack('audio', ctx.tracks)); },
      answerer(pc2) {
        firstOfKind(pc2, 'video').setCodecPreferences(codecsOnly('video', 'VP8'));
        firstOfKind(pc2, 'audio').direction = 'recvonly';
        pc2.addTransceiver('audio', {direction: 'sendonly', streams: [new MediaStream()]});
      },
      after: recordApplied,
    },
  ]},
  bundle_max_compat: {config: {bundlePolicy: 'max-compat'}, steps: [{before: audioVideoData}]},
  bundle_max_bundle: {config: {bundlePolicy: 'max-bundle'}, steps: [{before: audioVideoData}]},
};

const LAST_STEP_FIELDS = ['offer', 'answer', 'browser_answer', 'browser_answer_error', 'accepted',
                          'error', 'signalingState', 'sctp', 'transceivers', 'library'];

async function runMultiStep(sc, res) {
  const def = MULTI_STEP[sc.name];
  const tracks = [];
  const pc = new RTCPeerConnection(def.config || {});
  const ctx = {pc, tracks, res};
  res.setup = {};
  res.steps = [];
  try {
    for (let i = 0; i < def.steps.length; i++) {
      const step = def.steps[i];
      const st = {step: i};
      res.steps.push(st);
      if (step.before) await step.before(ctx, st);
      const offer = await pc.createOffer(step.offerOptions || {});
      await pc.setLocalDescription(offer);
      st.offer = pc.localDescription.sdp;
      try {
        st.browser_answer = await browserAnswer(st.offer, sc.tracks, tracks, undefined,
                                                step.answerer);
      } catch (e) {
        st.browser_answer_error = errInfo(e);
      }
      const reply = await post('/answer', {
        scenario: sc.name, step: i, offer: st.offer, browser_answer: st.browser_answer || null,
      });
      if (reply.library) st.library = reply.library;
      if (!reply.ok) {
        st.answer_error = reply.error;
        res.answer_error = Object.assign({step: i}, reply.error);
        break;
      }
      st.answer = reply.answer;
      try {
        await pc.setRemoteDescription({type: 'answer', sdp: st.answer});
        st.accepted = true;
      } catch (e) {
        st.accepted = false;
        st.error = errInfo(e);
      }
      Object.assign(st, describe(pc));
      if (!st.accepted) break;
      if (step.after) await step.after(ctx, st);
    }
  } finally {
    const last = res.steps[res.steps.length - 1] || {};
    for (const k of LAST_STEP_FIELDS) if (k in last) res[k] = last[k];
    res.accepted = res.steps.length === def.steps.length && res.steps.every(s => s.accepted);
    const bad = res.steps.find(s => s.accepted === false);
    if (bad) res.error = Object.assign({step: bad.step}, bad.error);
    pc.close();
    for (const t of tracks) t.stop();
  }
}

async function main() {
  const cfg = await (await fetch('/config')).json();
  log(`userAgent: ${navigator.userAgent}`);
  for (const sc of cfg.scenarios) {
    log(`running ${sc.name}`);
    const res = {scenario: sc.name};
    try {
      const run = MULTI_STEP[sc.name] ? runMultiStep : runScenario;
      await withTimeout(run(sc, res), SCENARIO_TIMEOUT_MS, sc.name);
    } catch (e) {
      if (e instanceof SkipScenario) res.skip = e.message;
      else res.exception = errInfo(e);
    }
    await post('/result', res);
  }
  await post('/done', {userAgent: navigator.userAgent});
}

main().catch(e => post('/done', {userAgent: navigator.userAgent, fatal: errInfo(e)}));
