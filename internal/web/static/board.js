// board.js: the readiness board follows the call-up's event stream and
// updates its numbers in place. Progressive enhancement only: without it
// the page reloads itself every 5 seconds (<noscript> meta refresh).
(() => {
  const table = document.querySelector("table.readiness[data-stream]");
  if (!table || !window.EventSource) { return; }
  const note = document.getElementById("board-note");
  // num groups digits by three with a narrow no-break space, as the server does.
  const num = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  const row = (rd) => {
    const tr = table.querySelector(`tr[data-unit="${CSS.escape(rd.unit)}"]`);
    if (!tr) { return false; }
    for (const k of ["targeted", "delivered", "yes", "late", "no", "no_answer", "checked_in"]) {
      const td = tr.querySelector(`[data-k="${k}"]`);
      if (td) { td.textContent = num(rd[k]); }
    }
    // The bar, as readinessRowOf computes it.
    const coming = rd.yes + rd.late;
    let pct = 0, width = 0;
    if (rd.targeted > 0) {
      pct = Math.floor(coming * 100 / rd.targeted);
      width = Math.min(Math.floor((pct + 2) / 5) * 5, 100);
      if (width === 0 && coming > 0) { width = 5; }
    }
    const cls = pct >= 90 ? "full" : pct >= 50 ? "mid" : "low";
    const p = tr.querySelector('[data-k="pct"]');
    if (p) { p.textContent = `${num(coming)} · ${pct}%`; }
    const bar = tr.querySelector('[data-k="bar"]');
    if (bar) {
      bar.className = `bar ${cls}`;
      bar.title = `${pct}% of the targeted members are coming`;
      const fill = bar.querySelector(".fill");
      if (fill) { fill.className = `fill w${width}`; }
    }
    return true;
  };
  // qual updates a row of the required qualifications: needed against
  // yes + late, marked short while fewer are coming.
  const qual = (q) => {
    const tr = document.querySelector(`table.quals tr[data-qual="${CSS.escape(q.qualification)}"]`);
    if (!tr) { return; }
    const v = { ...q, coming: q.yes + q.late };
    for (const k of ["coming", "targeted", "delivered", "yes", "late", "no", "no_answer", "checked_in"]) {
      const td = tr.querySelector(`[data-k="${k}"]`);
      if (td) { td.textContent = num(v[k]); }
    }
    const short = v.coming < q.needed;
    tr.classList.toggle("short", short);
    const state = tr.querySelector('[data-k="state"]');
    if (state) { state.textContent = short ? "short" : "met"; }
  };
  const es = new EventSource(table.dataset.stream);
  es.addEventListener("readiness", (e) => {
    const rd = JSON.parse(e.data);
    // A unit the page does not show yet: reload to get its row.
    if (![rd, ...(rd.children || [])].every(row)) { location.reload(); return; }
    (rd.qualifications || []).forEach(qual);
    if (note) { note.textContent = "The board follows the answers live."; }
  });
  es.addEventListener("error", () => {
    if (note) { note.textContent = "Live updates interrupted; reconnecting…"; }
  });
})();
