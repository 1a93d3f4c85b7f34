// The static export's search and forms, for a copy served from any static host or opened
// from a folder (file://). Added to every page by `rumours build`; not used by the live site.
//
// - Search boxes (role="search") search the rumours saved in the copy with the live search's
//   analysis and ranking (offline-search-engine.js, on MiniSearch): answers first, then related rumours,
//   and a plain "no answer yet" when nothing answers. The index is <lang>/search-index.js
//   (a script, because file:// pages cannot fetch JSON). When the site sets `search_url`,
//   the form itself points to the live search, so without JavaScript it still works
//   online, and the results offer a link to it.
// - Other GET forms (filters, decks) open the saved page for that choice when the copy has
//   one (export-manifest.js lists them), filter the list offline, or else go to the live site.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var root = script.getAttribute("data-root") || "./";
  var lang = script.getAttribute("data-lang") || "en";
  var live = script.getAttribute("data-live") || "";
  var searchUrl = script.getAttribute("data-search-url") || "";
  var loaded = {};

  function load(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = src;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loaded[src];
  }

  function index() {
    return Promise.all([
      load(root + lang + "/search-index.js"),
      load(root + "static/vendor/minisearch/minisearch.umd.js"),
      load(root + "static/js/offline-search-engine.js"),
    ]).then(function () {
      return window.RUMOURS_SEARCH_INDEX[lang];
    });
  }

  function manifest() {
    return load(root + "export-manifest.js").then(function () {
      return window.RUMOURS_EXPORT;
    });
  }

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function panel(form) {
    var next = form.nextElementSibling;
    if (next && next.classList.contains("offline-results")) {
      return next;
    }
    var section = element("section", { "class": "offline-results", "aria-live": "polite" });
    form.parentNode.insertBefore(section, form.nextSibling);
    return section;
  }

  function resultList(data, docs) {
    var list = element("ul", { "class": "rumour-list" });
    docs.forEach(function (doc) {
      var item = element("li", { "class": "rumour-item" });
      var other = doc.lang !== lang ? { lang: doc.lang } : {};
      var link = element("a", Object.assign({ "class": "rumour-link", href: root + doc.url },
                                            other), doc.claim);
      var verdict = element("span", { "class": "verdict verdict-" + doc.verdict },
                            data.labels.verdict + " ");
      verdict.appendChild(element("strong", {}, doc.verdict_label));
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(verdict);
      item.appendChild(element("p", Object.assign({ "class": "rumour-summary" }, other),
                               doc.summary));
      list.appendChild(item);
    });
    return list;
  }

  // groups: [{title, docs}] shown in order; note: a sentence before them (or none).
  function show(form, data, title, groups, note, liveLink) {
    var section = panel(form);
    section.textContent = "";
    section.appendChild(element("h2", {}, title));
    section.appendChild(element("p", { "class": "offline-note" }, data.labels.offline));
    if (note) {
      section.appendChild(element("p", { "class": "result-count", role: "status" }, note));
    }
    groups.forEach(function (group) {
      if (!group.docs.length) { return; }
      if (group.title) { section.appendChild(element("h3", {}, group.title)); }
      section.appendChild(resultList(data, group.docs));
    });
    if (liveLink) {
      var p = element("p");
      p.appendChild(element("a", { href: liveLink }, data.labels.live));
      section.appendChild(p);
    }
    section.setAttribute("tabindex", "-1");
    section.focus();
  }

  function runSearch(form, query) {
    index().then(function (data) {
      var live = searchUrl ? searchUrl + (searchUrl.indexOf("?") < 0 ? "?" : "&") +
        "q=" + encodeURIComponent(query) : "";
      var found = window.RumoursOfflineSearch.search(data, query, lang);
      var results = found.results.slice(0, 20);
      var answers = results.filter(function (r) { return r.match === "answer"; });
      var related = results.filter(function (r) { return r.match !== "answer"; });
      var docs = function (rs) { return rs.map(function (r) { return r.doc; }); };
      var note = !results.length ? data.labels.none : (found.answered ? "" : data.labels.no_answer);
      show(form, data, data.labels.results, [
        { title: answers.length ? data.labels.answers : "", docs: docs(answers) },
        { title: data.labels.related, docs: docs(related) },
      ], note, live);
    });
  }

  // The canonical spelling of a form's URL, as export.py's url_key writes it.
  function formKey(form) {
    var path = form.getAttribute("data-site-action");
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (value !== "") { pairs.push([name, String(value)]); }
    });
    // `language` asks for the same address in another language (as the server redirects).
    var chosen = pairs.filter(function (p) { return p[0] === "language"; })[0];
    if (chosen) {
      path = path.replace(/^\/[a-z]{2,3}\//, "/" + chosen[1] + "/");
      pairs = pairs.filter(function (p) { return p[0] !== "language"; });
    }
    pairs.sort(function (a, b) {
      return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
    });
    var query = new URLSearchParams(pairs).toString();
    return { path: path, pairs: pairs, key: path + (query ? "?" + query : "") };
  }

  function filterOffline(form, target) {
    index().then(function (data) {
      var docs = data.docs.filter(function (doc) {
        return target.pairs.every(function (p) {
          if (p[0] === "topic") { return doc.topics.indexOf(p[1]) >= 0; }
          if (p[0] === "place") { return doc.places.indexOf(p[1]) >= 0; }
          if (p[0] === "verdict") { return doc.verdict === p[1]; }
          return true;
        });
      });
      show(form, data, data.labels.filtered, [{ title: "", docs: docs }],
           docs.length ? "" : data.labels.no_filter_match, "");
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") {
      return;
    }
    if (form.getAttribute("role") === "search") {
      form.addEventListener("submit", function (event) {
        var input = form.querySelector("[name=q]");
        if (!input || !input.value.trim()) {
          return;
        }
        event.preventDefault();
        runSearch(form, input.value);
      });
      var asked = new URLSearchParams(window.location.search).get("q");
      var box = form.querySelector("[name=q]");
      if (asked && box && !box.value) {
        box.value = asked;
        runSearch(form, asked);
      }
      return;
    }
    if (!form.getAttribute("data-site-action")) {
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var target = formKey(form);
      manifest().then(function (saved) {
        if (saved.files[target.key]) {
          window.location.href = root + saved.files[target.key];
        } else if (/^\/[a-z]{2,3}\/rumours\/$/.test(target.path)) {
          filterOffline(form, target);
        } else {
          window.location.href = (saved.live || live) + target.key;
        }
      });
    });
  });
})();
