/* The field app's service worker (screening/views/field.py serves it at
/screening/field/sw.js, so its scope is the app). What it keeps, in one cache:

- the app page and the list of institutions (data.json): from the network when there is
  one (and the copy is renewed), from the cache when there is none;
- the page's scripts, styles and icons (/static/): from the cache once there, else fetched
  and kept; the page tells the worker which ones it uses ("precache") when it has loaded.

Only GET requests are handled: visits are sent by the page itself, never replayed here. */
"use strict";

var CACHE = "yanglao-field-v2";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf("yanglao-field-") === 0 && name !== CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function keep(request, response) {
  // A login page answered in place of the app (a redirect) must not be kept as the app.
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) {
      cache.put(request, copy);
    });
  }
  return response;
}

function networkFirst(request) {
  return fetch(request)
    .then(function (response) {
      if (response.redirected || !response.ok) {
        // Signed out or refused: the kept copy still works on the phone.
        return caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (cached) {
          return cached || response;
        });
      }
      return keep(request, response);
    })
    .catch(function () {
      return caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (cached) {
        return cached || Response.error();
      });
    });
}

function cacheFirst(request) {
  return caches.match(request, { ignoreVary: true }).then(function (cached) {
    return (
      cached ||
      fetch(request).then(function (response) {
        return keep(request, response);
      })
    );
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  var scope = new URL(self.registration.scope).pathname;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.indexOf(scope) === 0) {
    event.respondWith(networkFirst(request));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "precache" || !Array.isArray(data.urls)) {
    return;
  }
  var port = event.ports && event.ports[0];
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        return Promise.all(
          data.urls.map(function (url) {
            return fetch(url, { credentials: "same-origin", cache: "no-cache" }).then(
              function (response) {
                if (response.ok && !response.redirected) {
                  return cache.put(url, response);
                }
                throw new Error("not kept: " + url);
              }
            );
          })
        );
      })
      .then(
        function () {
          if (port) {
            port.postMessage({ ok: true });
          }
        },
        function (error) {
          if (port) {
            port.postMessage({ ok: false, error: String(error) });
          }
        }
      )
  );
});
