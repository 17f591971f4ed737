// smtp-sink.js: a real SMTP server (npm smtp-server) for muster's tests.
// Run from internal/testdeps: node smtp-sink.js OUT. It listens on a free
// loopback port, prints {"port": N} once listening, and appends each
// message it accepts to OUT as one JSON line {from, to, raw}.
// Recipients starting "reject" get 550, "busy" get 451 (scripted faults).
const { createRequire } = require("node:module");
const path = require("node:path");
const fs = require("node:fs");
const req = createRequire(path.join(process.cwd(), "package.json"));
const { SMTPServer } = req("smtp-server");

const out = process.argv[2];
const server = new SMTPServer({
	authOptional: true,
	disabledCommands: ["STARTTLS", "AUTH"],
	logger: false,
	onRcptTo(address, session, cb) {
		const fail = (code, msg) => {
			const e = new Error(msg);
			e.responseCode = code;
			cb(e);
		};
		if (address.address.startsWith("reject")) return fail(550, "no such mailbox");
		if (address.address.startsWith("busy")) return fail(451, "try again later");
		cb();
	},
	onData(stream, session, cb) {
		const chunks = [];
		stream.on("data", (c) => chunks.push(c));
		stream.on("end", () => {
			fs.appendFileSync(out, JSON.stringify({
				from: session.envelope.mailFrom.address,
				to: session.envelope.rcptTo.map((r) => r.address),
				raw: Buffer.concat(chunks).toString("utf8"),
			}) + "\n");
			cb(null, "queued");
		});
	},
});
server.on("error", (e) => console.error("smtp-sink:", e.message));
server.listen(0, "127.0.0.1", () => {
	console.log(JSON.stringify({ port: server.server.address().port }));
});
