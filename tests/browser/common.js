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

// GET, as JSON: retried twice on a network error (GET is idempotent).
async function getJSON(path) {
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await fetch(path, {cache: 'no-store'});
      if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status}`);
      return r.json();
    } catch (e) {
      if (!(e instanceof TypeError) || attempt >= 2) throw e;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
}
