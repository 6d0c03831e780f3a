'use strict';
// Runs the scenarios listed by /config one after another and posts each
// result to /result. Expectations are checked on the Python side.

const SCENARIO_TIMEOUT_MS = 60000;
const GATHER_CAP_MS = 5000;

async function post(path, body) {
  const r = await fetch(path, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status}`);
  return r.json();
}

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
      pc.addTrack(await getTrack('audio', tracks));
      pc.addTrack(await getTrack('video', tracks));
      break;
    case 'datachannel':
      pc.createDataChannel('x');
      break;
    case 'audio_video_data':
    case 'tamper':
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
// would attach in --tracks auto mode (one track on every audio/video m-line).
async function browserAnswer(offerSdp, tracksMode, tracks) {
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
    const answer = await pc2.createAnswer();
    return answer.sdp;
  } finally {
    pc2.close();
  }
}

function codecList(params) {
  if (!params || !Array.isArray(params.codecs)) return null;
  return params.codecs.map(c => c.mimeType);
}

function describe(pc) {
  return {
    signalingState: pc.signalingState,
    sctp: pc.sctp !== null && pc.sctp !== undefined,
    transceivers: pc.getTransceivers().map(tr => ({
      mid: tr.mid,
      kind: tr.receiver.track.kind,
      direction: tr.direction,
      currentDirection: tr.currentDirection,
      senderCodecs: codecList(tr.sender.getParameters()),
      receiverCodecs: codecList(tr.receiver.getParameters()),
    })),
  };
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
      res.browser_answer = await browserAnswer(res.offer, sc.tracks, tracks);
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

    try {
      await pc.setRemoteDescription({type: 'answer', sdp: res.answer});
      res.accepted = true;
    } catch (e) {
      res.accepted = false;
      res.error = errInfo(e);
    }
    Object.assign(res, describe(pc));
  } finally {
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
      await withTimeout(runScenario(sc, res), SCENARIO_TIMEOUT_MS, sc.name);
    } catch (e) {
      if (e instanceof SkipScenario) res.skip = e.message;
      else res.exception = errInfo(e);
    }
    await post('/result', res);
  }
  await post('/done', {userAgent: navigator.userAgent});
}

main().catch(e => post('/done', {userAgent: navigator.userAgent, fatal: errInfo(e)}));
