// Patrols' service worker (scope /patrols/): the run page and its assets keep working
// with no network. Pages are fetched from the network first and fall back to the copy
// the run page stored (patrols.js puts it in the cache); static files come from the
// cache first. Posts are never touched here: patrols.js queues them in IndexedDB.
"use strict";
var CACHE = "patrols-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

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
