// station.js: the issue station answers each scan in place. A barcode
// scanner types the scan and Enter; the form is posted with fetch, asking
// for JSON, and the answer updated on the page without a reload. Scans are
// sent one after the other, so an item scanned while the member's card is
// still being answered goes to that member. Progressive enhancement only:
// without it every scan posts the form and the page reloads.
(() => {
  const form = document.getElementById("station-form");
  if (!form || !window.fetch) { return; }
  const scan = document.getElementById("scan");
  const result = document.getElementById("station-result");
  const who = document.getElementById("station-member");
  const label = document.getElementById("scan-label");
  const done = document.getElementById("station-done");
  const issued = document.getElementById("station-issued");
  const say = (text, refused) => {
    result.textContent = text;
    result.classList.toggle("error", refused);
  };
  const answer = (data) => {
    if (data.receipt) {
      location.assign(data.receipt);
    } else if (data.error) {
      say(data.error.message, true);
    } else if (data.member) {
      const m = data.member;
      form.elements.member.value = m.service_number;
      form.elements.since.value = data.since;
      who.querySelector("strong").textContent = `${m.name} (${m.service_number}) · ${m.unit}`;
      who.hidden = done.hidden = false;
      label.textContent = "Scan an item's serial number";
      issued.replaceChildren();
      say(`Serving ${m.name} (${m.service_number}): scan the items.`, false);
    } else if (data.item) {
      const li = document.createElement("li");
      li.textContent = `${data.item.type} ${data.item.serial}`;
      issued.append(li);
      say(`Issued ${data.item.type_name} ${data.item.serial}.`, false);
    }
  };
  let queue = Promise.resolve();
  form.addEventListener("submit", (e) => {
    if (e.submitter && e.submitter.value === "done") { return; } // the receipt is a page of its own
    e.preventDefault();
    const body = new URLSearchParams(new FormData(form));
    body.set("action", "scan");
    scan.value = "";
    scan.focus();
    queue = queue.then(async () => {
      // The member is read when the scan is sent, after the scans before it.
      body.set("member", form.elements.member.value);
      body.set("since", form.elements.since.value);
      try { // getAttribute: the buttons named "action" hide form.action
        const resp = await fetch(form.getAttribute("action"), { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
        answer(await resp.json());
      } catch { // also a page in place of JSON: a lost session, say
        say("The station could not reach muster. Scan again.", true);
      }
    });
  });
})();
