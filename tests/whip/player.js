// A WHEP player on whip-whep 1.2.0's WHEPClient (tests/whip/clients.py):
// player.html?whep=URL&id=ID&duration=S[&connect_timeout=S]
// It offers recvonly audio + video (no ICE servers), plays what comes, and
// reports to the test: 'state' (connection states), 'stats' once a second
// (inbound-rtp per kind: packetsReceived, framesDecoded, totalSamplesReceived,
// codec, the selected pair), then 'result' {ok, connected, stats,
// exchanges (every WHEP HTTP request and response), errors}, and 'done' once
// the client's stop() (DELETE) returned. Commands: 'stop' ends early.
// &mode=server-offer: WHEP's server offer instead, with a plain
// RTCPeerConnection and fetch (whip-whep has no such mode): a POST with no
// body must give 406 with the server's offer (application/sdp), Location and
// ETag; the page applies it, answers (candidates gathered, no trickle) and
// PATCHes the answer to the Location as application/sdp (expects 204);
// res.server_offer reports each step; the DELETE at the end is ours too.
import {WHEPClient} from '/whip-whep/whep.js';
import {params, log, report, sleep, errText, exchanges, errors, commands, rtpStats, now}
  from './common.js';

const url = params.get('whep');
const duration = Number(params.get('duration') || 10);
const connectTimeout = Number(params.get('connect_timeout') || 20);
const mode = params.get('mode') || 'client-offer';

// WHEP server offer (see above): returns {post_status, ..., patch_status, resource}.
async function serverOffer(pc, res) {
  const so = res.server_offer = {};
  const post = await fetch(url, {method: 'POST'});
  so.post_status = post.status;
  so.content_type = post.headers.get('Content-Type');
  so.location = post.headers.get('Location');
  so.etag = post.headers.get('ETag');
  const offer = await post.text();
  so.offer_directions = [...offer.matchAll(/^a=(sendonly|recvonly|sendrecv|inactive)\r?$/gm)]
    .map(m => m[1]);
  so.offer_kinds = [...offer.matchAll(/^m=(\w+) /gm)].map(m => m[1]);
  if (post.status !== 406 || !so.location) throw new Error(`POST without offer gave ${post.status}`);
  so.resource = new URL(so.location, url).href;
  await pc.setRemoteDescription({type: 'offer', sdp: offer});
  await pc.setLocalDescription(await pc.createAnswer());
  await new Promise(resolve => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
    setTimeout(resolve, 5000);
  });
  const answer = pc.localDescription.sdp;
  so.answer_candidates = (answer.match(/^a=candidate:/gm) || []).length;
  const patch = await fetch(so.resource, {method: 'PATCH', headers: {'Content-Type': 'application/sdp'},
                                          body: answer});
  so.patch_status = patch.status;
  so.patch_body = await patch.text();
  if (patch.status !== 204) throw new Error(`PATCH of the answer gave ${patch.status}: ${so.patch_body}`);
  return so.resource;
}

async function main() {
  const res = {url, userAgent: navigator.userAgent, connected_at: null, states: [], stats: null,
               stats_history: [], remote_tracks: []};
  const pc = new RTCPeerConnection({iceServers: []});
  if (mode !== 'server-offer') {
    pc.addTransceiver('audio', {direction: 'recvonly'});
    pc.addTransceiver('video', {direction: 'recvonly'});
  }
  const remote = new MediaStream();
  pc.ontrack = ev => {
    res.remote_tracks.push(ev.track.kind);
    remote.addTrack(ev.track);
    const v = document.getElementById('video');
    if (v.srcObject !== remote) {
      v.srcObject = remote;
      v.play().catch(e => log('video.play: ' + errText(e)));
    }
  };
  // whip-whep sets pc.onconnectionstatechange itself: a listener instead.
  pc.addEventListener('connectionstatechange', () => {
    res.states.push([now(), pc.connectionState]);
    report('state', pc.connectionState);
    if (pc.connectionState === 'connected' && res.connected_at === null) res.connected_at = now();
  });
  const whep = new WHEPClient();
  let stopped = false, resource = null;
  try {
    if (mode === 'server-offer') resource = await serverOffer(pc, res);
    else await whep.view(pc, url);
    log('answer applied');
    const t0 = performance.now();
    while (!stopped && res.connected_at === null && performance.now() - t0 < connectTimeout * 1000 &&
           pc.connectionState !== 'failed') {
      await sleep(100);
      if ((await commands()).includes('stop')) stopped = true;
    }
    const t1 = performance.now();
    while (!stopped && res.connected_at !== null && performance.now() - t1 < duration * 1000) {
      await sleep(1000);
      const s = await rtpStats(pc);
      res.stats = s;
      res.stats_history.push([now(), s.inbound]);
      report('stats', s);
      if ((await commands()).includes('stop')) stopped = true;
    }
  } catch (e) {
    errors.push(errText(e));
    log('failed: ' + errText(e));
  }
  res.stats = await rtpStats(pc).catch(() => res.stats);
  const a = (res.stats && res.stats.inbound.audio) || {}, v = (res.stats && res.stats.inbound.video) || {};
  res.connected = res.connected_at !== null;
  res.ok = res.connected && (v.framesDecoded || 0) > 0 && (a.packetsReceived || 0) > 0;
  res.exchanges = exchanges;
  res.errors = errors;
  report('result', res);
  try {
    if (resource) {
      const d = await fetch(resource, {method: 'DELETE'});
      res.delete_status = d.status;
      pc.close();
    } else {
      await whep.stop();
    }
  } catch (e) {
    log('stop: ' + errText(e));
  }
  report('done', {exchanges});
}

main();
