// campusguard's service worker (issue 17), hand-written: it keeps the three
// pages used at a fixed time under pressure (the class check, the gate, the
// home report) and the assets, so that they open without a connection. It
// queues nothing itself: the page's script (offline.js) keeps submissions
// in IndexedDB and sends them, in order, when the connection returns.
"use strict";

var CACHE = "campusguard-offline-v1";
var PAGES = [/^\/orgs\/\d+\/checks$/, /^\/orgs\/\d+\/gate$/, /^\/people\/\d+\/home-report$/];

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (ev) {
  ev.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (ev) {
  var req = ev.request;
  if (req.method !== "GET") {
    return;
  }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  // Assets asked for with their content hash never change: cache first.
  if (url.pathname.indexOf("/static/") === 0 && url.searchParams.has("v")) {
    ev.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (hit) {
        return hit || fetch(req).then(function (resp) {
          if (resp.ok) {
            c.put(req, resp.clone());
          }
          return resp;
        });
      });
    }));
    return;
  }
  // The check pages: the network first (the class list of the day and what
  // is already recorded), the last copy when there is none. htmx's partial
  // answers are not pages and are not kept.
  if (req.headers.get("HX-Request") || !PAGES.some(function (p) { return p.test(url.pathname); })) {
    return;
  }
  ev.respondWith(fetch(req).then(function (resp) {
    if (resp.ok && !resp.redirected) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (c) { return c.put(req, copy); });
    }
    return resp;
  }).catch(function () {
    return caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (hit) {
        return hit || c.match(req, { ignoreSearch: true });
      });
    }).then(function (hit) {
      return hit || Response.error();
    });
  }));
});
