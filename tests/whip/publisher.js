// A WHIP publisher on whip-whep 1.2.0's WHIPClient (tests/whip/clients.py):
// publisher.html?whip=URL&id=ID&duration=S[&connect_timeout=S][&video_codec=VP8|H264]
// Fake camera and microphone (the browser's fake devices), sendonly, no ICE
// servers. Publishes until 'stop' or the duration (from connected) ends.
// Reports 'state', 'stats' once a second (outbound-rtp per kind, selected
// pair) and, at the end, 'result' {connected, stats, restarts, exchanges,
// errors}, then 'done' after the DELETE.
// Command 'restart': the ICE restart the way whip-whep does it
// (WHIPClient.restart(): pc.restartIce(), createOffer({iceRestart: true}),
// setLocalDescription, PATCH with If-Match: "*" and the new ufrag/pwd; on
// 200 it puts the relay's ufrag/pwd/candidates into the remote description);
// reported as 'restart' {ok, before, after (local and remote ICE
// credentials), patch (the exchange), connected_again_after_s, error}.
import {WHIPClient} from '/whip-whep/whip.js';
import {params, log, report, sleep, errText, exchanges, errors, commands, rtpStats, now, iceCreds}
  from './common.js';

const url = params.get('whip');
const duration = Number(params.get('duration') || 20);
const connectTimeout = Number(params.get('connect_timeout') || 20);
const videoCodec = params.get('video_codec');

async function restart(whip, pc) {
  const r = {t: now(), before: {local: iceCreds(pc.localDescription.sdp),
                                remote: iceCreds(pc.remoteDescription.sdp)}};
  const n = exchanges.length;
  try {
    await whip.restart();
    r.patch = exchanges.slice(n).find(x => x.method === 'PATCH') || null;
    r.after = {local: iceCreds(pc.localDescription.sdp), remote: iceCreds(pc.remoteDescription.sdp)};
    const t0 = performance.now();
    // connected again, and packets still going out after the restart
    const before = (await rtpStats(pc)).outbound;
    while (performance.now() - t0 < 15000) {
      await sleep(250);
      const s = await rtpStats(pc);
      const grew = ['audio', 'video'].every(k => s.outbound[k] && before[k] &&
                                                  s.outbound[k].packetsSent > before[k].packetsSent);
      if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') {
        if (grew) { r.connected_again_after_s = (performance.now() - t0) / 1000; r.pair = s.pair; break; }
      }
    }
    r.ok = !!(r.patch && r.patch.status === 200 && r.after.remote.ufrag !== r.before.remote.ufrag &&
              r.after.local.ufrag !== r.before.local.ufrag && r.connected_again_after_s !== undefined);
  } catch (e) {
    r.error = errText(e);
    r.patch = exchanges.slice(n).find(x => x.method === 'PATCH') || null;
    r.ok = false;
  }
  r.ice_state = pc.iceConnectionState;
  log(`restart: ${r.ok ? 'ok' : 'FAILED'} ${r.error || ''}`);
  report('restart', r);
  return r;
}

async function main() {
  const res = {url, userAgent: navigator.userAgent, connected_at: null, states: [], stats: null,
               restarts: []};
  const pc = new RTCPeerConnection({iceServers: []});
  // whip-whep sets pc.onconnectionstatechange itself: a listener instead.
  pc.addEventListener('connectionstatechange', () => {
    res.states.push([now(), pc.connectionState]);
    report('state', pc.connectionState);
    if (pc.connectionState === 'connected' && res.connected_at === null) res.connected_at = now();
  });
  const whip = new WHIPClient();
  let stopped = false;
  try {
    const stream = await navigator.mediaDevices.getUserMedia(
      {audio: true, video: {width: 640, height: 360, frameRate: 30}});
    for (const track of stream.getTracks()) {
      const t = pc.addTransceiver(track, {direction: 'sendonly', streams: [stream]});
      if (track.kind === 'video' && videoCodec && RTCRtpSender.getCapabilities) {
        const caps = RTCRtpSender.getCapabilities('video').codecs;
        const pref = caps.filter(c => c.mimeType.toLowerCase() === 'video/' + videoCodec.toLowerCase());
        t.setCodecPreferences(pref.concat(caps.filter(c => !pref.includes(c))));
      }
    }
    await whip.publish(pc, url);
    log('answer applied');
    const t0 = performance.now();
    while (res.connected_at === null && performance.now() - t0 < connectTimeout * 1000 &&
           pc.connectionState !== 'failed') {
      await sleep(100);
    }
    const t1 = performance.now();
    while (!stopped && res.connected_at !== null && performance.now() - t1 < duration * 1000) {
      await sleep(500);
      const s = await rtpStats(pc);
      res.stats = s;
      report('stats', s);
      for (const c of await commands()) {
        if (c === 'stop') stopped = true;
        if (c === 'restart') res.restarts.push(await restart(whip, pc));
      }
    }
  } catch (e) {
    errors.push(errText(e));
    log('failed: ' + errText(e));
  }
  res.stats = await rtpStats(pc).catch(() => res.stats);
  res.connected = res.connected_at !== null;
  res.exchanges = exchanges;
  res.errors = errors;
  report('result', res);
  try {
    await whip.stop();
  } catch (e) {
    log('stop: ' + errText(e));
  }
  report('done', {exchanges});
}

main();
