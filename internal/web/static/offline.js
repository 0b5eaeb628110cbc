// campusguard: the check forms without a connection (issue 17). A form
// marked data-offline records the moment it is submitted (taken_at); when
// the phone is offline the submission is kept in IndexedDB, in order, with
// the time it was taken, and shown as waiting. When the connection returns
// each is sent in turn; one the server refuses stays on the page with the
// reason until the person dismisses it, never dropped silently. The client
// key each carries makes a second send harmless. No inline script (CSP).
(function () {
  "use strict";
  if (!("indexedDB" in window) || !window.fetch) {
    return;
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
  var DB = "campusguard-offline";
  var STORE = "queue";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function withStore(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var req = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(req.result); };
        t.onerror = function () { db.close(); reject(t.error); };
        t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }
  function all() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function put(item) { return withStore("readwrite", function (s) { return s.put(item); }); }
  function del(id) { return withStore("readwrite", function (s) { return s.delete(id); }); }

  function randomKey() {
    var b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  function box() { return document.querySelector("[data-offline-queue]"); }

  function say(text) {
    var b = box();
    var st = b && b.querySelector("[data-offline-status]");
    if (st && text) {
      st.textContent = text;
      st.hidden = false;
    }
  }

  function clock(iso) {
    var d = new Date(iso);
    var p = function (n) { return ("0" + n).slice(-2); };
    return p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds());
  }

  function render() {
    var b = box();
    if (!b) {
      return Promise.resolve();
    }
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; });
      b.hidden = items.length === 0 && b.querySelector("[data-offline-status]").hidden;
      var count = b.querySelector("[data-offline-count]");
      count.textContent = b.getAttribute("data-waiting").replace("{n}", String(waiting.length));
      count.setAttribute("data-count", String(waiting.length));
      var list = b.querySelector("[data-offline-list]");
      list.textContent = "";
      items.forEach(function (i) {
        var li = document.createElement("li");
        li.className = i.state === "refused" ? "offline-item refused" : "offline-item";
        li.setAttribute("data-testid", i.state === "refused" ? "offline-refused" : "offline-waiting");
        li.setAttribute("data-taken", i.takenAt);
        var when = document.createElement("time");
        when.dateTime = i.takenAt;
        when.textContent = clock(i.takenAt);
        li.appendChild(when);
        li.appendChild(document.createTextNode(" " + i.label));
        if (i.state === "refused") {
          var why = document.createElement("p");
          why.className = "offline-reason";
          why.setAttribute("data-testid", "offline-reason");
          why.textContent = b.getAttribute("data-refused") + " " + i.reason;
          li.appendChild(why);
          var x = document.createElement("button");
          x.type = "button";
          x.className = "button small";
          x.setAttribute("data-offline-dismiss", String(i.id));
          x.setAttribute("data-testid", "offline-dismiss");
          x.textContent = b.getAttribute("data-dismiss");
          li.appendChild(x);
        }
        list.appendChild(li);
      });
    });
  }

  // reasonOf reads why the server refused a submission from the page it
  // answered with: the form's errors, else the page's message.
  function reasonOf(html, status) {
    try {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var el = doc.querySelector("[data-testid=form-error]") || doc.querySelector("main");
      var text = el ? el.textContent.replace(/\s+/g, " ").trim() : "";
      if (text) {
        return text.slice(0, 300);
      }
    } catch (e) { /* fall through */ }
    return "HTTP " + status;
  }

  var flushing = false;
  // flush sends the waiting submissions in the order they were made. It
  // stops at the first that cannot be sent now (no connection, a server
  // error, a session that ended) and leaves it and the rest to try again.
  var retryDelay = 2000;

  function flush() {
    if (flushing || !navigator.onLine) {
      return Promise.resolve();
    }
    flushing = true;
    var sent = 0;
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; });
      waiting.sort(function (a, b) { return a.id - b.id; });
      function next(k) {
        if (k >= waiting.length) {
          return Promise.resolve();
        }
        var i = waiting[k];
        // The phone's clock when it sends: the server takes its error out
        // of the time the check was taken.
        var body = new URLSearchParams(i.body);
        body.set("sent_at", new Date().toISOString());
        return fetch(i.url, {
          method: "POST", body: body.toString(), credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" }
        }).then(function (resp) {
          var signedOut = new URL(resp.url, location.href).pathname === "/login";
          if (resp.ok && !signedOut) {
            return del(i.id).then(function () { sent++; return next(k + 1); });
          }
          if (resp.status >= 400 && resp.status < 500) {
            return resp.text().then(function (html) {
              i.state = "refused";
              i.reason = reasonOf(html, resp.status);
              return put(i).then(function () { return next(k + 1); });
            });
          }
          if (signedOut) {
            say(box() && box().getAttribute("data-signin"));
          }
          return undefined; // try again later
        });
      }
      return next(0);
    }).then(function () {
      retryDelay = 2000;
    }, function () {
      // Offline again, or the link is up before its route (a phone's
      // "online" comes first): keep them, and try again soon, backing
      // off to the 30 s of the interval.
      if (navigator.onLine) {
        setTimeout(flush, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    }).then(function () {
      flushing = false;
      if (sent > 0) {
        say(box() && box().getAttribute("data-sent").replace("{n}", String(sent)));
      }
      return render();
    });
  }

  // Capture: before app.js marks the form busy, and before it is sent.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline")) {
      return;
    }
    var taken = form.querySelector("input[name=taken_at]");
    var sentAt = form.querySelector("input[name=sent_at]");
    var now = new Date().toISOString();
    if (taken) {
      taken.value = now;
    }
    if (sentAt) {
      sentAt.value = now; // sent now; a queued one is stamped again when it goes
    }
    if (navigator.onLine) {
      return;
    }
    ev.preventDefault();
    ev.stopPropagation();
    var item = {
      url: form.action, body: new URLSearchParams(new FormData(form)).toString(), takenAt: now,
      label: form.getAttribute("data-offline-label") || document.title, state: "waiting", reason: ""
    };
    put(item).then(function () {
      // The next submission of this page is a new one, not a resend.
      form.querySelectorAll("input[data-offline-key]").forEach(function (k) { k.value = randomKey(); });
      say(box() && box().getAttribute("data-saved"));
      return render();
    });
  }, true);

  document.addEventListener("click", function (ev) {
    var x = ev.target instanceof Element ? ev.target.closest("[data-offline-dismiss]") : null;
    if (x) {
      del(Number(x.getAttribute("data-offline-dismiss"))).then(render);
    }
  });

  // Signing out leaves no page with children's names on the phone.
  document.addEventListener("submit", function (ev) {
    if (ev.target instanceof HTMLFormElement && ev.target.getAttribute("action") === "/logout" && window.caches) {
      caches.delete("campusguard-offline-v1");
    }
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  document.addEventListener("DOMContentLoaded", function () { render().then(flush); });
  setInterval(flush, 30000);
})();
