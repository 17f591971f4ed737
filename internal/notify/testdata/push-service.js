// push-service.js: a web push service (RFC 8030) for muster's tests. It
// holds each subscription's private keys, as a browser would, decrypts
// what muster sends with http_ece (from npm web-push) and checks the VAPID
// header (RFC 8292): the ES256 signature with the key in k=, and the
// claims aud (this service's origin), exp (within 24 hours) and sub
// (mailto: or https:).
//
// Run from internal/testdeps: node push-service.js CERT KEY [NOW]. It
// serves HTTPS on a free loopback port and prints {"port": N}. NOW (Unix
// seconds) is the clock the claims are checked against, the test's clock;
// the real one when absent. Its API:
//   POST /subscriptions        -> {endpoint, keys: {p256dh, auth}}
//   POST /script/ID {status, retry_after}  answer the next push to ID so
//   POST /push/ID              a push message: 201, or 400/401/403 on a bad one
//   GET  /messages             -> [{id, status, payload, ttl, urgency, topic, claims, error}]
// Every push is recorded, refused ones with their error.
const { createRequire } = require("node:module");
const path = require("node:path");
const fs = require("node:fs");
const https = require("node:https");
const crypto = require("node:crypto");
const req = createRequire(path.join(process.cwd(), "package.json"));
const ece = req("http_ece");

const subs = new Map(); // id -> {ecdh, auth}
const scripts = new Map(); // id -> [{status, retry_after}]
const messages = [];
let origin = "";
const fixedNow = process.argv[4] ? Number(process.argv[4]) : 0;

function readBody(r) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		r.on("data", (c) => chunks.push(c));
		r.on("end", () => resolve(Buffer.concat(chunks)));
		r.on("error", reject);
	});
}

function json(w, status, v) {
	w.writeHead(status, { "Content-Type": "application/json" });
	w.end(JSON.stringify(v));
}

// checkVAPID returns the JWT's claims, or throws what is wrong.
function checkVAPID(header) {
	const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header || "");
	if (!m) throw new Error("Authorization is not 'vapid t=…, k=…': " + header);
	const [h, c, s] = m[1].split(".");
	const jwtHeader = JSON.parse(Buffer.from(h, "base64url"));
	if (jwtHeader.alg !== "ES256" || jwtHeader.typ !== "JWT") throw new Error("JWT header " + JSON.stringify(jwtHeader));
	const k = Buffer.from(m[2], "base64url");
	if (k.length !== 65 || k[0] !== 4) throw new Error("k is not an uncompressed P-256 point");
	const key = crypto.createPublicKey({
		key: { kty: "EC", crv: "P-256", x: k.subarray(1, 33).toString("base64url"), y: k.subarray(33).toString("base64url") },
		format: "jwk",
	});
	const ok = crypto.verify("sha256", Buffer.from(h + "." + c), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
	if (!ok) throw new Error("bad JWT signature");
	const claims = JSON.parse(Buffer.from(c, "base64url"));
	const now = fixedNow || Math.floor(Date.now() / 1000);
	if (claims.aud !== origin) throw new Error("aud " + claims.aud + " is not " + origin);
	if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error("exp " + claims.exp + " is not within 24 hours");
	if (!/^(mailto:|https:)/.test(claims.sub || "")) throw new Error("sub " + claims.sub + " is not mailto: or https:");
	return { claims, k: m[2] };
}

async function push(id, r, w) {
	const rec = { id, ttl: r.headers["ttl"], urgency: r.headers["urgency"] || "", topic: r.headers["topic"] || "" };
	messages.push(rec);
	const body = await readBody(r);
	const sub = subs.get(id);
	if (!sub) {
		rec.status = 404;
		return json(w, 404, { error: "no such subscription" });
	}
	try {
		if (!/^\d+$/.test(rec.ttl || "")) throw Object.assign(new Error("TTL header missing or not a number"), { status: 400 });
		if (r.headers["content-encoding"] !== "aes128gcm") throw Object.assign(new Error("Content-Encoding is not aes128gcm"), { status: 400 });
		try {
			const v = checkVAPID(r.headers["authorization"]);
			rec.claims = v.claims;
		} catch (e) {
			throw Object.assign(e, { status: 403 });
		}
		try {
			rec.payload = ece.decrypt(body, { version: "aes128gcm", privateKey: sub.ecdh, authSecret: sub.auth }).toString("utf8");
		} catch (e) {
			throw Object.assign(new Error("decrypt: " + e.message), { status: 400 });
		}
	} catch (e) {
		rec.status = e.status;
		rec.error = e.message;
		return json(w, e.status, { error: e.message });
	}
	const script = (scripts.get(id) || []).shift();
	if (script) {
		rec.status = script.status;
		const h = {};
		if (script.retry_after) h["Retry-After"] = String(script.retry_after);
		if (script.status === 410) subs.delete(id);
		w.writeHead(script.status, h);
		return w.end();
	}
	rec.status = 201;
	w.writeHead(201, { Location: origin + "/message/" + messages.length });
	w.end();
}

const server = https.createServer({ cert: fs.readFileSync(process.argv[2]), key: fs.readFileSync(process.argv[3]) }, async (r, w) => {
	try {
		const url = new URL(r.url, origin);
		let m;
		if (r.method === "POST" && url.pathname === "/subscriptions") {
			const ecdh = crypto.createECDH("prime256v1");
			ecdh.generateKeys();
			const auth = crypto.randomBytes(16);
			const id = crypto.randomBytes(12).toString("hex");
			subs.set(id, { ecdh, auth });
			return json(w, 201, {
				endpoint: origin + "/push/" + id,
				keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
			});
		}
		if (r.method === "POST" && (m = /^\/script\/(\w+)$/.exec(url.pathname))) {
			const s = JSON.parse(await readBody(r));
			scripts.set(m[1], (scripts.get(m[1]) || []).concat([s]));
			return json(w, 200, {});
		}
		if (r.method === "POST" && (m = /^\/push\/(\w+)$/.exec(url.pathname))) return await push(m[1], r, w);
		if (r.method === "GET" && url.pathname === "/messages") return json(w, 200, messages);
		json(w, 404, { error: "not found" });
	} catch (e) {
		json(w, 500, { error: e.message });
	}
});
server.listen(0, "127.0.0.1", () => {
	origin = "https://127.0.0.1:" + server.address().port;
	console.log(JSON.stringify({ port: server.address().port }));
});
