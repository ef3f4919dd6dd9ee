/* pinrender interactive-image widget. No dependencies. Every user string goes through
   textContent or a checked attribute, never as HTML markup, so hotspot text cannot become markup. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var COLOR = /^#[0-9a-f]{3,8}$/i;
  var CSS = ".pinrender-widget{position:relative;display:block;max-width:100%;line-height:0}" +
    ".pinrender-widget img{display:block;width:100%;height:auto}" +
    ".pinrender-marker{position:absolute;transform:translate(-50%,-50%);width:28px;height:28px;" +
    "padding:0;" +
    "border-radius:50%;border:2px solid #fff;color:#fff;font:600 13px/24px system-ui,sans-serif;" +
    "cursor:pointer;box-shadow:0 1px 4px rgba(0,0,0,.4)}" +
    ".pinrender-marker:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}" +
    ".pinrender-tip{position:absolute;z-index:10;transform:translate(-50%,12px);background:#fff;" +
    "color:#1f2933;max-width:280px;min-width:160px;padding:10px 12px;border-radius:8px;" +
    "box-shadow:0 6px 24px rgba(0,0,0,.18);font:14px/1.4 system-ui,sans-serif;text-align:left}" +
    ".pinrender-tip[hidden]{display:none}.pinrender-tip h3{margin:0 0 4px;font-size:15px}" +
    ".pinrender-tip p{margin:0 0 6px}.pinrender-tip a{color:#1d4ed8}" +
    ".pinrender-tip video{width:100%;margin-top:6px}" +
    ".pinrender-pending{display:flex;align-items:center;justify-content:center;width:100%;" +
    "background:#eef1f4;color:#52606d;font:15px/1.4 system-ui,sans-serif;border-radius:6px}";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function safeUrl(value, schemes) {
    if (!value) return null;
    try {
      var url = new URL(String(value), location.href);
      return schemes.indexOf(url.protocol) >= 0 ? url.href : null;
    } catch (e) { return null; }
  }
  function injectStyle() {
    if (document.getElementById("pinrender-widget-style")) return;
    var style = el("style");
    style.id = "pinrender-widget-style";
    style.textContent = CSS;
    document.head.appendChild(style);
  }

  var counter = 0;
  function render(root, data) {
    injectStyle();
    root.textContent = "";
    var wrap = el("div", "pinrender-widget");
    var img = el("img");
    img.src = data.image.src;
    if (data.image.srcset) img.srcset = data.image.srcset;
    img.sizes = data.image.sizes || "100vw";
    img.alt = data.image.alt || "";
    img.width = data.image.width;
    img.height = data.image.height;
    wrap.appendChild(img);
    var open = null;
    function hide(entry) {
      entry.tip.hidden = true;
      entry.button.setAttribute("aria-expanded", "false");
      if (open === entry) open = null;
    }
    function show(entry) {
      if (open && open !== entry) hide(open);
      entry.tip.hidden = false;
      entry.button.setAttribute("aria-expanded", "true");
      open = entry;
    }
    var entries = [];
    (data.hotspots || []).forEach(function (spot, i) {
      var id = "pinrender-tip-" + (++counter);
      var button = el("button", "pinrender-marker", String(i + 1));
      button.type = "button";
      button.style.left = Number(spot.x) + "%";
      button.style.top = Number(spot.y) + "%";
      button.style.background = COLOR.test(spot.color || "") ? spot.color : "#2a9d8f";
      button.setAttribute("aria-label", spot.title || "Hotspot " + (i + 1));
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-describedby", id);
      button.setAttribute("data-index", String(i));
      var tip = el("div", "pinrender-tip");
      tip.id = id;
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      tip.style.left = Number(spot.x) + "%";
      tip.style.top = Number(spot.y) + "%";
      if (spot.title) tip.appendChild(el("h3", "pinrender-tip-title", spot.title));
      if (spot.description) tip.appendChild(el("p", "pinrender-tip-text", spot.description));
      var href = safeUrl(spot.link, ["http:", "https:", "mailto:"]);
      if (href) {
        var a = el("a", "pinrender-tip-link", spot.link_label || "Learn more");
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        tip.appendChild(a);
      }
      var video = safeUrl(spot.video_url, ["http:", "https:"]);
      if (video) {
        if (/\.(mp4|webm|ogg)(\?|#|$)/i.test(video)) {
          var v = el("video", "pinrender-tip-video");
          v.src = video;
          v.controls = true;
          v.preload = "none";
          tip.appendChild(v);
        } else {
          var link = el("a", "pinrender-tip-video", "Watch video");
          link.href = video;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          tip.appendChild(link);
        }
      }
      var entry = {button: button, tip: tip};
      entries.push(entry);
      button.addEventListener("mouseenter", function () { show(entry); });
      button.addEventListener("focus", function () { show(entry); });
      button.addEventListener("click", function (e) {
        // Hover and focus already open it on desktop; a tap must open, never toggle shut.
        e.stopPropagation();
        show(entry);
      });
      button.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(entry); });
      wrap.addEventListener("mouseleave", function () { if (open === entry) hide(entry); });
      wrap.appendChild(button);
      wrap.appendChild(tip);
    });
    document.addEventListener("click", function (e) {
      if (open && !wrap.contains(e.target)) hide(open);
    });
    root.appendChild(wrap);
    var auto = data.behavior && data.behavior.auto_open;
    if (typeof auto === "number" && entries[auto - 1]) show(entries[auto - 1]);
    root.setAttribute("data-pinrender-ready", "true");
  }

  // An image a background job is still making: a placeholder of its size, announced politely;
  // `show` decides what happens next (ask again, or stop when it failed).
  function placeholder(root, data) {
    injectStyle();
    root.textContent = "";
    var box = el("div", "pinrender-pending", data.message || "Generating image…");
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    var w = (data.image && data.image.width) || 16, h = (data.image && data.image.height) || 9;
    box.style.aspectRatio = w + " / " + h;
    root.appendChild(box);
    root.setAttribute("data-pinrender-status", data.status);
  }
  function show(root, data, again) {
    if (!data.status || data.status === "ready") {
      root.setAttribute("data-pinrender-status", "ready");
      render(root, data);
      return;
    }
    placeholder(root, data);
    if (data.status === "pending") setTimeout(again, data.retry_after_ms || 3000);
  }
  function load(node) {
    var url = origin + "/api/images/" + encodeURIComponent(node.getAttribute("data-pinrender-id")) +
      "/embed-data?user=" + encodeURIComponent(node.getAttribute("data-pinrender-user") || "");
    fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (body) {
      if (body && body.success) show(node, body.data, function () { load(node); });
    });
  }

  function boot() {
    var inline = document.querySelectorAll("script[data-pinrender-data]");
    Array.prototype.forEach.call(inline, function (node) {
      var target = document.getElementById(node.getAttribute("data-pinrender-target"));
      // A page rendered while its image was pending looks again by loading itself anew.
      if (target) show(target, JSON.parse(node.textContent), function () { location.reload(); });
    });
    var remote = document.querySelectorAll("[data-pinrender-id]:not([data-pinrender-ready])");
    Array.prototype.forEach.call(remote, load);
  }
  window.pinrender = {render: render};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
