// smpp-smsc.js: an SMS centre simulator (npm smpp in server mode) for
// muster's tests. Run from internal/testdeps: node smpp-smsc.js SYSTEM_ID
// PASSWORD. It listens on a free loopback port and prints {"port": N},
// then one JSON line per event:
//   {"event":"bind","system_id","ok"}
//   {"event":"submit","to","source","data_coding","esm_class","udh","text",
//    "registered_delivery","message_id"}        a submit_sm it accepted; udh
//                                               is the hex of its UDH's elements
//   {"event":"throttled","to"}                  one it refused, throttling
//   {"event":"refused","to"}                    one to a number starting 999,
//                                               refused with ESME_RINVDSTADR
//   {"event":"receipt","message_id","status"}   an ESME's deliver_sm_resp
//   {"event":"mo","status"}                     the same, for a reply
//   {"event":"drop"}                            it closed the connections
//   {"event":"done","cmd"}                     it took a command
// It takes commands on stdin, one JSON object a line:
//   {"cmd":"throttle","n":N}    refuse the next N submit_sm, ESME_RTHROTTLED
//   {"cmd":"drop_after","n":N}  close every connection after answering the
//                               next N submit_sm, ignoring what follows
//   {"cmd":"sync"}              nothing: its "done" follows every event before
//   {"cmd":"lose_resp","n":N,"receipt":true|false}  take the next N submit_sm
//                               without answering them, then close every
//                               connection (the submit_sm_resp lost with the
//                               link); their receipts follow when "receipt"
//   {"cmd":"silence"}           stop answering on the connections bound now,
//                               keeping them open (a hung link)
//   {"cmd":"mo","from":"375…","text":"2 45"}  a member's reply (UCS-2 when
//                               the text is not ASCII)
// Each accepted submit_sm with registered_delivery gets a delivery receipt
// (stat:DELIVRD). Receipts and replies are delivered again, over whichever
// connection is bound, until the ESME takes them, as an SMSC retries.
const { createRequire } = require("node:module");
const path = require("node:path");
const readline = require("node:readline");
const req = createRequire(path.join(process.cwd(), "package.json"));
const smpp = req("smpp");

const [systemID, password] = process.argv.slice(2);
const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const bound = new Set();
let throttle = 0;
let dropAfter = -1;
let loseResp = 0;
let loseReceipt = true;
let nextID = 0x3e8a000;

// deliverUntilTaken sends a deliver_sm over a bound connection, again
// while it is refused, unanswered for 2 s, or no connection is bound.
function deliverUntilTaken(pdu, report, tries = 200) {
	const again = () => tries > 1 && setTimeout(() => deliverUntilTaken(pdu, report, tries - 1), 100);
	const session = [...bound][0];
	if (!session) return again();
	let answered = false;
	const timer = setTimeout(() => {
		if (!answered) {
			answered = true;
			again();
		}
	}, 2000);
	session.deliver_sm({ ...pdu }, (resp) => {
		if (answered) return;
		answered = true;
		clearTimeout(timer);
		report(resp.command_status);
		if (resp.command_status !== 0) again();
	});
}

function receipt(submit, id) {
	const stamp = "2611231300";
	const text = `id:${id} sub:001 dlvrd:001 submit date:${stamp} done date:${stamp} stat:DELIVRD err:000 text:`;
	deliverUntilTaken({
		source_addr_ton: 1, source_addr_npi: 1, source_addr: submit.destination_addr,
		dest_addr_ton: submit.source_addr_ton, dest_addr_npi: submit.source_addr_npi, destination_addr: submit.source_addr,
		esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT, data_coding: 0, short_message: Buffer.from(text, "ascii"),
	}, (status) => say({ event: "receipt", message_id: id, status }));
}

const ignored = new Set(); // connections that no longer answer
const server = smpp.createServer((session) => {
	session.on("error", () => {});
	session.on("close", () => bound.delete(session));
	session.on("bind_transceiver", (pdu) => {
		const ok = pdu.system_id === systemID && pdu.password === password;
		say({ event: "bind", system_id: pdu.system_id, ok });
		if (!ok) {
			session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
			return;
		}
		bound.add(session);
		session.send(pdu.response({ system_id: "muster-test-smsc" }));
	});
	session.on("enquire_link", (pdu) => ignored.has(session) || session.send(pdu.response()));
	session.on("unbind", (pdu) => {
		bound.delete(session);
		session.send(pdu.response());
		session.close();
	});
	session.on("submit_sm", (pdu) => {
		if (ignored.has(session)) return;
		if (!bound.has(session)) {
			session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
			return;
		}
		if (pdu.destination_addr.startsWith("999")) {
			say({ event: "refused", to: pdu.destination_addr });
			session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
			return;
		}
		if (throttle > 0) {
			throttle--;
			say({ event: "throttled", to: pdu.destination_addr });
			session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
			return;
		}
		const id = (nextID++).toString(16);
		const sm = pdu.short_message || {};
		say({
			event: "submit", to: pdu.destination_addr, source: pdu.source_addr, data_coding: pdu.data_coding,
			esm_class: pdu.esm_class, udh: sm.udh && sm.udh.length ? Buffer.concat(sm.udh).toString("hex") : "",
			text: sm.message, registered_delivery: pdu.registered_delivery, message_id: id,
		});
		if (loseResp > 0) {
			if (--loseResp === 0) {
				say({ event: "drop" });
				for (const s of [...bound]) {
					bound.delete(s);
					ignored.add(s);
					s.close();
				}
			}
			if (loseReceipt && pdu.registered_delivery & 1) receipt(pdu, id);
			return;
		}
		session.send(pdu.response({ message_id: id }));
		if (pdu.registered_delivery & 1) receipt(pdu, id);
		if (dropAfter > 0 && --dropAfter === 0) {
			dropAfter = -1;
			say({ event: "drop" });
			for (const s of [...bound]) {
				bound.delete(s);
				ignored.add(s);
				s.close();
			}
		}
	});
});

readline.createInterface({ input: process.stdin }).on("line", (line) => {
	const c = JSON.parse(line);
	if (c.cmd === "throttle") throttle = c.n;
	if (c.cmd === "drop_after") dropAfter = c.n;
	if (c.cmd === "lose_resp") {
		loseResp = c.n;
		loseReceipt = c.receipt !== false;
	}
	if (c.cmd === "silence") {
		for (const s of bound) {
			bound.delete(s);
			ignored.add(s);
		}
	}
	if (c.cmd === "mo") {
		const ascii = /^[\x20-\x7e]*$/.test(c.text);
		const text = ascii ? Buffer.from(c.text, "ascii") : Buffer.from(c.text, "utf16le").swap16();
		deliverUntilTaken({
			source_addr_ton: 1, source_addr_npi: 1, source_addr: c.from, dest_addr_ton: 0, dest_addr_npi: 0,
			destination_addr: "", esm_class: 0, data_coding: ascii ? 0 : 8, short_message: text,
		}, (status) => say({ event: "mo", status }));
	}
	say({ event: "done", cmd: c.cmd });
});

server.listen(0, "127.0.0.1", () => say({ port: server.address().port }));
