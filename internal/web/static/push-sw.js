// push-sw.js: muster's service worker, registered by push.js with the
// scope /static/ (it controls no page; it only takes pushes). It shows each
// call-up notice as a notification, one per call-up (a reminder replaces
// the notice), and opens the response link when the notification is
// clicked.
"use strict";

self.addEventListener("push", function (event) {
	var m = {};
	try {
		m = event.data ? event.data.json() : {};
	} catch (e) {
		m = { body: event.data ? event.data.text() : "" };
	}
	event.waitUntil(self.registration.showNotification(m.title || "Call-up", {
		body: m.body || "",
		tag: m.tag || "muster",
		renotify: true,
		requireInteraction: true,
		icon: "/static/icon.svg",
		data: { url: m.url || "" },
	}));
});

self.addEventListener("notificationclick", function (event) {
	event.notification.close();
	var url = event.notification.data && event.notification.data.url;
	if (!/^https?:\/\//.test(url || "")) return;
	event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
		for (var i = 0; i < list.length; i++) {
			if (list[i].url === url && "focus" in list[i]) return list[i].focus();
		}
		return self.clients.openWindow(url);
	}));
});
