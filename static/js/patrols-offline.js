// Patrols offline: on a run page with no network, the scan and answer forms are queued
// in IndexedDB, then sent in order, each with its own idempotency key, when the network
// returns. A submission sent twice is taken once by the server. What waits is shown in
// #pat-outbox; what the server refused is shown after the page reloads. Online with
// nothing waiting, and without script, the forms post as usual.
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

  function show() {
    return all().then(function (posts) {
      outbox.hidden = posts.length === 0;
      outbox.querySelector("[data-count]").textContent = posts.length;
      return posts;
    });
  }

  function enqueue(form, submitter) {
    var data = new FormData(form, submitter);
    data.set(KEY_FIELD, key()); // one key per submission, even from the same page
    var entries = [];
    data.forEach(function (value, name) {
      if (!(value instanceof File) || value.name) entries.push([name, value]);
    });
    return store("readwrite", function (s) {
      return s.add({ url: form.action, entries: entries, label: form.dataset.label || "" });
    });
  }

  function refusals(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    return Array.prototype.map.call(page.querySelectorAll(".flash-error, .error"), function (el) {
      return el.textContent.trim();
    });
  }

  function sendOne(post) {
    var body = new FormData();
    post.entries.forEach(function (e) { body.append(e[0], e[1]); });
    return fetch(post.url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
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
      if (sent) location.reload();
    }, function () {
      sending = false; // the network went away again: what is left waits
      return show();
    });
  }

  document.querySelectorAll("form[data-offline]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine && outbox.hidden) return; // online, nothing waiting: a plain post
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
      .then(function () { return caches.open("patrols-v1"); })
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
  show().then(flush);
})();
