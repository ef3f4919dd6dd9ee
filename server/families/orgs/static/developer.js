// The Developer Zone (seed 002): the owner's key lives in this tab's sessionStorage only and goes
// out in the X-API-Key header, never in a URL; a new token is shown once, then forgotten.
(function () {
  "use strict";
  var KEY = "pinrender.ownerKey";
  var $ = function (id) { return document.getElementById(id); };
  var org = null;

  function key() { return sessionStorage.getItem(KEY) || ""; }

  function say(text, isError) {
    var status = $("status");
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  function api(method, path, body) {
    var init = { method: method, headers: { "X-API-Key": key() } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) {
          var err = data && data.error;
          throw new Error(typeof err === "string" ? err : (err && err.message) || r.statusText);
        }
        return data;
      });
    });
  }

  function when(ts) { return ts ? new Date(ts * 1000).toLocaleString() : "never"; }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function drawTokens(tokens) {
    var body = $("tokens");
    body.textContent = "";
    tokens.forEach(function (t) {
      var row = document.createElement("tr");
      row.dataset.id = t.id;
      cell(row, t.name);
      cell(row, t.prefix + "…");
      cell(row, when(t.created_at));
      cell(row, when(t.last_used_at));
      var toggle = document.createElement("input");
      toggle.type = "checkbox";
      toggle.setAttribute("role", "switch");
      toggle.checked = t.active;
      toggle.className = "toggle";
      toggle.setAttribute("aria-label", "Active: " + t.name);
      toggle.addEventListener("change", function () {
        api("PATCH", "/api/v1/orgs/" + org + "/tokens/" + t.id, { active: toggle.checked })
          .then(function (u) { say((u.active ? "Activated " : "Deactivated ") + u.name); load(); })
          .catch(function (e) { say(e.message, true); load(); });
      });
      var label = document.createElement("label");
      label.appendChild(toggle);
      label.appendChild(document.createTextNode(t.active ? " active" : " inactive"));
      cell(row, "").appendChild(label);
      var del = document.createElement("button");
      del.type = "button";
      del.className = "delete";
      del.textContent = "Delete";
      del.setAttribute("aria-label", "Delete token " + t.name);
      del.addEventListener("click", function () {
        if (!window.confirm("Delete the token " + t.name + "? Anything using it loses access on its next request.")) return;
        api("DELETE", "/api/v1/orgs/" + org + "/tokens/" + t.id)
          .then(function () { say("Deleted " + t.name); load(); })
          .catch(function (e) { say(e.message, true); });
      });
      cell(row, "").appendChild(del);
      body.appendChild(row);
    });
    $("count").textContent = tokens.length + " of 10 tokens";
  }

  function drawEvents(events) {
    var list = $("events");
    list.textContent = "";
    events.forEach(function (e) {
      var li = document.createElement("li");
      li.textContent = e.name + " (event " + e.id + ")";
      list.appendChild(li);
    });
    if (!events.length) list.textContent = "No events yet.";
  }

  function load() {
    return api("GET", "/api/v1/orgs").then(function (orgs) {
      org = orgs[0].id;
      $("org").textContent = orgs[0].name + " (organisation " + org + ")";
      $("signed-in").hidden = false;
      return Promise.all([api("GET", "/api/v1/orgs/" + org + "/tokens"),
                          api("GET", "/api/v1/orgs/" + org + "/events")]);
    }).then(function (both) {
      drawTokens(both[0]);
      drawEvents(both[1]);
    }).catch(function (e) { $("signed-in").hidden = true; say(e.message, true); });
  }

  $("key-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $("key").value.trim());
    $("key").value = "";
    say("");
    load();
  });

  $("forget").addEventListener("click", function () {
    sessionStorage.removeItem(KEY);
    $("signed-in").hidden = true;
    $("created").hidden = true;
    say("The key is forgotten in this tab.");
  });

  $("create-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var name = $("token-name").value.trim() || "Token";
    if (!window.confirm("Create the API token " + name + "?")) return;
    api("POST", "/api/v1/orgs/" + org + "/tokens", { name: name }).then(function (t) {
      $("new-token").value = t.token;
      $("created").hidden = false;
      $("new-token").focus();
      $("new-token").select();
      $("token-name").value = "";
      say("Created " + t.name);
      load();
    }).catch(function (e) { say(e.message, true); });
  });

  $("copy").addEventListener("click", function () {
    var text = $("new-token").value;
    var done = function () { say("Copied to the clipboard"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {
        $("new-token").select(); document.execCommand("copy"); done();
      });
    } else {
      $("new-token").select(); document.execCommand("copy"); done();
    }
  });

  $("dismiss").addEventListener("click", function () {
    $("new-token").value = "";
    $("created").hidden = true;
  });

  $("event-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var name = $("event-name").value.trim();
    if (!name) return;
    api("POST", "/api/v1/orgs/" + org + "/events", { name: name })
      .then(function () { $("event-name").value = ""; load(); })
      .catch(function (e) { say(e.message, true); });
  });

  if (key()) load();
})();
