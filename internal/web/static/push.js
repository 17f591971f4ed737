// push.js: "Alert me on this phone" on the answer page, where the browser
// can take web push. The page works without it; the box stays hidden
// elsewhere. It registers the service worker (push-sw.js, scope /static/),
// subscribes with muster's VAPID key, and posts the subscription to
// /r/{token}/push; "Stop alerts" deletes it there and in the browser.
(function () {
	"use strict";
	var box = document.getElementById("push");
	if (!box || !window.isSecureContext || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
	var on = document.getElementById("push-on");
	var off = document.getElementById("push-off");
	var say = document.getElementById("push-status");
	var url = location.pathname.replace(/\/+$/, "") + "/push";

	function key(b64) {
		var s = atob(b64.replace(/-/g, "+").replace(/_/g, "/"));
		var out = new Uint8Array(s.length);
		for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
		return out;
	}
	function send(method, body) {
		return fetch(url, {
			method: method, credentials: "same-origin",
			headers: { "Content-Type": "application/json", "Accept": "application/json" },
			body: JSON.stringify(body),
		}).then(function (r) {
			if (!r.ok) throw new Error("muster answered " + r.status);
		});
	}
	function show(subscribed, text) {
		on.hidden = subscribed;
		off.hidden = !subscribed;
		say.textContent = text || "";
		box.hidden = false;
	}
	function failed(e) {
		show(false, "Alerts could not be set up on this phone" + (e && e.message ? ": " + e.message : "") + ".");
	}

	navigator.serviceWorker.register(box.getAttribute("data-sw"), { scope: "/static/" }).then(function (reg) {
		return reg.pushManager.getSubscription().then(function (sub) {
			if (!sub) return show(false);
			// Tell muster again: it may have forgotten a device, or this
			// link is another member's on a shared phone.
			return send("POST", sub.toJSON()).then(function () { show(true, "Alerts are on for this phone."); });
		}).then(function () {
			on.addEventListener("click", function () {
				on.disabled = true;
				Notification.requestPermission().then(function (p) {
					if (p !== "granted") throw new Error("notifications are not allowed");
					return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.getAttribute("data-key")) });
				}).then(function (sub) {
					return send("POST", sub.toJSON());
				}).then(function () { show(true, "Alerts are on for this phone."); }, failed).then(function () { on.disabled = false; });
			});
			off.addEventListener("click", function () {
				off.disabled = true;
				reg.pushManager.getSubscription().then(function (sub) {
					if (!sub) return;
					return send("DELETE", { endpoint: sub.endpoint }).then(function () { return sub.unsubscribe(); });
				}).then(function () { show(false, "Alerts are off for this phone."); }, failed).then(function () { off.disabled = false; });
			});
		});
	}).catch(failed);
})();
