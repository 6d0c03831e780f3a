// Helpers both test pages use (tests/browser/page.js and
// tests/real_session/page.js), served as /common.js by PageHandler.

async function post(path, body) {
  const r = await fetch(path, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status}`);
  return r.json();
}
