// The static export's search and forms, for a copy served from any static host or opened
// from a folder (file://). Added to every page by `rumours build`; not used by the live site.
//
// - Search boxes (role="search") search the rumours saved in the copy: the index is
//   <lang>/search-index.js (a script, because file:// pages cannot fetch JSON). When the
//   site sets `search_url`, the form itself points to the live search, so without
//   JavaScript it still works online, and the results offer a link to it.
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
    return load(root + lang + "/search-index.js").then(function () {
      return window.RUMOURS_SEARCH_INDEX[lang];
    });
  }

  function manifest() {
    return load(root + "export-manifest.js").then(function () {
      return window.RUMOURS_EXPORT;
    });
  }

  // The same folding as rumours/offline_search.py: no accents, no Arabic vowel marks.
  var arabicFolds = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي" };
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").normalize("NFC")
      .replace(/[أإآٱةى]/g, function (ch) { return arabicFolds[ch]; }).toLowerCase();
  }
  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  var weights = { claim: 4, other: 2, summary: 2, body: 1 };
  function match(word, term) {
    if (word === term) { return 1; }
    if (term.length >= 3 && word.indexOf(term) === 0) { return 0.8; }
    if (word.length >= 4 && term.indexOf(word) === 0) { return 0.6; }
    return 0;
  }

  function search(data, query) {
    var terms = words(query).filter(function (t) { return t.length > 1; });
    var docs = data.docs;
    var results = [];
    var idf = {};
    terms.forEach(function (term) {
      var n = docs.filter(function (doc) {
        return Object.keys(weights).some(function (field) {
          return doc.words[field].some(function (w) { return match(w, term) > 0; });
        });
      }).length;
      idf[term] = Math.log(1 + docs.length / (1 + n));
    });
    docs.forEach(function (doc) {
      var score = 0;
      terms.forEach(function (term) {
        var best = 0;
        Object.keys(weights).forEach(function (field) {
          doc.words[field].forEach(function (w) {
            best = Math.max(best, match(w, term) * weights[field]);
          });
        });
        score += best * idf[term];
      });
      if (score > 0) {
        results.push({ doc: doc, score: score });
      }
    });
    results.sort(function (a, b) { return b.score - a.score; });
    return results.slice(0, 20).map(function (r) { return r.doc; });
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

  function show(form, data, title, docs, emptyText, liveLink) {
    var section = panel(form);
    section.textContent = "";
    section.appendChild(element("h2", {}, title));
    section.appendChild(element("p", { "class": "offline-note" }, data.labels.offline));
    if (!docs.length) {
      section.appendChild(element("p", {}, emptyText));
    }
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
    section.appendChild(list);
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
      show(form, data, data.labels.results, search(data, query), data.labels.none, live);
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
      show(form, data, data.labels.filtered, docs, data.labels.no_filter_match, "");
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
