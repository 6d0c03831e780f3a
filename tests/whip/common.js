// Shared by player.js and publisher.js (tests/whip/clients.py's PageServer
// serves this folder). The page talks to the test only through its own
// origin: POST /report {id, kind, t, data} and GET /command?id=ID (the
// commands the test queued for this page: JSON list of strings).
'use strict';

export const params = new URLSearchParams(location.search);
export const pageId = params.get('id') || 'page';
const T0 = performance.now();
export const now = () => Math.round(performance.now() - T0) / 1000;
export const sleep = ms => new Promise(r => setTimeout(r, ms));
export const errText = e => `${(e && e.name) || 'Error'}: ${(e && e.message) || e}`;

export async function report(kind, data) {
  const body = JSON.stringify({id: pageId, kind, t: now(), data});
  for (let i = 0; i < 3; i++) {
    try {
      await fetch('/report', {method: 'POST', headers: {'Content-Type': 'application/json'}, body});
      return;
    } catch (e) {
      await sleep(200);
    }
  }
}

export function log(msg) {
  const el = document.getElementById('log');
  if (el) el.textContent += `${now()} ${msg}\n`;
  report('log', msg);
}

// Every HTTP exchange the WHIP/WHEP client makes (whip-whep uses fetch):
// method, URL, request headers, status, response headers, body.
export const exchanges = [];
const realFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.startsWith(location.origin + '/report') || url.startsWith('/report') ||
      url.startsWith('/command')) {
    return realFetch(input, init);
  }
  const x = {t: now(), method: (init && init.method) || 'GET', url,
             request_headers: (init && init.headers) || {},
             request_body: init && typeof init.body === 'string' ? init.body : null};
  exchanges.push(x);
  try {
    const resp = await realFetch(input, init);
    x.status = resp.status;
    x.response_headers = Object.fromEntries(resp.headers.entries());
    x.response_body = await resp.clone().text();
    log(`${x.method} ${url} -> ${resp.status}`);
    return resp;
  } catch (e) {
    x.error = errText(e);
    log(`${x.method} ${url} failed: ${x.error}`);
    throw e;
  }
};

export const errors = [];
window.addEventListener('unhandledrejection', ev => {
  errors.push('unhandled rejection: ' + errText(ev.reason));
  log('unhandled rejection: ' + errText(ev.reason));
});
window.addEventListener('error', ev => {
  errors.push('error: ' + ev.message);
  log('error: ' + ev.message);
});

export async function commands() {
  try {
    const r = await fetch('/command?id=' + encodeURIComponent(pageId));
    return await r.json();
  } catch (e) {
    return [];
  }
}

// inbound-rtp / outbound-rtp counters per kind, and the selected pair.
export async function rtpStats(pc) {
  const out = {inbound: {}, outbound: {}, pair: null};
  if (!pc || pc.connectionState === 'closed') return out;
  const stats = await pc.getStats();
  const byId = new Map();
  stats.forEach(s => byId.set(s.id, s));
  stats.forEach(s => {
    if (s.type === 'inbound-rtp') {
      const k = out.inbound[s.kind] || (out.inbound[s.kind] = {packetsReceived: 0, bytesReceived: 0});
      k.packetsReceived += s.packetsReceived || 0;
      k.bytesReceived += s.bytesReceived || 0;
      if (s.kind === 'video') {
        k.framesDecoded = (k.framesDecoded || 0) + (s.framesDecoded || 0);
        k.frameWidth = s.frameWidth; k.frameHeight = s.frameHeight;
      } else {
        k.totalSamplesReceived = (k.totalSamplesReceived || 0) + (s.totalSamplesReceived || 0);
      }
      const c = byId.get(s.codecId);
      if (c) k.codec = c.mimeType;
    } else if (s.type === 'outbound-rtp') {
      const k = out.outbound[s.kind] || (out.outbound[s.kind] = {packetsSent: 0, bytesSent: 0});
      k.packetsSent += s.packetsSent || 0;
      k.bytesSent += s.bytesSent || 0;
      if (s.kind === 'video') k.framesEncoded = (k.framesEncoded || 0) + (s.framesEncoded || 0);
      const c = byId.get(s.codecId);
      if (c) k.codec = c.mimeType;
    } else if (s.type === 'transport' && s.selectedCandidatePairId) {
      const p = byId.get(s.selectedCandidatePairId);
      if (p) {
        const l = byId.get(p.localCandidateId), r = byId.get(p.remoteCandidateId);
        out.pair = {state: p.state, local: l && `${l.address}:${l.port} ${l.candidateType}`,
                    remote: r && `${r.address}:${r.port} ${r.candidateType}`};
      }
    }
  });
  return out;
}

export function iceCreds(sdp) {
  const u = /a=ice-ufrag:(.*)\r?\n/.exec(sdp || ''), p = /a=ice-pwd:(.*)\r?\n/.exec(sdp || '');
  return {ufrag: u && u[1], pwd: p && p[1]};
}
