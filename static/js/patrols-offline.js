// Patrols offline: on a run page with no network, the scan and answer forms are queued
// in IndexedDB, then sent in order, each with its own idempotency key, when the network
// returns. Each carries the phone's time when it was made (made_at, ms since 1970: the
// server stores it, modules/patrols/phone_time.py). A submission sent twice is taken once
// by the server. What waits is listed in
// #pat-outbox and the answers waiting are put back in the form when the page is drawn
// again; what the server refused is shown after the page reloads. Online with nothing
// waiting, and without script, the forms post as usual.
// On a run sheet (#pat-outbox[data-start]: no run yet) the run is started here: the
// start is queued with the phone's time and a key, and the scans and answers after it
// go to /patrols/runs/started/<key>/…; once all is sent the phone opens the run.
(function () {
  "use strict";
  var outbox = document.getElementById("pat-outbox");
  if (!outbox || !window.indexedDB || !window.fetch || !window.FormData) return;
  var KEY_FIELD = "idempotency_key";
  var sending = false;

  function key() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("patrols-outbox", 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore("posts", { keyPath: "seq", autoIncrement: true });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("posts", mode);
        var result = work(tx.objectStore("posts"));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function all() { return store("readonly", function (s) { return s.getAll(); }); }

  var startUrl = outbox.dataset.start; // set on a run sheet only
  var sheetKey = "patrols-start:" + location.pathname;

  function started() { return localStorage.getItem(sheetKey); }

  function showSheet() {
    if (!startUrl) return;
    var on = !!started();
    document.querySelectorAll("form.pat-start").forEach(function (f) { f.hidden = on; });
    document.querySelectorAll("form[data-offline]").forEach(function (f) { f.hidden = !on; });
  }

  function when(stamp) {
    var d = new Date(stamp);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function redraw(posts) {
    // What waits, in order; the answers waiting go back into the form.
    var list = outbox.querySelector("[data-waiting]");
    if (list) {
      list.textContent = "";
      posts.forEach(function (post) {
        var item = document.createElement("li");
        item.textContent = when(post.queued || Date.now()) + " " + post.label;
        list.appendChild(item);
      });
    }
    var form = document.querySelector("form.pat-answers[data-offline]");
    posts.filter(function (p) { return /\/answers$/.test(p.url); }).forEach(function (post) {
      post.entries.forEach(function (e) {
        if (typeof e[1] !== "string" || !form) return;
        form.querySelectorAll("[name='" + e[0] + "']").forEach(function (input) {
          if (input.type === "radio") input.checked = input.value === e[1];
          else if (input.type !== "file" && input.type !== "hidden") input.value = e[1];
        });
      });
    });
  }

  function show() {
    return all().then(function (posts) {
      outbox.hidden = posts.length === 0;
      outbox.querySelector("[data-count]").textContent = posts.length;
      redraw(posts);
      return posts;
    });
  }

  function enqueue(form, submitter) {
    var data = new FormData(form, submitter);
    data.set(KEY_FIELD, key()); // one key per submission, even from the same page
    data.set("made_at", String(Date.now())); // the phone's time now, not when it is sent
    var entries = [];
    data.forEach(function (value, name) {
      if (!(value instanceof File) || value.name) entries.push([name, value]);
    });
    var url = form.dataset.action ? form.dataset.action.replace("KEY", started()) : form.action;
    return queue(url, entries, form.dataset.label || "");
  }

  function queue(url, entries, label) {
    return store("readwrite", function (s) {
      return s.add({ url: url, entries: entries, label: label, queued: Date.now() });
    });
  }

  function start() {
    // The run sheet's Start: the run begins now, on the phone; the server hears later.
    var runKey = key();
    var fields = document.createElement("form");
    fields.appendChild(outbox.querySelector("template[data-start-fields]").content.cloneNode(true));
    var entries = [];
    new FormData(fields).forEach(function (value, name) { entries.push([name, value]); });
    entries.push([KEY_FIELD, runKey], ["started_at", String(Date.now())]);
    localStorage.setItem(sheetKey, runKey);
    return queue(startUrl, entries, outbox.dataset.startLabel || "");
  }

  function refusals(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    return Array.prototype.map.call(page.querySelectorAll(".flash-error, .error"), function (el) {
      return el.textContent.trim();
    });
  }

  var opened = null; // the run page a start led to, opened once everything is sent

  function sendOne(post) {
    var body = new FormData();
    post.entries.forEach(function (e) { body.append(e[0], e[1]); });
    return fetch(post.url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (post.url === startUrl && response.ok) opened = response.url;
        if (response.status !== 422) return null;
        return response.text().then(function (html) {
          var seen = JSON.parse(sessionStorage.getItem("patrols-refused") || "[]");
          sessionStorage.setItem("patrols-refused", JSON.stringify(seen.concat(refusals(html))));
        });
      })
      .then(function () {
        // Taken or refused, it is done; a refusal is shown once the page reloads.
        return store("readwrite", function (s) { return s.delete(post.seq); });
      });
  }

  function showRefused() {
    var refused = JSON.parse(sessionStorage.getItem("patrols-refused") || "[]");
    sessionStorage.removeItem("patrols-refused");
    refused.forEach(function (text) {
      var note = document.createElement("div");
      note.className = "flash flash-error";
      note.setAttribute("role", "alert");
      note.textContent = text;
      outbox.parentNode.insertBefore(note, outbox);
    });
  }

  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    return all().then(function (posts) {
      if (!posts.length) return false;
      return posts.reduce(function (chain, post) {
        return chain.then(function () { return sendOne(post); });
      }, Promise.resolve()).then(function () { return true; });
    }).then(function (sent) {
      sending = false;
      if (!sent) return;
      if (startUrl && opened) {
        localStorage.removeItem(sheetKey);
        location.assign(opened);
      } else {
        location.reload();
      }
    }, function () {
      sending = false; // the network went away again: what is left waits
      return show();
    });
  }

  document.querySelectorAll("form.pat-start").forEach(function (form) {
    if (!startUrl) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      start().then(function () {
        showSheet();
        return show();
      }).then(flush);
    });
  });

  document.querySelectorAll("form[data-offline]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      // Online, nothing waiting, on a run page: a plain post.
      if (navigator.onLine && outbox.hidden && !form.dataset.action) return;
      event.preventDefault();
      enqueue(form, event.submitter).then(function () {
        form.reset();
        return show();
      }).then(flush);
    });
  });

  // Keep this page and its assets for a visit without network.
  if ("serviceWorker" in navigator && window.caches) {
    navigator.serviceWorker.register(outbox.dataset.worker, { scope: outbox.dataset.scope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { return caches.open("patrols-v2"); })
      .then(function (cache) {
        var assets = Array.prototype.map.call(
          document.querySelectorAll("link[rel=stylesheet], script[src]"),
          function (el) { return el.href || el.src; });
        return cache.addAll([location.pathname].concat(assets));
      })
      .then(function () { document.documentElement.dataset.offlineReady = "1"; });
  }
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  showRefused();
  showSheet();
  show().then(flush);
})();
