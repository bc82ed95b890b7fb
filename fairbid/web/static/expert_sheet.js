"use strict";
// The expert score sheet (expert_sheet.html): sign in, then talk to /api/sections/{id}/scoring.
(() => {
  const section = document.getElementById("sheet").dataset.section;
  const base = `/api/sections/${section}/scoring`;
  const msg = document.getElementById("message");
  const device = (navigator.userAgent || "browser").slice(0, 120);
  const el = (tag, text) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; };
  const headers = () => ({"Authorization": "Bearer " + sessionStorage.getItem("fairbid-token"), "Content-Type": "application/json", "X-Device": device});
  async function call(method, url, body) {
    const r = await fetch(url, {method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body)});
    if (!r.ok) { const p = await r.json(); msg.textContent = `${p.title}: ${p.detail}`; msg.className = "error"; throw new Error(p.code); }
    msg.className = "ok";
    return r.status === 204 ? null : r.json();
  }
  function render(v) {
    document.getElementById("sheet").hidden = false;
    const checks = document.querySelector("#checks tbody"); checks.replaceChildren();
    for (const c of v.checks) {
      const tr = el("tr"); tr.className = c.passed ? "pass" : "fail";
      for (const t of [c.bid_id.slice(0, 8), c.check_id, c.passed ? "pass" : "fail", c.reason, c.citation]) tr.append(el("td", t));
      const td = el("td"); const ok = el("button", "Confirm"); const no = el("button", "Dispute"); const why = el("input"); why.placeholder = "reason";
      ok.onclick = () => call("POST", `${base}/verdicts`, {bid_id: c.bid_id, check_id: c.check_id, agrees: true}).then(() => msg.textContent = "Confirmed.");
      no.onclick = () => call("POST", `${base}/verdicts`, {bid_id: c.bid_id, check_id: c.check_id, agrees: false, reason: why.value}).then(() => msg.textContent = "Dispute recorded.");
      td.append(ok, why, no); tr.append(td); checks.append(tr);
    }
    const bids = document.getElementById("bids"); bids.replaceChildren();
    for (const bid of v.bids) {
      const mine = v.sheets.find(s => s.bid_id === bid && s.expert_id === v.me);
      const form = el("form"); form.className = "bid"; form.dataset.bid = bid;
      form.append(el("h3", `Bid ${bid.slice(0, 8)} · price score ${v.price_scores[bid] ?? "—"}`));
      const machine = el("ul"); machine.className = "objective";  // the machine's objective scores, with evidence
      for (const o of v.objective[bid] ?? []) machine.append(el("li", `${o.item_id}: ${o.score} — ${o.evidence}`));
      form.append(machine);
      for (const [item, name, min, max] of v.subjective_items) {
        const label = el("label", `${name} (${min}–${max}) `); const input = el("input");
        Object.assign(input, {name: item, type: "number", step: "0.01", min, max, required: true});
        if (mine) input.value = mine.scores[item];
        label.append(input); form.append(label);
      }
      form.append(el("button", "Submit"));
      form.onsubmit = (e) => {
        e.preventDefault();
        const scores = Object.fromEntries([...new FormData(form)].map(([k, val]) => [k, String(val)]));
        msg.textContent = "Submitting…";
        call("PUT", `${base}/bids/${bid}`, {scores})
          .then(r => load().then(() => { msg.textContent = `Submitted; ${r.warnings_raised} new warning(s).`; }));
      };
      bids.append(form);
    }
    const warnings = document.getElementById("warnings"); warnings.replaceChildren();
    for (const w of v.warnings) {
      const li = el("li", `${w.kind}: ${w.detail} `); li.className = w.answered ? "answered" : "open";
      if (!w.answered) {
        const why = el("input"); why.placeholder = "reason"; const ok = el("button", "Confirm my score");
        ok.onclick = () => call("POST", `${base}/warnings/${encodeURIComponent(w.warning_id)}`, {revised: false, reason: why.value}).then(load);
        li.append(why, ok);
      }
      warnings.append(li);
    }
  }
  const load = () => call("GET", base).then(render).catch(() => {});
  document.getElementById("login").onsubmit = async (e) => {
    e.preventDefault();
    const r = await fetch("/api/auth/token", {method: "POST", body: new URLSearchParams(new FormData(e.target))});
    if (!r.ok) { msg.textContent = "Sign-in failed."; return; }
    sessionStorage.setItem("fairbid-token", (await r.json()).access_token);
    e.target.hidden = true; load();
  };
  if (sessionStorage.getItem("fairbid-token")) { document.getElementById("login").hidden = true; load(); }
})();
