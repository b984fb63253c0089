// A Worker that serves the Workers KV REST API routes used by kvstore over
// its KV binding, so the same tests run against Cloudflare's own KV engine
// (Miniflare). Limits are left to the binding, which enforces the real ones;
// its refusals are answered with the status and message it gives.
//
// Routes, under /client/v4/accounts/<ACCOUNT>/storage/kv/namespaces/<NAMESPACE>:
//   PUT values/<key>, GET values/<key>, DELETE values/<key>,
//   GET metadata/<key>, POST bulk/delete, GET keys.

function envelope(status, body, headers = {}) {
  return new Response(JSON.stringify({ errors: [], messages: [], ...body }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function ok(result, resultInfo) {
  const body = { success: true, result: result ?? null };
  if (resultInfo) body.result_info = resultInfo;
  return envelope(200, body);
}

function fail(status, code, message) {
  return envelope(status, { success: false, errors: [{ code, message }], result: null });
}

// bindingError answers a refusal of the KV binding. Its messages end with
// the API's text, after the status: "KV PUT failed: 414 UTF-8 encoded ...".
function bindingError(err) {
  const text = String(err && err.message ? err.message : err);
  const m = /\b([45]\d\d)\b[: ]+(.*)$/s.exec(text);
  if (m) return fail(Number(m[1]), 10001, m[2].trim() || text);
  if (/(at least|exceeds|must not|Illegal|Invalid)/.test(text)) return fail(400, 10001, text);
  return fail(500, 10500, text);
}

// checkKey mirrors the API's key rules for routes where the binding would
// not (a read of a key longer than 512 bytes is refused by the API).
function checkKey(key) {
  if (key === "") return fail(400, 10001, "Key names must not be empty");
  if (key === "." || key === "..") return fail(400, 10001, `Illegal key name "${key}". Please use a different name.`);
  const n = new TextEncoder().encode(key).length;
  if (n > 512) return fail(414, 10001, `UTF-8 encoded length of ${n} exceeds key length limit of 512.`);
  return null;
}

async function putValue(env, request, key, url) {
  const options = {};
  const ttl = url.searchParams.get("expiration_ttl");
  const exp = url.searchParams.get("expiration");
  if (ttl !== null) options.expirationTtl = Number(ttl);
  else if (exp !== null) options.expiration = Number(exp);
  let value;
  const type = request.headers.get("content-type") || "";
  if (type.startsWith("multipart/form-data")) {
    const form = await request.formData();
    const v = form.get("value");
    if (v === null) return fail(400, 10001, "No value in the multipart body");
    value = typeof v === "string" ? v : await v.arrayBuffer();
    const md = form.get("metadata");
    if (md !== null) {
      const text = typeof md === "string" ? md : await md.text();
      try {
        options.metadata = JSON.parse(text);
      } catch {
        return fail(400, 10001, "Metadata is not valid JSON");
      }
    }
  } else {
    value = request.body ?? "";
    const len = request.headers.get("content-length");
    if (request.body && len !== null) {
      // The binding streams a body only when its length is known.
      value = request.body.pipeThrough(new FixedLengthStream(Number(len)));
    }
  }
  try {
    await env.KV.put(key, value, options);
  } catch (err) {
    return bindingError(err);
  }
  return ok(null);
}

async function handle(request, env) {
  const url = new URL(request.url);
  const prefix = `/client/v4/accounts/${env.ACCOUNT}/storage/kv/namespaces/`;
  if (!url.pathname.startsWith("/client/v4/accounts/")) return fail(404, 7003, "No route for that URI");
  if (request.headers.get("authorization") !== `Bearer ${env.TOKEN}` || !url.pathname.startsWith(prefix)) {
    return fail(403, 10000, "Authentication error");
  }
  const rest = url.pathname.slice(prefix.length);
  const slash = rest.indexOf("/");
  if (slash < 0 || rest.slice(0, slash) !== env.NAMESPACE) return fail(404, 10013, "namespace not found");
  const route = rest.slice(slash + 1);
  let m = /^(values|metadata)\/(.*)$/s.exec(route);
  if (m) {
    let key;
    try {
      key = decodeURIComponent(m[2]);
    } catch {
      return fail(400, 10001, "Could not URL-decode key name");
    }
    const bad = checkKey(key);
    if (bad) return bad;
    if (m[1] === "values" && request.method === "PUT") return putValue(env, request, key, url);
    if (m[1] === "values" && request.method === "GET") {
      const { value, metadata } = await env.KV.getWithMetadata(key, { type: "stream" });
      if (value === null) return fail(404, 10009, "get: 'key not found'");
      void metadata;
      return new Response(value, { headers: { "content-type": "application/octet-stream" } });
    }
    if (m[1] === "values" && request.method === "DELETE") {
      await env.KV.delete(key);
      return ok(null);
    }
    if (m[1] === "metadata" && request.method === "GET") {
      const { value, metadata } = await env.KV.getWithMetadata(key, { type: "stream" });
      if (value === null) return fail(404, 10009, "metadata: 'key not found'");
      await value.cancel();
      return ok(metadata ?? null);
    }
  }
  if (route === "bulk/delete" && request.method === "POST") {
    let keys;
    try {
      keys = await request.json();
    } catch {
      return fail(400, 10001, "Body must be a JSON array of key names");
    }
    if (!Array.isArray(keys) || keys.length > 10000) return fail(400, 10001, "Body must be a JSON array of at most 10000 key names");
    for (const key of keys) {
      const bad = checkKey(String(key));
      if (bad) return bad;
    }
    for (const key of keys) await env.KV.delete(String(key));
    return ok({ successful_key_count: keys.length, unsuccessful_keys: [] });
  }
  if (route === "keys" && request.method === "GET") {
    const options = {};
    const limit = url.searchParams.get("limit");
    if (limit !== null) {
      const n = Number(limit);
      if (!Number.isInteger(n) || n < 10 || n > 1000) {
        return fail(400, 10001, `Invalid limit of ${limit}. Please specify an integer from 10 to 1000.`);
      }
      options.limit = n;
    }
    const p = url.searchParams.get("prefix");
    if (p) options.prefix = p;
    const c = url.searchParams.get("cursor");
    if (c) options.cursor = c;
    let res;
    try {
      res = await env.KV.list(options);
    } catch (err) {
      return bindingError(err);
    }
    const keys = res.keys.map((k) => {
      const out = { name: k.name };
      if (k.expiration !== undefined) out.expiration = k.expiration;
      if (k.metadata !== undefined) out.metadata = k.metadata;
      return out;
    });
    return ok(keys, { count: keys.length, cursor: res.list_complete ? "" : res.cursor });
  }
  return fail(404, 7003, `No route for ${request.method} ${route}`);
}

export default {
  async fetch(request, env) {
    try {
      return await handle(request, env);
    } catch (err) {
      return bindingError(err);
    }
  },
};
