/* The field app (screening/views/field.py): the visit form with an outbox on the phone.

- The service worker (field_sw.js) is registered and told which files this page uses, so the
  page, its scripts and the institutions open with no network.
- "Save" puts the visit in IndexedDB (database "yanglao-field", store "outbox") with its own
  client id; photos are made smaller first (canvas, long edge at most 1,600 px, JPEG).
- The outbox is sent in order whenever there is a network (on load, when the network comes
  back, every 30 seconds, or "Send now"): each visit is posted as the visit form's own
  multipart form to the visit form's URL, asking for JSON. The server records it at most
  once per client id; each visit shows its state: on this phone only / sending / received /
  refused (with the server's reasons; "Fix" puts it back in the form to send again). An
  unsent visit can be deleted.
- A newly found venue (登记新发现的场所) and a lead (线索) go into the same outbox ("kind"
  venue / lead), each with its own client id, and are posted to the registry form's and the
  lead form's own URLs the same way: the same form and service, at most one record per id.
No library; no inline script (the page's texts come from a json_script block). */
(function () {
  "use strict";
  var app = document.getElementById("field-app");
  var form = document.getElementById("field-form");
  if (!app || !form || !window.indexedDB) {
    return;
  }
  var labels = JSON.parse(document.getElementById("field-labels").textContent);
  var user = app.getAttribute("data-user");
  var dataUrl = app.getAttribute("data-data-url");
  var postUrl = app.getAttribute("data-post-url");
  var editUrl = app.getAttribute("data-edit-url"); // …/visits/0/edit/
  var draftList = document.getElementById("server-drafts");
  var editing = null; // the server draft being finished on the phone: {id, version}
  var scope = app.getAttribute("data-scope");
  var select = document.getElementById("field-institution");
  var search = document.getElementById("field-search");
  var address = document.getElementById("field-address");
  var photosInput = document.getElementById("field-photos");
  var list = document.getElementById("outbox");
  var notice = document.getElementById("outbox-notice");
  var savedNote = document.getElementById("field-saved");
  var network = document.getElementById("field-network");
  var LONG_EDGE = 1600;
  var institutions = [];
  var pressed = "draft";
  var sending = false;

  // --- storage --------------------------------------------------------------------------
  var dbPromise = new Promise(function (resolve, reject) {
    var open = indexedDB.open("yanglao-field", 1);
    open.onupgradeneeded = function () {
      var store = open.result.createObjectStore("outbox", { keyPath: "client_id" });
      store.createIndex("created", "created");
    };
    open.onsuccess = function () {
      resolve(open.result);
    };
    open.onerror = function () {
      reject(open.error);
    };
  });

  function tx(mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction("outbox", mode);
        var result = work(t.objectStore("outbox"));
        t.oncomplete = function () {
          resolve(result && "result" in result ? result.result : result);
        };
        t.onerror = function () {
          reject(t.error);
        };
      });
    });
  }

  function allRecords() {
    return tx("readonly", function (store) {
      return store.index("created").getAll();
    }).then(function (rows) {
      // Only this user's visits are shown and sent from a shared phone.
      return (rows || []).filter(function (row) {
        return row.user === user;
      });
    });
  }

  function put(record) {
    return tx("readwrite", function (store) {
      store.put(record);
    });
  }

  function remove(clientId) {
    return tx("readwrite", function (store) {
      store.delete(clientId);
    });
  }

  // --- ids, time, position ---------------------------------------------------------------
  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function today() {
    var d = new Date();
    var pad = function (n) {
      return ("0" + n).slice(-2);
    };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function locate() {
    // Asked, never required: a visit without a position is recorded all the same.
    if (!navigator.geolocation) {
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) {
        document.getElementById("field-latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("field-longitude").value = position.coords.longitude.toFixed(6);
        document.getElementById("field-accuracy").value = Math.round(position.coords.accuracy);
      },
      function () {},
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
    );
  }

  function clearEditState() {
    // Hidden inputs keep what a script put in them across form.reset().
    form.querySelectorAll('input[type=hidden][name^="interviews-"]').forEach(function (el) {
      if (/-(id|visit)$/.test(el.name)) {
        el.value = "";
      }
    });
    var initial = document.getElementById("id_interviews-INITIAL_FORMS");
    if (initial) {
      initial.value = "0";
    }
    document.getElementById("field-edit-version").value = "";
    editing = null;
    document.getElementById("field-editing").classList.add("d-none");
  }

  function freshForm() {
    form.reset();
    clearEditState();
    document.getElementById("field-client-id").value = newId();
    document.getElementById("field-opened-at").value = new Date().toISOString();
    document.getElementById("field-completed-at").value = "";
    ["field-latitude", "field-longitude", "field-accuracy"].forEach(function (id) {
      document.getElementById(id).value = "";
    });
    var date = document.getElementById("id_visited_on");
    if (date) {
      date.value = today();
    }
    showAddress();
    locate();
  }

  // --- institutions ----------------------------------------------------------------------
  function fillInstitutions(q) {
    var keep = select.value;
    var words = (q || "").trim();
    while (select.options.length > 1) {
      select.remove(1);
    }
    institutions.forEach(function (item) {
      var text = item.name + " · " + item.township;
      if (words && (text + " " + item.address).indexOf(words) === -1) {
        return;
      }
      var option = document.createElement("option");
      option.value = String(item.id);
      option.textContent = text;
      select.appendChild(option);
    });
    select.value = keep;
  }

  function showAddress() {
    var chosen = institutions.find(function (item) {
      return String(item.id) === select.value;
    });
    address.textContent = chosen ? [chosen.status, chosen.address].filter(Boolean).join(" · ") : "";
  }

  function loadInstitutions() {
    return fetch(dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        institutions = data.institutions || [];
        fillInstitutions(search.value);
        renderDrafts(data.drafts || []);
      });
  }

  function renderDrafts(drafts) {
    draftList.textContent = "";
    document.getElementById("server-drafts-card").classList.toggle("d-none", !drafts.length);
    drafts.forEach(function (draft) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex gap-2 align-items-center server-draft";
      item.setAttribute("data-visit", String(draft.id));
      var name = document.createElement("span");
      name.className = "flex-fill text-break";
      name.textContent = draft.institution_name + " · " + draft.visited_on;
      item.appendChild(name);
      item.appendChild(button(labels.finish, "btn-outline-primary server-draft-edit", function () {
        fill({
          institution: draft.institution,
          institution_name: draft.institution_name,
          visited_on: draft.visited_on,
          visit_id: draft.id,
          fields: draft.fields,
        });
      }));
      draftList.appendChild(item);
    });
  }

  // --- photos ----------------------------------------------------------------------------
  function smaller(file) {
    if (!/^image\//.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve({ name: file.name, blob: file });
    }
    return createImageBitmap(file)
      .then(function (bitmap) {
        var scale = Math.min(1, LONG_EDGE / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) {
          canvas.toBlob(
            function (blob) {
              var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
              resolve({ name: name, blob: blob || file });
            },
            "image/jpeg",
            0.85
          );
        });
      })
      .catch(function () {
        return { name: file.name, blob: file };
      });
  }

  // --- saving on the phone ---------------------------------------------------------------
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=action]");
    if (button) {
      pressed = button.value;
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!select.value) {
      select.classList.add("is-invalid");
      alert(labels.choose);
      return;
    }
    select.classList.remove("is-invalid");
    document.getElementById("field-completed-at").value = new Date().toISOString();
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") {
        fields.push([name, value]);
      }
    });
    var chosen = institutions.find(function (item) {
      return String(item.id) === select.value;
    });
    var files = Array.prototype.slice.call(photosInput.files || []);
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    var carried = pendingPhotos;
    pendingPhotos = [];
    Promise.all(files.map(smaller))
      .then(function (photos) {
        return put({
          client_id: document.getElementById("field-client-id").value,
          user: user,
          created: Date.now(),
          institution: select.value,
          institution_name: chosen ? chosen.name : select.options[select.selectedIndex].text,
          visited_on: (document.getElementById("id_visited_on") || {}).value || "",
          action: pressed,
          visit_id: editing ? editing.id : null,
          fields: fields,
          photos: carried.concat(photos),
          state: "local",
          errors: null,
        });
      })
      .then(function () {
        savedNote.textContent = labels.saved;
        savedNote.classList.remove("d-none");
        freshForm();
        window.scrollTo(0, 0);
        return render();
      })
      .then(send)
      .finally(function () {
        buttons.forEach(function (b) {
          b.disabled = false;
        });
      });
  });

  // --- the list --------------------------------------------------------------------------
  var BADGES = {
    local: "text-bg-warning",
    sending: "text-bg-info",
    received: "text-bg-success",
    refused: "text-bg-danger",
    conflict: "text-bg-danger",
  };

  function render() {
    return allRecords().then(function (rows) {
      list.textContent = "";
      if (!rows.length) {
        var empty = document.createElement("li");
        empty.className = "list-group-item small text-secondary";
        empty.textContent = labels.none;
        list.appendChild(empty);
      }
      rows.forEach(function (row) {
        var item = document.createElement("li");
        item.className = "list-group-item outbox-item";
        item.setAttribute("data-client-id", row.client_id);
        item.setAttribute("data-state", row.state);
        item.setAttribute("data-kind", row.kind || "visit");
        var head = document.createElement("div");
        head.className = "d-flex flex-wrap gap-2 align-items-center";
        var name = document.createElement("span");
        name.className = "flex-fill fw-semibold text-break";
        name.textContent = isRecord(row)
          ? labels[row.kind] + " · " + row.title
          : row.institution_name + " · " + row.visited_on;
        var badge = document.createElement("span");
        badge.className = "badge outbox-state " + (BADGES[row.state] || "text-bg-secondary");
        badge.textContent = labels[row.state] || row.state;
        head.appendChild(name);
        head.appendChild(badge);
        item.appendChild(head);
        var meta = document.createElement("div");
        meta.className = "small text-secondary";
        meta.textContent = isRecord(row)
          ? ""
          : (row.action === "submit" ? labels.submit : labels.draft) +
          (row.photos && row.photos.length ? " · " + row.photos.length + " " + labels.photos : "");
        item.appendChild(meta);
        if (row.state === "refused" && row.errors) {
          var reasons = document.createElement("ul");
          reasons.className = "small text-danger mb-1 outbox-errors";
          row.errors.forEach(function (text) {
            var li = document.createElement("li");
            li.textContent = text;
            reasons.appendChild(li);
          });
          item.appendChild(reasons);
        }
        if (row.state === "conflict" && row.conflict) {
          item.appendChild(conflictTable(row.conflict));
        }
        var actions = document.createElement("div");
        actions.className = "d-flex flex-wrap gap-2 mt-1";
        if (row.state === "conflict" && row.conflict) {
          if (row.conflict.status === "draft") {
            actions.appendChild(button(labels.keep_mine, "btn-outline-primary outbox-keep-mine", function () {
              keepMine(row);
            }));
          }
          actions.appendChild(button(labels.take_theirs, "btn-outline-secondary outbox-take-theirs", function () {
            remove(row.client_id).then(render);
          }));
        }
        if (row.state === "received" && row.url) {
          var link = document.createElement("a");
          link.href = row.url;
          link.className = "btn btn-sm btn-link px-0";
          link.textContent = labels.open;
          actions.appendChild(link);
        }
        if (row.state === "refused") {
          actions.appendChild(button(labels.fix, "btn-outline-primary outbox-fix", function () {
            fix(row);
          }));
        }
        if (row.state === "local" || row.state === "refused" || row.state === "conflict") {
          actions.appendChild(button(labels.delete, "btn-outline-danger outbox-delete", function () {
            if (window.confirm(isRecord(row) ? labels.confirm_delete_record : labels.confirm_delete)) {
              remove(row.client_id).then(render);
            }
          }));
        }
        item.appendChild(actions);
        list.appendChild(item);
      });
      app.setAttribute("data-outbox-count", String(rows.length));
    });
  }

  function conflictTable(conflict) {
    var box = document.createElement("div");
    box.className = "outbox-conflict small";
    var why = document.createElement("p");
    why.className = "text-danger mb-1";
    why.textContent = conflict.detail || labels.conflict;
    box.appendChild(why);
    var table = document.createElement("table");
    table.className = "table table-sm table-bordered mb-1";
    var head = table.createTHead().insertRow();
    ["", labels.mine, labels.theirs].forEach(function (text) {
      var th = document.createElement("th");
      th.textContent = text;
      head.appendChild(th);
    });
    var body = table.createTBody();
    (conflict.differences || []).forEach(function (diff) {
      var tr = body.insertRow();
      tr.setAttribute("data-field", diff.name);
      [diff.label, diff.mine, diff.theirs].forEach(function (text, index) {
        var cell = tr.insertCell();
        cell.textContent = text;
        if (index) {
          cell.className = index === 1 ? "conflict-mine" : "conflict-theirs";
        }
      });
    });
    box.appendChild(table);
    return box;
  }

  function keepMine(row) {
    // Send this phone's version again, now over the server's current one (on purpose).
    row.fields = row.fields.map(function (pair) {
      return pair[0] === "edit_version" ? [pair[0], row.conflict.version] : pair;
    });
    row.state = "local";
    row.conflict = null;
    put(row).then(render).then(send);
  }

  function button(text, classes, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm " + classes;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function fill(row) {
    form.reset();
    clearEditState();
    var interviews = row.fields.filter(function (pair) {
      return pair[0] === "interviews-TOTAL_FORMS";
    });
    var wanted = interviews.length ? parseInt(interviews[0][1], 10) : 1;
    var add = document.getElementById("add-interview");
    while (add && form.querySelectorAll("fieldset.interview").length < wanted) {
      add.click();
    }
    row.fields.forEach(function (pair) {
      var elements = form.querySelectorAll('[name="' + pair[0] + '"]');
      elements.forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = el.value === pair[1] || (el.type === "checkbox" && pair[1] === "on");
        } else {
          el.value = pair[1];
        }
      });
    });
    select.value = String(row.institution);
    showAddress();
    if (row.visit_id) {
      editing = { id: row.visit_id };
      var note = document.getElementById("field-editing");
      note.textContent = labels.editing + " " + row.institution_name + " · " + row.visited_on;
      note.classList.remove("d-none");
    }
    form.scrollIntoView();
  }

  function isRecord(row) {
    return row.kind === "venue" || row.kind === "lead";
  }

  function fix(row) {
    // Back into the form as it was saved; saving again replaces it (same client id).
    if (isRecord(row)) {
      fillRecord(row);
      remove(row.client_id).then(render);
      return;
    }
    fill(row);
    remove(row.client_id).then(function () {
      // Its photos stay: they are put back with it when it is saved again.
      pendingPhotos = row.photos || [];
      return render();
    });
  }

  // A fixed visit keeps the photos it had (a file input cannot be filled by script).
  var pendingPhotos = [];

  // --- sending ---------------------------------------------------------------------------
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function messagesOf(body) {
    var out = [];
    if (body && body.errors) {
      Object.keys(body.errors).forEach(function (key) {
        var entry = body.errors[key];
        (entry.messages || []).forEach(function (text) {
          out.push((entry.label ? entry.label + "：" : "") + text);
        });
      });
    }
    if (!out.length && body && body.detail) {
      out.push(body.detail);
    }
    return out;
  }

  function sendOne(row) {
    var data = new FormData();
    row.fields.forEach(function (pair) {
      data.append(pair[0], pair[1]);
    });
    data.set("client_id", row.client_id);
    if (!isRecord(row)) {
      data.set("action", row.action);
    }
    (row.photos || []).forEach(function (photo) {
      data.append("attachments", photo.blob, photo.name);
    });
    var target = isRecord(row)
      ? row.post_url
      : row.visit_id
      ? editUrl.replace("/0/", "/" + encodeURIComponent(row.visit_id) + "/")
      : postUrl + "?institution=" + encodeURIComponent(row.institution);
    return fetch(target, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
        // Who recorded it: the server refuses it under someone else's session.
        "X-Field-User": row.user,
      },
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (body) {
          row.state = "received";
          row.url = body.url;
          row.errors = null;
          if (body.warnings && body.warnings.length) {
            // Received, with something to know (fewer notices than elders housed).
            showNotice(body.warnings.join(" "));
          }
          row.photos = (row.photos || []).map(function (photo) {
            return { name: photo.name, blob: null };
          });
          return put(row).then(function () {
            return true;
          });
        });
      }
      if (response.status === 401 || response.type === "opaqueredirect") {
        // Signed out, or the account was disabled: the visit stays on the phone.
        row.state = "local";
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            return put(row).then(function () {
              showNotice(body.detail || labels.signed_out);
              return false;
            });
          });
      }
      if (response.status === 409) {
        // Changed on the server after the phone took its copy: this one stops here and
        // both versions are shown; the person chooses. Nothing was saved.
        return response.json().then(function (body) {
          row.state = "conflict";
          row.conflict = body;
          return put(row).then(function () {
            return true;
          });
        });
      }
      return response
        .json()
        .catch(function () {
          return { detail: response.status + " " + response.statusText };
        })
        .then(function (body) {
          row.state = "refused";
          row.errors = messagesOf(body);
          return put(row).then(function () {
            return true;
          });
        });
    });
  }

  function send() {
    if (sending || !navigator.onLine) {
      return Promise.resolve();
    }
    sending = true;
    hideNotice();
    return allRecords()
      .then(function (rows) {
        var queue = rows.filter(function (row) {
          return row.state === "local" || row.state === "sending";
        });
        // In the order they were recorded; a network failure stops the round.
        return queue.reduce(function (chain, row) {
          return chain.then(function (goOn) {
            if (!goOn) {
              return false;
            }
            row.state = "sending";
            return put(row)
              .then(render)
              .then(function () {
                return sendOne(row);
              })
              .catch(function () {
                row.state = "local";
                showNotice(labels.failed);
                return put(row).then(function () {
                  return false;
                });
              });
          });
        }, Promise.resolve(true));
      })
      .finally(function () {
        sending = false;
        return render();
      });
  }

  function showNotice(text) {
    notice.textContent = text;
    notice.classList.remove("d-none");
  }

  function hideNotice() {
    notice.classList.add("d-none");
  }

  function showNetwork() {
    network.textContent = navigator.onLine ? labels.online : labels.offline;
    network.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-warning");
  }

  // --- the service worker ----------------------------------------------------------------
  function precache() {
    var urls = [location.pathname, dataUrl];
    document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=icon], link[rel=manifest]").forEach(function (el) {
      var url = new URL(el.src || el.href, location.href);
      if (url.origin === location.origin) {
        urls.push(url.pathname + url.search);
      }
    });
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          resolve(event.data && event.data.ok);
        };
        registration.active.postMessage({ type: "precache", urls: urls }, [channel.port2]);
      });
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(app.getAttribute("data-sw-url"), { scope: scope })
      .then(function () {
        return navigator.onLine ? precache() : true;
      })
      .then(function (ok) {
        if (ok) {
          document.getElementById("field-ready").textContent = labels.ready;
          app.setAttribute("data-offline-ready", "1");
        }
      })
      .catch(function () {});
  }

  // --- venues and leads ------------------------------------------------------------------
  var recordForms = {};

  function freshRecordForm(recordForm) {
    recordForm.reset();
    recordForm.removeAttribute("data-client-id");
    // The page may have been kept for days: a date starts at today.
    recordForm.querySelectorAll("input[type=date]").forEach(function (el) {
      el.value = today();
    });
  }

  function fillRecord(row) {
    var recordForm = recordForms[row.kind];
    if (!recordForm) {
      return;
    }
    freshRecordForm(recordForm);
    recordForm.setAttribute("data-client-id", row.client_id);
    row.fields.forEach(function (pair) {
      recordForm.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = el.value === pair[1] || (el.type === "checkbox" && pair[1] === "on");
        } else {
          el.value = pair[1];
        }
      });
    });
    var card = recordForm.closest("details");
    if (card) {
      card.open = true;
    }
    recordForm.scrollIntoView();
  }

  document.querySelectorAll("form.field-record").forEach(function (recordForm) {
    var kind = recordForm.getAttribute("data-kind");
    recordForms[kind] = recordForm;
    var note = recordForm.querySelector(".field-record-saved");
    recordForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var title = recordForm.querySelector('[name="' + recordForm.getAttribute("data-title-field") + '"]');
      if (title && !title.value.trim()) {
        title.classList.add("is-invalid");
        title.focus();
        return;
      }
      if (title) {
        title.classList.remove("is-invalid");
      }
      var fields = [];
      new FormData(recordForm).forEach(function (value, name) {
        if (typeof value === "string") {
          fields.push([name, value]);
        }
      });
      put({
        client_id: recordForm.getAttribute("data-client-id") || newId(),
        user: user,
        created: Date.now(),
        kind: kind,
        post_url: recordForm.getAttribute("data-post-url"),
        title: title ? title.value.trim() : "",
        fields: fields,
        state: "local",
        errors: null,
      })
        .then(function () {
          freshRecordForm(recordForm);
          note.textContent = labels[kind + "_saved"];
          note.classList.remove("d-none");
          return render();
        })
        .then(send);
    });
    freshRecordForm(recordForm);
  });

  // --- start -----------------------------------------------------------------------------
  search.addEventListener("input", function () {
    fillInstitutions(search.value);
  });
  select.addEventListener("change", showAddress);
  document.getElementById("outbox-send").addEventListener("click", send);
  window.addEventListener("online", function () {
    showNetwork();
    send();
  });
  window.addEventListener("offline", showNetwork);
  window.setInterval(send, 30000);
  showNetwork();
  freshForm();
  loadInstitutions()
    .catch(function () {})
    .then(render)
    .then(send);
})();
