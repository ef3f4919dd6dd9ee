// The template playground (/playground): pick a template, edit its jsonData, layer overrides and
// variables, watch the preview, copy the og:image URL and meta tags, save with a key.
// Plain DOM, no dependencies: the page must work offline. The key lives in sessionStorage only
// (never in a URL), so it is gone when the tab closes.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const KEY_STORE = "pinrender.playground.key";
  const PUBLIC = JSON.parse($("public-templates").textContent);
  const fields = { jsonData: $("jsonData"), layers: $("layers"), variables: $("variables") };
  const state = { template: null, own: [], seq: 0, timer: 0, controller: null, objectUrl: "" };

  // -- JSON with line and column ------------------------------------------------------------
  // JSON.parse says *that* text is broken, and (depending on the engine) not always where. This
  // small scanner runs only after JSON.parse has failed, to name the line and column.
  function locate(text) {
    let i = 0;
    const fail = (message) => { throw { at: i, message }; };
    const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
    const expect = (ch) => { if (text[i] !== ch) fail(`expected '${ch}'`); i++; };
    function string() {
      expect('"');
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") {
          i++;
          if (text[i] === "u") {
            if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail("bad \\u escape");
            i += 4;
          } else if (!'"\\/bfnrt'.includes(text[i])) fail("bad escape");
        } else if (text.charCodeAt(i) < 0x20) fail("control character in a string (use \\n)");
        i++;
      }
      if (i >= text.length) fail("unterminated string");
      i++;
    }
    function value() {
      ws();
      const ch = text[i];
      if (ch === "{") {
        i++; ws();
        if (text[i] === "}") { i++; return; }
        for (;;) {
          ws();
          if (text[i] !== '"') fail("expected a property name in double quotes");
          string(); ws(); expect(":"); value(); ws();
          if (text[i] === ",") { i++; ws(); if (text[i] === "}") fail("trailing comma"); continue; }
          if (text[i] === "}") { i++; return; }
          fail("expected ',' or '}'");
        }
      } else if (ch === "[") {
        i++; ws();
        if (text[i] === "]") { i++; return; }
        for (;;) {
          value(); ws();
          if (text[i] === ",") { i++; ws(); if (text[i] === "]") fail("trailing comma"); continue; }
          if (text[i] === "]") { i++; return; }
          fail("expected ',' or ']'");
        }
      } else if (ch === '"') {
        string();
      } else {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|^true|^false|^null/.exec(text.slice(i));
        if (!m) fail(i >= text.length ? "unexpected end of text" : `unexpected '${ch}'`);
        i += m[0].length;
      }
    }
    try {
      value(); ws();
      if (i < text.length) fail("unexpected text after the value");
      return { at: i, message: "invalid JSON" };
    } catch (e) {
      if (!e || typeof e.at !== "number") throw e;
      return e;
    }
  }

  function lineColumn(text, at) {
    const before = text.slice(0, at).split("\n");
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }

  // Parsed value of a field, or null after showing where it is broken. Empty means `empty`.
  function parseField(name, empty) {
    const text = fields[name].value;
    if (!text.trim()) { setError(name, ""); return { ok: true, value: empty }; }
    try {
      const value = JSON.parse(text);
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        setError(name, "must be a JSON object { … }");
        return { ok: false };
      }
      setError(name, "");
      return { ok: true, value };
    } catch (_) {
      const found = locate(text);
      const where = lineColumn(text, found.at);
      setError(name, `Line ${where.line}, column ${where.column}: ${found.message}`);
      return { ok: false };
    }
  }

  function setError(name, message) {
    const box = $(`${name}-error`);
    box.textContent = message;
    box.hidden = !message;
    fields[name].setAttribute("aria-invalid", message ? "true" : "false");
  }

  function status(text) { $("status").textContent = text; }

  // -- edits to the stored template, as /api/render overrides ------------------------------
  // /api/render renders stored templates: an edited layer property becomes an override of that
  // layer and an edited variable default a variable. A change no override can carry (canvas,
  // layers added, removed or retyped) is previewed after saving.
  const canonical = (v) => JSON.stringify(v, (k, x) => (x && typeof x === "object" && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((n) => [n, x[n]])) : x));

  function layersByName(layers, into = new Map()) {
    for (const layer of Array.isArray(layers) ? layers : []) {
      if (layer && typeof layer === "object" && typeof layer.name === "string") {
        into.set(layer.name, layer);
        layersByName(layer.children, into);
      }
    }
    return into;
  }

  function diff(stored, edited) {
    const structural = [];
    if (canonical(stored.canvas) !== canonical(edited.canvas)) structural.push("canvas");
    const before = layersByName(stored.layers);
    const after = layersByName(edited.layers);
    const layers = {};
    for (const [name, layer] of after) {
      const old = before.get(name);
      if (!old || old.type !== layer.type) { structural.push(`layer ${name}`); continue; }
      for (const prop of new Set([...Object.keys(old), ...Object.keys(layer)])) {
        if (prop === "children" || prop === "name") continue;
        if (!(prop in layer)) { structural.push(`${name}.${prop} removed`); continue; }
        if (canonical(old[prop]) !== canonical(layer[prop])) (layers[name] ||= {})[prop] = layer[prop];
      }
    }
    for (const name of before.keys()) if (!after.has(name)) structural.push(`layer ${name} removed`);
    const variables = {};
    const declared = new Map((stored.variables || []).map((v) => [v.name, v.default]));
    for (const v of edited.variables || []) {
      if (!declared.has(v.name)) structural.push(`variable ${v.name}`);
      else if (canonical(declared.get(v.name)) !== canonical(v.default) && v.default !== undefined) {
        variables[v.name] = v.default;
      }
    }
    return { layers, variables, structural };
  }

  // -- preview -------------------------------------------------------------------------------
  function renderUrl(layers, variables) {
    const q = [`templateId=${encodeURIComponent(state.template.id)}`];
    if (Object.keys(layers).length) q.push(`layers=${encodeURIComponent(canonical(layers))}`);
    if (Object.keys(variables).length) q.push(`variables=${encodeURIComponent(canonical(variables))}`);
    return `/api/render?${q.join("&")}`;
  }

  function current() {
    const json = parseField("jsonData", null);
    const layers = parseField("layers", {});
    const variables = parseField("variables", {});
    if (!json.ok || !layers.ok || !variables.ok || !json.value) return null;
    const changes = diff(state.template.jsonData, json.value);
    const merged = { ...changes.layers };
    for (const [name, props] of Object.entries(layers.value)) merged[name] = { ...(merged[name] || {}), ...props };
    return { json: json.value, changes, layers: merged, userLayers: layers.value,
             variables: { ...changes.variables, ...variables.value }, userVariables: variables.value };
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(preview, 350);
  }

  // A 4xx names a field (`layers.title.fontSize`, `variables.author`): show it by the editor
  // the value came from (the overrides or variables the user typed, else the jsonData).
  function showApiError(body, edit) {
    const field = (body && body.field) || "";
    const message = (body && body.error) || "the preview failed";
    const parts = field.split(".");
    let target = "jsonData";
    if (parts[0] === "layers" && edit.userLayers[parts[1]] &&
        (parts.length < 3 || parts[2] in edit.userLayers[parts[1]])) target = "layers";
    if (parts[0] === "variables" && parts[1] in edit.userVariables) target = "variables";
    if (field === "layers") target = "layers";
    if (field === "variables") target = "variables";
    setError(target, message);
  }

  async function preview() {
    if (!state.template) return;
    const edit = current();
    if (!edit) { status("Fix the JSON to update the preview."); return; }
    $("structural").textContent = edit.changes.structural.length
      ? `Not in the preview until saved: ${edit.changes.structural.join(", ")}.` : "";
    const url = renderUrl(edit.layers, edit.variables);
    updateShare(url, edit.json);
    if (!state.template.public) {
      status("This template is private: /api/render shows public templates only. Save, then make it public to preview here.");
      return;
    }
    const seq = ++state.seq;
    if (state.controller) state.controller.abort();
    state.controller = new AbortController();
    $("preview-box").setAttribute("aria-busy", "true");
    status("Rendering…");
    try {
      // The URL of a template's render does not change when it is saved (its ETag does):
      // revalidate, or the browser shows the version it cached before the save.
      const response = await fetch(url, { signal: state.controller.signal, cache: "no-cache" });
      if (seq !== state.seq) return;
      if (!response.ok) {
        let body = null;
        try { body = await response.json(); } catch (_) { /* not JSON */ }
        showApiError(body, edit);
        status(`Not rendered: ${(body && body.error) || response.status}`);
        return;
      }
      const blob = await response.blob();
      if (seq !== state.seq) return;
      if (state.objectUrl) URL.revokeObjectURL(state.objectUrl);
      state.objectUrl = URL.createObjectURL(blob);
      const img = $("preview");
      img.src = state.objectUrl;
      img.dataset.renderUrl = url;
      await img.decode().catch(() => {});
      status(`Rendered ${blob.size.toLocaleString()} bytes.`);
      $("preview-box").dataset.ready = String(seq);
    } catch (e) {
      if (e.name !== "AbortError") status(`Not rendered: ${e.message}`);
    } finally {
      if (seq === state.seq) $("preview-box").setAttribute("aria-busy", "false");
    }
  }

  function updateShare(path, json) {
    const url = location.origin + path;
    $("og-url").value = url;
    const canvas = (json && json.canvas) || {};
    const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    const tags = [`<meta property="og:image" content="${esc(url)}" />`];
    if (Number.isInteger(canvas.width)) tags.push(`<meta property="og:image:width" content="${canvas.width}" />`);
    if (Number.isInteger(canvas.height)) tags.push(`<meta property="og:image:height" content="${canvas.height}" />`);
    tags.push(`<meta name="twitter:card" content="summary_large_image" />`);
    tags.push(`<meta name="twitter:image" content="${esc(url)}" />`);
    $("og-tags").value = tags.join("\n");
    $("signed-note").hidden = !state.template.requireSignature;
  }

  async function copy(id) {
    const field = $(id);
    try {
      await navigator.clipboard.writeText(field.value);
    } catch (_) {
      field.select();
      document.execCommand("copy");
    }
    status(`Copied the ${id === "og-url" ? "og:image URL" : "meta tags"}.`);
  }

  // -- templates and saving ----------------------------------------------------------------
  function key() { return $("key").value.trim(); }

  function options() {
    const select = $("template");
    const keep = select.value;
    select.replaceChildren();
    const group = (label, items, own) => {
      if (!items.length) return;
      const g = document.createElement("optgroup");
      g.label = label;
      for (const t of items) {
        const o = document.createElement("option");
        o.value = `${own ? "own" : "public"}:${t.id}`;
        o.textContent = `${t.name} (v${t.version})`;
        g.append(o);
      }
      select.append(g);
    };
    group("Your templates", state.own, true);
    const ownIds = new Set(state.own.map((t) => t.id));
    group("Public templates", PUBLIC.filter((t) => !ownIds.has(t.id)), false);
    if (keep && [...select.options].some((o) => o.value === keep)) select.value = keep;
  }

  function pick(value) {
    const [kind, id] = value.split(/:(.*)/s);
    const list = kind === "own" ? state.own : PUBLIC;
    const t = list.find((x) => x.id === id);
    if (!t) return;
    state.template = t;
    $("template").value = value;
    fields.jsonData.value = JSON.stringify(t.jsonData, null, 2);
    for (const name of Object.keys(fields)) setError(name, "");
    $("version").textContent = `version ${t.version}`;
    $("save").disabled = kind !== "own";
    $("save-note").textContent = kind === "own" ? "" : "Public templates of other accounts are read-only: pick one of yours to save.";
    const query = new URLSearchParams(location.search);
    query.set("template", id);
    history.replaceState(null, "", `${location.pathname}?${query}`);
    preview();
  }

  // After a key is given or forgotten: the template on screen becomes (or stops being) one of
  // "yours", keeping whatever has been typed.
  function reattach() {
    if (!state.template) return;
    const mine = state.own.find((t) => t.id === state.template.id);
    const fromPublic = PUBLIC.find((t) => t.id === state.template.id);
    state.template = mine || fromPublic || state.template;
    $("template").value = `${mine ? "own" : "public"}:${state.template.id}`;
    $("save").disabled = !mine;
    $("save-note").textContent = mine ? "" : "Public templates of other accounts are read-only: pick one of yours to save.";
  }

  async function loadOwn() {
    state.own = [];
    if (key()) {
      try {
        const r = await fetch("/api/templates?limit=100", { headers: { Authorization: `Bearer ${key()}` } });
        const body = await r.json();
        if (r.ok) state.own = body.data.items;
        else $("key-error").textContent = body.error || `HTTP ${r.status}`;
      } catch (e) {
        $("key-error").textContent = e.message;
      }
    }
    options();
  }

  async function save() {
    const edit = current();
    if (!edit || !state.template || !key()) { status("Nothing saved: fix the JSON and give a key."); return; }
    status("Saving…");
    const r = await fetch(`/api/templates/${encodeURIComponent(state.template.id)}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${key()}`, "Content-Type": "application/json" },
      body: JSON.stringify({ jsonData: edit.json }),
    });
    const body = await r.json().catch(() => null);
    if (!r.ok) {
      const field = (body && body.field) || "";
      setError("jsonData", (body && body.error) || `HTTP ${r.status}`);
      status(`Not saved${field ? ` (${field})` : ""}.`);
      return;
    }
    const saved = body.data;
    state.own = state.own.map((t) => (t.id === saved.id ? saved : t));
    state.template = saved;
    options();
    $("template").value = `own:${saved.id}`;
    $("version").textContent = `version ${saved.version}`;
    status(`Saved version ${saved.version}.`);
    $("saved").textContent = `Saved version ${saved.version}.`;
    preview();
  }

  // -- wiring --------------------------------------------------------------------------------
  $("key").value = sessionStorage.getItem(KEY_STORE) || "";
  $("key").addEventListener("change", async () => {
    $("key-error").textContent = "";
    if (key()) sessionStorage.setItem(KEY_STORE, key());
    else sessionStorage.removeItem(KEY_STORE);
    await loadOwn();
    reattach();
  });
  $("forget").addEventListener("click", async () => {
    $("key").value = "";
    sessionStorage.removeItem(KEY_STORE);
    await loadOwn();
    reattach();
  });
  $("template").addEventListener("change", (e) => pick(e.target.value));
  for (const field of Object.values(fields)) field.addEventListener("input", schedule);
  $("save").addEventListener("click", save);
  $("copy-url").addEventListener("click", () => copy("og-url"));
  $("copy-tags").addEventListener("click", () => copy("og-tags"));
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
      e.preventDefault();
      if (!$("save").disabled) save();
    }
  });

  (async () => {
    await loadOwn();
    const wanted = new URLSearchParams(location.search).get("template");
    const select = $("template");
    const match = [...select.options].find((o) => o.value.endsWith(`:${wanted}`));
    if (match) pick(match.value);
    else if (select.options.length) pick(select.options[0].value);
    else status("No templates yet: give a key to see yours, or load the examples.");
  })();
})();
