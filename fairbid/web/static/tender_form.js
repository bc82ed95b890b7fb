// Tender form: rebuild the form JSON from the inputs, POST it to the check (debounced), show findings.
"use strict";
(function () {
  const CHECK_URL = "/api/tender-documents/check";
  const DEBOUNCE_MS = 400;
  const form = document.getElementById("tender-form");
  const list = document.getElementById("finding-list");
  const status = document.getElementById("status");
  const base = JSON.parse(document.getElementById("form-data").textContent);
  let timer = null;
  let inFlight = null;

  function setPath(obj, path, value) {
    const keys = path.split(".");
    let node = obj;
    keys.slice(0, -1).forEach(function (key, i) {
      if (node[key] === undefined || node[key] === null) node[key] = /^\d+$/.test(keys[i + 1]) ? [] : {};
      node = node[key];
    });
    node[keys[keys.length - 1]] = value;
  }

  function valueOf(input) {
    const kind = input.dataset.kind;
    const raw = input.value.trim();
    if (kind === "bool") return input.checked;
    if (kind === "int") return raw === "" ? null : Number(raw);
    if (kind === "list") return raw === "" ? [] : raw.split(/[,，、\s]+/).filter(Boolean);
    if (kind === "datetime") return raw === "" ? null : raw + ":00+08:00";  // Beijing time
    if (input.getAttribute("inputmode") === "decimal") return raw === "" ? null : raw;
    return input.value;
  }

  function collect() {
    const data = JSON.parse(JSON.stringify(base));
    form.querySelectorAll("[data-path]").forEach(function (input) {
      setPath(data, input.dataset.path, valueOf(input));
    });
    return data;
  }

  function fieldFor(path) {
    if (!path) return null;
    let p = path;
    while (p) {
      const el = form.querySelector('[data-path="' + p + '"]');
      if (el) return el;
      p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "";
    }
    return null;
  }

  function item(cls, title, detail, span) {
    const li = document.createElement("li");
    li.className = cls;
    const head = document.createElement("div");
    head.textContent = title;
    li.appendChild(head);
    if (span) {
      const mark = document.createElement("mark");
      mark.textContent = span.text;
      li.appendChild(mark);
    }
    const msg = document.createElement("div");
    msg.textContent = detail;
    li.appendChild(msg);
    return li;
  }

  function clearFlags() {
    form.querySelectorAll(".flag-block, .flag-warn").forEach(function (el) {
      el.classList.remove("flag-block", "flag-warn");
    });
    list.replaceChildren();
  }

  function showFindings(body) {
    clearFlags();
    body.findings.forEach(function (f) {
      const title = (f.severity === "block" ? "阻断 " : "提示 ") + f.rule + " · " + f.citation;
      const li = item(f.severity, title, f.message, f.span);
      const el = fieldFor(f.field);
      if (el) {
        el.classList.add(f.severity === "block" ? "flag-block" : "flag-warn");
        li.addEventListener("click", function () { el.focus(); });
      }
      list.appendChild(li);
    });
    status.className = body.blocking ? "blocked" : "ok";
    status.textContent = body.blocking ? "有阻断项，不能发布" : "未发现阻断项（" + body.findings.length + " 条提示）";
  }

  function showInvalid(body) {
    clearFlags();
    const errors = body.errors || [];
    errors.forEach(function (e) {
      const loc = Array.isArray(e.loc) ? e.loc.filter(function (k) { return k !== "body"; }).join(".") : (e.field || "");
      const el = fieldFor(loc);
      if (el) el.classList.add("flag-block");
      list.appendChild(item("block", "格式错误 " + loc, e.msg || e.message || ""));
    });
    status.className = "invalid";
    status.textContent = "表单有 " + errors.length + " 处格式错误";
  }

  function check() {
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    fetch(CHECK_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(collect()),
      signal: inFlight.signal,
    }).then(function (resp) {
      return resp.json().then(function (body) {
        if (resp.ok) showFindings(body); else showInvalid(body);
      });
    }).catch(function (err) {
      if (err.name !== "AbortError") { status.className = "invalid"; status.textContent = "核验服务不可用"; }
    });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); check(); });
  check();
})();
