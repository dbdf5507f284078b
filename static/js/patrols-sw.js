// Patrols' service worker (scope /patrols/): the run page and its assets keep working
// with no network. Pages are fetched from the network first and fall back to the copy
// the run page stored (patrols.js puts it in the cache); static files come from the
// cache first. Posts are never touched here: patrols.js queues them in IndexedDB.
"use strict";
var CACHE = "patrols-v2"; // a new name when the cached scripts change (the old one is dropped)

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("patrols-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (new URL(request.url).pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  event.respondWith(fetch(request).catch(function () {
    return caches.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || Response.error();
    });
  }));
});
